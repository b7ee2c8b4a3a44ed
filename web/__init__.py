"""The web front end: pages, a JSON API and a SPARQL 1.1 endpoint over one read-only store.

`create_app` is the application factory (flaskr's pattern); the store and the question engine are
opened once per process and handed to the views through `app.extensions`.
"""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the app's imports wait for create_app, so `kgqa ask` does not load Flask
    from flask import Flask

DEFAULTS: dict[str, Any] = {
    "MAX_CONTENT_LENGTH": 64 * 1024,  # bytes of a request body
    "MAX_QUESTION_CHARS": 500,
    "SPARQL_ROW_LIMIT": 10_000,
    "SPARQL_TIMEOUT_S": 10.0,
    "SPARQL_WORKERS": 2,
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; configuration from KGQA_* environment variables, then test_config."""
    from flask import Flask, Response

    from kg.backend import open_configured_store, store_location
    from kg.config import data_dir
    from kg.workers import QueryWorkers
    from qa.engine import Engine
    from web.errors import register_error_handlers
    from web.security import CSP

    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("KGQA")
    if test_config:
        app.config.update(test_config)
    store = open_configured_store(Path(app.config.get("DATA_DIR") or data_dir()), memory=None)
    app.extensions["kgqa.store"] = store
    app.extensions["kgqa.engine"] = Engine(store)
    workers = QueryWorkers(
        store_location(store),
        size=int(app.config["SPARQL_WORKERS"]),
        memory=getattr(store, "in_memory", False),
    )
    app.extensions["kgqa.workers"] = workers
    atexit.register(workers.close)

    from web import api, compare, data, ld, pages, sparql

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(ld.bp)
    app.register_blueprint(compare.bp)
    app.register_blueprint(data.bp)
    register_error_handlers(app)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return app
