"""/sparql: the W3C SPARQL 1.1 Protocol, read-only, with a row cap and a time limit.

GET with `query=`, POST as a form or as `application/sparql-query`; results by content negotiation.
An update (`update=`, `application/sparql-update`) is refused with 403; a malformed query, two
`query` parameters or a wrong content type with 400. SERVICE is refused: the endpoint never
connects out. Results are streamed row by row until the row cap or the time limit, and a cut is
reported in the `X-KGQA-Truncated` header.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Iterator
from typing import TypeVar
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from kg.errors import InputError, QueryError
from kg.store import EmbeddedStore
from kg.vocab import PREFIXES, sparql_prefixes
from web.errors import Refused

bp = Blueprint("sparql", __name__)

SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
STRINGS_AND_IRIS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


def _store() -> EmbeddedStore:
    found: EmbeddedStore = current_app.extensions["kgqa.store"]
    return found


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
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w-]*):", query, re.IGNORECASE)}
    missing = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p not in declared)
    return missing + query


def _term_json(term: object) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        found = {"type": "literal", "value": term.value}
        if term.language:
            found["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            found["datatype"] = term.datatype.value
        return found
    return {"type": "literal", "value": str(term)}


def _term_tsv(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        text = (
            term.value.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\t", "\\t")
        )
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return f'"{text}"^^<{term.datatype.value}>'
        return f'"{text}"'
    return str(term)


def _term_xml(name: str, term: object) -> str:
    if isinstance(term, ox.NamedNode):
        inner = f"<uri>{escape(term.value)}</uri>"
    elif isinstance(term, ox.BlankNode):
        inner = f"<bnode>{escape(term.value)}</bnode>"
    elif isinstance(term, ox.Literal):
        attr = (
            f" xml:lang={quoteattr(term.language)}"
            if term.language
            else f" datatype={quoteattr(term.datatype.value)}"
        )
        inner = f"<literal{attr}>{escape(term.value)}</literal>"
    else:
        inner = f"<literal>{escape(str(term))}</literal>"
    return f"<binding name={quoteattr(name)}>{inner}</binding>"


T = TypeVar("T")


def _limited(rows: Iterator[T], limit: int, seconds: float) -> tuple[list[T], str | None]:
    """Rows until the cap or the clock runs out; the second value says which cut, if any."""
    deadline = time.monotonic() + seconds
    kept: list[T] = []
    for row in rows:
        if len(kept) >= limit:
            return kept, f"rows: the result has more than {limit} rows"
        if time.monotonic() > deadline:
            return kept, f"time: the query ran past {seconds:g} s"
        kept.append(row)
    return kept, None


def _solutions(
    result: ox.QuerySolutions, fmt: str, limit: int, seconds: float
) -> tuple[str, str | None]:
    names = [v.value for v in result.variables]
    rows, cut = _limited(iter(result), limit, seconds)
    if fmt == "json":
        bindings = [{n: _term_json(r[n]) for n in names if r[n] is not None} for r in rows]
        return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}), cut
    if fmt == "xml":
        head = "".join(f"<variable name={quoteattr(n)}/>" for n in names)
        body = "".join(
            "<result>"
            + "".join(_term_xml(n, r[n]) for n in names if r[n] is not None)
            + "</result>"
            for r in rows
        )
        xml = f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>{head}</head><results>{body}</results></sparql>'
        return xml, cut
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(names)
        for r in rows:
            writer.writerow(["" if r[n] is None else r[n].value for n in names])
        return out.getvalue(), cut
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join(_term_tsv(r[n]) for n in names) for r in rows]
    return "\n".join(lines) + "\n", cut


def _boolean(value: bool, fmt: str) -> str:
    if fmt == "xml":
        return f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>{str(value).lower()}</boolean></sparql>'
    if fmt in ("csv", "tsv"):
        return f"{'_askResult' if fmt == 'csv' else '?_askResult'}\n{str(value).lower()}\n"
    return json.dumps({"head": {}, "boolean": value})


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
    result = _store().query(_check(query))
    headers = {"X-KGQA-Row-Limit": str(limit), "X-KGQA-Time-Limit": f"{seconds:g}"}
    if isinstance(result, ox.QueryBoolean):
        mime = _negotiate(list(SELECT_TYPES), "application/sparql-results+json")
        return Response(_boolean(bool(result), SELECT_TYPES[mime]), mimetype=mime, headers=headers)
    if isinstance(result, ox.QueryTriples):
        mime = _negotiate(list(GRAPH_TYPES), "text/turtle")
        triples, cut = _limited(iter(result), limit, seconds)
        data = ox.serialize(triples, format=GRAPH_TYPES[mime], prefixes=PREFIXES) or b""
        if cut:
            headers["X-KGQA-Truncated"] = cut
        return Response(data, mimetype=mime, headers=headers)
    mime = _negotiate(list(SELECT_TYPES), "application/sparql-results+json")
    body, cut = _solutions(result, SELECT_TYPES[mime], limit, seconds)
    if cut:
        headers["X-KGQA-Truncated"] = cut
    return Response(body, mimetype=mime, headers=headers)


EDITOR_ROWS = 500


def _editor(query: str, run: bool) -> str:
    """The editor page; with run=1, the query's rows as a table under it (no JavaScript needed)."""
    from web.data import examples

    table: dict[str, object] | None = None
    error = None
    if run and query.strip():
        seconds = float(current_app.config["SPARQL_TIMEOUT_S"])
        try:
            result = _store().query(_check(query))
        except (InputError, QueryError) as exc:
            error = str(exc)
        else:
            if isinstance(result, ox.QuerySolutions):
                names = [v.value for v in result.variables]
                rows, cut = _limited(iter(result), EDITOR_ROWS, seconds)
                table = {"names": names, "rows": [[r[n] for n in names] for r in rows], "cut": cut}
            elif isinstance(result, ox.QueryBoolean):
                table = {"names": ["result"], "rows": [[str(bool(result)).lower()]], "cut": None}
            else:
                triples, cut = _limited(iter(result), EDITOR_ROWS, seconds)
                rows3 = [[t.subject, t.predicate, t.object] for t in triples]
                table = {"names": ["subject", "predicate", "object"], "rows": rows3, "cut": cut}
    return render_template(
        "sparql.html",
        prefixes=sparql_prefixes(),
        query=query,
        examples=examples(),
        table=table,
        error=error,
    )


@bp.after_request
def cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
    response.headers["Access-Control-Expose-Headers"] = (
        "X-KGQA-Truncated, X-KGQA-Row-Limit, X-KGQA-Time-Limit"
    )
    return response
