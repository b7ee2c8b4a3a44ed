"""The JSON API: /api/ask (the contract of DESIGN.md) and the sources."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from kg.errors import InputError
from qa.engine import Engine

bp = Blueprint("api", __name__, url_prefix="/api")


def engine() -> Engine:
    found: Engine = current_app.extensions["kgqa.engine"]
    return found


def question_arg() -> str:
    values = request.args.getlist("q")
    if len(values) != 1:
        raise InputError("give exactly one question as ?q=")
    limit = current_app.config["MAX_QUESTION_CHARS"]
    if len(values[0]) > limit:
        raise InputError(f"the question is {len(values[0])} characters long; the limit is {limit}")
    return values[0]


@bp.get("/ask")
def ask() -> Response:
    return jsonify(engine().ask(question_arg()).to_json())


@bp.get("/sources")
def sources() -> Response:
    return jsonify(
        [
            {"id": s.iri, "slug": s.slug, "title": s.title, "short_title": s.short_title}
            for s in engine().sources.values()
        ]
    )


@bp.after_request
def cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
