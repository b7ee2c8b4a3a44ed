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
    "INCLUDE_PROPOSED": False,  # answer from claims not yet reviewed too (marked as such)
    "REVIEW": False,  # the review page, for this machine only (`kgqa serve --review`)
    "SESSION_COOKIE_SAMESITE": "Strict",  # the session holds only the forms' CSRF token
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; configuration from KGQA_* environment variables, then test_config."""
    import secrets

    from flask import Flask, Response, g

    from kg.config import data_dir
    from web.backend import Reloader, first_backend
    from web.errors import register_error_handlers
    from web.security import CSP

    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("KGQA")
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):  # signs the session: a new key per process is enough
        app.config["SECRET_KEY"] = secrets.token_bytes(32)
    directory = Path(app.config.get("DATA_DIR") or data_dir())
    app.extensions["kgqa_data_dir"] = directory
    workers = int(app.config["SPARQL_WORKERS"])
    include = bool(app.config["INCLUDE_PROPOSED"])
    app.extensions["kgqa"] = first_backend(directory, workers, include)
    atexit.register(lambda: app.extensions["kgqa"].workers.close())
    reloader = app.extensions["kgqa_reloader"] = Reloader(app, directory, workers, include)

    @app.before_request
    def pin_backend() -> None:
        """Pick up a new build (in the background), then pin this request to one build."""
        reloader.check()
        g.kgqa = app.extensions["kgqa"]

    from web import api, compare, data, flags, ld, pages, review, sparql

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(ld.bp)
    app.register_blueprint(compare.bp)
    app.register_blueprint(data.bp)
    app.register_blueprint(flags.bp)
    app.register_blueprint(review.bp)
    register_error_handlers(app)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        if "kgqa" in g:  # which build answered: a new build is swapped in while serving
            response.headers["X-KGQA-Build"] = g.kgqa.store.build_id
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return app
