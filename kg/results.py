"""Render SPARQL results: a terminal table, or the W3C result and RDF formats."""

from __future__ import annotations

import pyoxigraph as ox

from kg.errors import InputError
from kg.store import QueryResult
from kg.vocab import PREFIXES

RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}
FORMATS = ("table", *sorted(set(RESULT_FORMATS) | set(GRAPH_FORMATS)))


def compact(term: object) -> str:
    """A term as a person reads it: prefixed names for IRIs, the lexical form for literals."""
    if isinstance(term, ox.NamedNode):
        for prefix, ns in PREFIXES.items():
            if term.value.startswith(ns) and term.value != ns:
                return f"{prefix}:{term.value[len(ns) :]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value.replace("\n", "\\n")
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return "" if term is None else str(term)


def render_table(result: QueryResult) -> str:
    """A plain-text table of SELECT rows, 'true'/'false' for ASK, Turtle for graphs."""
    if isinstance(result, ox.QueryBoolean):
        return "true" if bool(result) else "false"
    if isinstance(result, ox.QueryTriples):
        return render(result, "turtle")
    names = [v.value for v in result.variables]
    rows = [[compact(row[name]) for name in names] for row in result]
    widths = [max([len(name), *(len(r[i]) for r in rows)]) for i, name in enumerate(names)]
    lines = [" | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines.extend(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines)


def render(result: QueryResult, fmt: str) -> str:
    """The result in a named format; InputError when the format does not fit the query form."""
    if fmt == "table":
        return render_table(result)
    if isinstance(result, ox.QueryTriples):
        if fmt not in GRAPH_FORMATS:
            raise InputError(
                f"--format {fmt} is for SELECT/ASK; use one of: {', '.join(GRAPH_FORMATS)}"
            )
        data = ox.serialize(result, format=GRAPH_FORMATS[fmt], prefixes=PREFIXES)
        return (data or b"").decode("utf-8")
    if fmt not in RESULT_FORMATS:
        raise InputError(
            f"--format {fmt} is for CONSTRUCT/DESCRIBE; use one of: {', '.join(RESULT_FORMATS)}"
        )
    return (result.serialize(format=RESULT_FORMATS[fmt]) or b"").decode("utf-8")
