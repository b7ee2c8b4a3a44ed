"""/sparql: the W3C SPARQL 1.1 Protocol, read-only, with a row cap and a time limit.

GET with `query=`, POST as a form or as `application/sparql-query`; results by content negotiation;
`default-graph-uri` and `named-graph-uri` name the dataset (the union of all graphs is the default
graph only when neither is given). The project's prefixes are predeclared and relative IRIs
resolve against the graph's base IRI, both by the parser, so an error names the user's own line
and column. An update, whatever the method and content type, is refused with 403; a malformed
query, two `query` parameters, bytes that are not UTF-8 or a wrong content type with 400. SERVICE
is refused: the endpoint never connects out. Every query runs in a query worker, which stops it at
the row cap or the time limit; a cut is reported in the `X-KGQA-Truncated` header.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from kg.errors import InputError, KgqaError
from kg.serialize import GRAPH_TYPES, MEDIA_ALIASES, SELECT_TYPES
from kg.sparql_text import calls_service, is_update
from kg.store import Dataset
from kg.vocab import PREFIXES, sparql_prefixes
from kg.workers import QueryJob, QueryWorkers
from web.backend import backend
from web.errors import Refused
from web.security import CSP

bp = Blueprint("sparql", __name__)

READ_ONLY = "this endpoint is read-only: updates are refused"
FORM = "application/x-www-form-urlencoded"


def _params(raw: bytes) -> list[tuple[str, str]]:
    """Form or query-string parameters, decoded as UTF-8 (InputError when they are not)."""
    try:
        return parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise InputError("the request is not valid UTF-8") from exc


def _request() -> tuple[str | None, Dataset | None]:
    """The query of the request (None when there is none) and the dataset it names; raises for
    the protocol's 4xx cases."""
    url = _params(request.query_string)
    if request.method == "GET":
        params = url
    else:
        content_type = (request.mimetype or "").lower()
        if content_type == "application/sparql-update":
            raise Refused(READ_ONLY)
        if content_type == "application/sparql-query":
            try:
                text = request.get_data().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError("the query is not valid UTF-8") from exc
            return text, _dataset(url)
        if content_type != FORM:
            raise InputError(f"POST needs Content-Type {FORM} or application/sparql-query")
        params = _params(request.get_data())
    names = [k for k, _ in params]
    if "update" in names:
        if "query" in names:
            raise InputError("give a query or an update, not both")
        raise Refused(READ_ONLY)
    queries = [v for k, v in params if k == "query"]
    if len(queries) > 1:
        raise InputError("give exactly one `query` parameter")
    return (queries[0] if queries else None), _dataset(params)


def _dataset(params: list[tuple[str, str]]) -> Dataset | None:
    """The protocol's dataset, None when the request names no graph; each graph must be an IRI."""
    graphs: dict[str, list[str]] = {"default-graph-uri": [], "named-graph-uri": []}
    for key, value in params:
        if key in graphs:
            try:
                graphs[key].append(ox.NamedNode(value).value)
            except ValueError as exc:
                raise InputError(f"{key} must be an absolute IRI, not {value!r}") from exc
    if not any(graphs.values()):
        return None
    return Dataset(tuple(graphs["default-graph-uri"]), tuple(graphs["named-graph-uri"]))


def _check(query: str) -> str:
    if not query.strip():
        raise InputError("the query is empty")
    if is_update(query):
        raise Refused(READ_ONLY)
    if calls_service(query):
        raise InputError("federated queries (SERVICE) are not allowed on this endpoint")
    return query


def _negotiate(types: list[str], default: str) -> str:
    found = request.accept_mimetypes.best_match(types) or default
    return MEDIA_ALIASES.get(found, found)


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response | str:
    if request.method == "OPTIONS":
        return Response(status=204)
    query, dataset = _request()
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
    select_mime = _negotiate([*SELECT_TYPES, *MEDIA_ALIASES], "application/sparql-results+json")
    graph_mime = _negotiate(list(GRAPH_TYPES), "text/turtle")
    job = QueryJob(_check(query), select_mime, graph_mime, limit, seconds, dataset=dataset)
    workers = _workers()
    body, mime, cut = workers.run(job)
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
        try:
            job = QueryJob(
                _check(query),
                "application/sparql-results+json",
                "application/n-triples",
                EDITOR_ROWS,
                seconds,
            )
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
        prefix_map=json.dumps(PREFIXES),
        query=query,
        examples=[(ex, ex.query) for ex in examples()],
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
