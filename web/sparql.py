"""/sparql: the W3C SPARQL 1.1 Protocol, read-only, with a row cap and a time limit.

GET with `query=`, POST as a form or as `application/sparql-query`; results by content negotiation.
An update (`update=`, `application/sparql-update`) is refused with 403; a malformed query, two
`query` parameters or a wrong content type with 400. SERVICE is refused: the endpoint never
connects out. Results are streamed row by row until the row cap or the time limit, and a cut is
reported in the `X-KGQA-Truncated` header.
"""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from kg.errors import InputError, KgqaError
from kg.serialize import GRAPH_TYPES, SELECT_TYPES
from kg.store import Store
from kg.vocab import sparql_prefixes, with_prefixes
from kg.workers import QueryWorkers
from web.backend import backend
from web.errors import Refused
from web.security import CSP

bp = Blueprint("sparql", __name__)

STRINGS_AND_IRIS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


def _store() -> Store:
    return backend().store


def _query_text() -> str | None:
    """The query of the request, or None when there is none; raises for the protocol's 4xx cases."""
    if request.method == "GET":
        if "update" in request.args:
            raise Refused("this endpoint is read-only: updates are refused")
        queries = request.args.getlist("query")
    else:
        content_type = (request.mimetype or "").lower()
        if content_type == "application/sparql-update" or "update" in request.form:
            raise Refused("this endpoint is read-only: updates are refused")
        if content_type == "application/sparql-query":
            return request.get_data(as_text=True)
        if content_type != "application/x-www-form-urlencoded":
            raise InputError(
                "POST needs Content-Type application/x-www-form-urlencoded or application/sparql-query"
            )
        queries = request.form.getlist("query")
    if len(queries) > 1:
        raise InputError("give exactly one `query` parameter")
    return queries[0] if queries else None


def _check(query: str) -> str:
    if not query.strip():
        raise InputError("the query is empty")
    if SERVICE.search(STRINGS_AND_IRIS.sub(" ", query)):
        raise InputError("federated queries (SERVICE) are not allowed on this endpoint")
    return with_prefixes(query)


def _negotiate(types: list[str], default: str) -> str:
    return request.accept_mimetypes.best_match(types) or default


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response | str:
    if request.method == "OPTIONS":
        return Response(status=204)
    query = _query_text()
    if query is None:
        wants_page = (
            request.accept_mimetypes.best_match(["text/html", "application/sparql-results+json"])
            == "text/html"
        )
        if request.method == "GET" and wants_page:
            return _editor(request.args.get("q", ""), run=request.args.get("run") == "1")
        raise InputError("no query: give one as `query`")
    limit = int(current_app.config["SPARQL_ROW_LIMIT"])
    seconds = float(current_app.config["SPARQL_TIMEOUT_S"])
    select_mime = _negotiate(list(SELECT_TYPES), "application/sparql-results+json")
    graph_mime = _negotiate(list(GRAPH_TYPES), "text/turtle")
    body, mime, cut = _workers().run((_check(query), select_mime, graph_mime, limit, seconds))
    workers = _workers()
    headers = {
        "X-KGQA-Row-Limit": str(limit),
        "X-KGQA-Time-Limit": f"{seconds:g}",
        "X-KGQA-Workers-Ready": f"{workers.ready_count}/{workers.size}",
    }
    if cut:
        headers["X-KGQA-Truncated"] = cut
    return Response(body, mimetype=mime, headers=headers)


EDITOR_ROWS = 500


def _cells(binding: dict[str, dict[str, str]], names: list[str]) -> list[dict[str, object]]:
    return [
        {"value": binding[n]["value"], "iri": binding[n]["type"] == "uri"}
        if n in binding
        else {"value": "", "iri": False}
        for n in names
    ]


def _editor(query: str, run: bool) -> str:
    """The editor page; with run=1, the query's rows as a table under it (no JavaScript needed)."""
    from web.data import examples

    table: dict[str, object] | None = None
    error = None
    if run and query.strip():
        seconds = float(current_app.config["SPARQL_TIMEOUT_S"])
        job = (
            _check(query),
            "application/sparql-results+json",
            "application/n-triples",
            EDITOR_ROWS,
            seconds,
        )
        try:
            body, mime, cut = _workers().run(job)
        except KgqaError as exc:
            error = str(exc)
        else:
            if mime == "application/n-triples":
                triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
                rows = [
                    [
                        {"value": t.value, "iri": isinstance(t, ox.NamedNode)}
                        for t in (q.subject, q.predicate, q.object)
                    ]
                    for q in triples
                ]
                table = {"names": ["subject", "predicate", "object"], "rows": rows, "cut": cut}
            else:
                data = json.loads(body)
                if "boolean" in data:
                    table = {
                        "names": ["result"],
                        "rows": [[{"value": str(data["boolean"]).lower(), "iri": False}]],
                        "cut": None,
                    }
                else:
                    names = data["head"]["vars"]
                    rows = [_cells(b, names) for b in data["results"]["bindings"]]
                    table = {"names": names, "rows": rows, "cut": cut}
    return render_template(
        "sparql.html",
        prefixes=sparql_prefixes(),
        query=with_prefixes(query, only_used=True) if query else "",
        examples=[(ex, with_prefixes(ex.query, only_used=True)) for ex in examples()],
        table=table,
        error=error,
    )


def _workers() -> QueryWorkers:
    return backend().workers


EDITOR_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


@bp.after_request
def cors(response: Response) -> Response:
    if response.mimetype == "text/html":  # YASGUI sets inline styles; scripts stay 'self' only
        response.headers["Content-Security-Policy"] = EDITOR_CSP
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
    response.headers["Access-Control-Expose-Headers"] = (
        "X-KGQA-Truncated, X-KGQA-Row-Limit, X-KGQA-Time-Limit, X-KGQA-Workers-Ready"
    )
    return response
