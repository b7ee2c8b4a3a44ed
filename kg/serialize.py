"""SPARQL results as bytes or as a terminal table: the one serialiser of the CLI, the endpoint
and the query workers, with one table of formats.

Results are read row by row, up to a row cap and a deadline when given; a cut is reported to the
caller. No Flask here: the query workers use it too.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.errors import InputError
from kg.vocab import PREFIXES, compact_iri

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Format:
    """A serialisation: its name on the command line, media type, and whether it is for graphs
    (CONSTRUCT/DESCRIBE, an RDF syntax) or for solutions and booleans (SELECT/ASK)."""

    name: str
    media_type: str
    rdf: ox.RdfFormat | None = None

    @property
    def for_graphs(self) -> bool:
        return self.rdf is not None


FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json"),
    Format("xml", "application/sparql-results+xml"),
    Format("csv", "text/csv"),
    Format("tsv", "text/tab-separated-values"),
    Format("turtle", "text/turtle", ox.RdfFormat.TURTLE),
    Format("ntriples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    Format("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
    Format("xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
)
MEDIA_ALIASES = {"application/json": "application/sparql-results+json"}
SELECT_TYPES = {f.media_type: f for f in FORMATS if not f.for_graphs}
GRAPH_TYPES = {f.media_type: f for f in FORMATS if f.for_graphs}
CLI_NAMES = ("table", *sorted({f.name for f in FORMATS}))


def by_media_type(media_type: str) -> Format:
    return {**SELECT_TYPES, **GRAPH_TYPES}[MEDIA_ALIASES.get(media_type, media_type)]


def by_name(name: str, *, for_graphs: bool) -> Format:
    """The format a command-line name stands for, for this query form; InputError if none."""
    for found in FORMATS:
        if found.name == name and found.for_graphs == for_graphs:
            return found
    kind, other = (
        ("CONSTRUCT/DESCRIBE", "SELECT/ASK") if for_graphs else ("SELECT/ASK", "CONSTRUCT/DESCRIBE")
    )
    names = ", ".join(f.name for f in FORMATS if f.for_graphs == for_graphs)
    raise InputError(f"--format {name} is for {other}; for {kind} use one of: {names}")


T = TypeVar("T")
Cut = str | None  # why a result was cut short, or None


def limited(rows: Iterator[T], limit: int | None, seconds: float | None) -> tuple[list[T], Cut]:
    """Rows until the cap or the clock runs out; the second value says which cut, if any."""
    deadline = None if seconds is None else time.monotonic() + seconds
    kept: list[T] = []
    for row in rows:
        if limit is not None and len(kept) >= limit:
            return kept, f"rows: the result has more than {limit} rows"
        if deadline is not None and time.monotonic() > deadline:
            return kept, f"time: the query ran past {seconds:g} s"
        kept.append(row)
    return kept, None


def serialize(
    result: object,
    select: Format,
    graph: Format,
    limit: int | None = None,
    seconds: float | None = None,
) -> tuple[bytes, Format, Cut]:
    """A query result in the format for its form: (body, format used, cut or None)."""
    if isinstance(result, ox.QueryBoolean):
        return _boolean(bool(result), select.name).encode(), select, None
    if isinstance(result, ox.QueryTriples):
        triples, cut = limited(iter(result), limit, seconds)
        return ox.serialize(triples, format=graph.rdf, prefixes=PREFIXES) or b"", graph, cut
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"unexpected query result {result!r}")
    names = [v.value for v in result.variables]
    rows, cut = limited(iter(result), limit, seconds)
    return _SOLUTIONS[select.name](names, rows).encode(), select, cut


def compact(term: object) -> str:
    """A term as a person reads it: prefixed names for IRIs, the lexical form for literals."""
    if isinstance(term, ox.NamedNode):
        short = compact_iri(term.value)
        return short if short != term.value else f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value.replace("\n", "\\n")
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return "" if term is None else str(term)


def render_table(result: object) -> str:
    """A plain-text table of SELECT rows, 'true'/'false' for ASK, Turtle for graphs."""
    if isinstance(result, ox.QueryBoolean):
        return "true" if bool(result) else "false"
    if isinstance(result, ox.QueryTriples):
        turtle = by_name("turtle", for_graphs=True)
        return serialize(result, turtle, turtle)[0].decode("utf-8")
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"unexpected query result {result!r}")
    names = [v.value for v in result.variables]
    rows = [[compact(row[name]) for name in names] for row in result]
    widths = [max([len(name), *(len(r[i]) for r in rows)]) for i, name in enumerate(names)]
    lines = [" | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines.extend(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines)


def _term_json(term: object) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        found = {"type": "literal", "value": term.value}
        if term.language:
            found["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            found["datatype"] = term.datatype.value
        return found
    return {"type": "literal", "value": str(term)}


def _json(names: list[str], rows: list[ox.QuerySolution]) -> str:
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


XML_HEAD = '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'


def _xml(names: list[str], rows: list[ox.QuerySolution]) -> str:
    head = "".join(f"<variable name={quoteattr(n)}/>" for n in names)
    body = "".join(
        "<result>" + "".join(_term_xml(n, r[n]) for n in names if r[n] is not None) + "</result>"
        for r in rows
    )
    return f"{XML_HEAD}<head>{head}</head><results>{body}</results></sparql>"


def _csv(names: list[str], rows: list[ox.QuerySolution]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for r in rows:
        writer.writerow(["" if r[n] is None else r[n].value for n in names])
    return out.getvalue()


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
        if term.datatype.value != XSD_STRING:
            return f'"{text}"^^<{term.datatype.value}>'
        return f'"{text}"'
    return str(term)


def _tsv(names: list[str], rows: list[ox.QuerySolution]) -> str:
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join(_term_tsv(r[n]) for n in names) for r in rows]
    return "\n".join(lines) + "\n"


_SOLUTIONS: dict[str, Callable[[list[str], list[ox.QuerySolution]], str]] = {
    "json": _json,
    "xml": _xml,
    "csv": _csv,
    "tsv": _tsv,
}


def _boolean(value: bool, name: str) -> str:
    word = str(value).lower()
    if name == "xml":
        return f"{XML_HEAD}<head/><boolean>{word}</boolean></sparql>"
    if name in ("csv", "tsv"):
        return f"{'_askResult' if name == 'csv' else '?_askResult'}\n{word}\n"
    return json.dumps({"head": {}, "boolean": value})
