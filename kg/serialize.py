"""SPARQL results as bytes: the W3C result formats for SELECT/ASK, RDF formats for graphs.

Results are read row by row up to a row cap and a deadline; a cut is reported to the caller.
Used in the web process and in the query workers alike (no Flask here).
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Iterator
from typing import TypeVar
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.vocab import PREFIXES

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
        return _json_solutions(names, rows), cut
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


def _json_solutions(names: list[str], rows: list[ox.QuerySolution]) -> str:
    """SPARQL JSON results, each distinct term encoded once (results repeat terms a lot)."""
    keys = [json.dumps(n) + ":" for n in names]
    encoded: dict[object, str] = {}
    bindings = []
    for row in rows:
        items = []
        for key, term in zip(keys, row, strict=True):
            if term is None:
                continue
            text = encoded.get(term)
            if text is None:
                text = encoded[term] = json.dumps(_term_json(term))
            items.append(key + text)
        bindings.append("{" + ",".join(items) + "}")
    head = json.dumps({"vars": names})
    return f'{{"head":{head},"results":{{"bindings":[{",".join(bindings)}]}}}}'


def _boolean(value: bool, fmt: str) -> str:
    if fmt == "xml":
        return f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>{str(value).lower()}</boolean></sparql>'
    if fmt in ("csv", "tsv"):
        return f"{'_askResult' if fmt == 'csv' else '?_askResult'}\n{str(value).lower()}\n"
    return json.dumps({"head": {}, "boolean": value})


def execute(
    run: Callable[[str], object],
    query: str,
    select_mime: str,
    graph_mime: str,
    limit: int,
    seconds: float,
) -> tuple[bytes, str, str | None]:
    """Run a query and serialise its result: (body, media type, cut or None)."""
    result = run(query)
    if isinstance(result, ox.QueryBoolean):
        return _boolean(bool(result), SELECT_TYPES[select_mime]).encode(), select_mime, None
    if isinstance(result, ox.QueryTriples):
        triples, cut = _limited(iter(result), limit, seconds)
        data = ox.serialize(triples, format=GRAPH_TYPES[graph_mime], prefixes=PREFIXES) or b""
        return data, graph_mime, cut
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("unexpected query result")
    body, cut = _solutions(result, SELECT_TYPES[select_mime], limit, seconds)
    return body.encode(), select_mime, cut
