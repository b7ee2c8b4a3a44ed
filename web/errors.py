"""Domain errors to HTTP: one table of statuses, one JSON shape, an HTML page for browsers."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from kg.errors import BuildError, InputError, KgqaError, QueryError, StoreError
from kg.workers import QueryTimeout, WorkersBusy

STATUS: dict[type[KgqaError], int] = {
    QueryTimeout: 503,
    WorkersBusy: 503,
    InputError: 400,
    QueryError: 400,
    StoreError: 503,
    BuildError: 503,
}


class Refused(KgqaError):
    """A request the server will not carry out (an update on a read-only endpoint)."""


def status_of(error: KgqaError) -> int:
    if isinstance(error, Refused):
        return 403
    return next((code for cls, code in STATUS.items() if isinstance(error, cls)), 400)


def wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and not request.path.startswith(("/api/", "/sparql"))


def error_response(message: str, status: int) -> Response:
    if wants_html():
        return Response(
            render_template("error.html", message=message, status=status), status=status
        )
    response = jsonify({"ok": False, "error": message, "status": status})
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(KgqaError)
    def domain_error(error: KgqaError) -> Response:
        return error_response(str(error), status_of(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return error_response(error.description or error.name, error.code or 500)
