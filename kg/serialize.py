"""SPARQL results as bytes or as a terminal table: the one serialiser of the CLI, the endpoint
and the query workers, with one table of formats.

The bytes are pyoxigraph's own serialiser output, streamed and cut at a row cap and a deadline
when given (kg.rowcut); a cut is reported to the caller. CSV and the RDF syntaxes other than
N-Triples, whose rows cannot be told apart in their bytes, are cut as TSV or N-Triples and
converted by the engine. No Flask here: the query workers use it too.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg import rowcut
from kg.errors import InputError
from kg.rowcut import Cut
from kg.vocab import PREFIXES, compact_iri


@dataclass(frozen=True)
class Format:
    """A serialisation: its name on the command line, media type, and whether it is for graphs
    (CONSTRUCT/DESCRIBE, an RDF syntax) or for solutions and booleans (SELECT/ASK)."""

    name: str
    media_type: str
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None

    @property
    def for_graphs(self) -> bool:
        return self.rdf is not None


FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", results=ox.QueryResultsFormat.JSON),
    Format("xml", "application/sparql-results+xml", results=ox.QueryResultsFormat.XML),
    Format("csv", "text/csv", results=ox.QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", results=ox.QueryResultsFormat.TSV),
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


def serialize(
    result: object,
    select: Format,
    graph: Format,
    limit: int | None = None,
    seconds: float | None = None,
) -> tuple[bytes, Format, Cut]:
    """A query result in the format for its form: (body, format used, cut or None)."""
    if isinstance(result, ox.QueryBoolean):
        return result.serialize(format=select.results) or b"", select, None
    if isinstance(result, ox.QueryTriples):
        return _triples(result, graph, limit, seconds)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"unexpected query result {result!r}")
    return _solutions(result, select, limit, seconds)


SOLUTION_GRAMMARS = {"json": rowcut.JSON, "xml": rowcut.XML, "tsv": rowcut.TSV}


def _solutions(
    result: ox.QuerySolutions, select: Format, limit: int | None, seconds: float | None
) -> tuple[bytes, Format, Cut]:
    """JSON, XML and TSV as the engine writes them, cut at whole rows; CSV (a quoted value may
    hold a line break) cut as TSV and converted by the engine."""
    names = [v.value for v in result.variables]
    carried = select if select.name in SOLUTION_GRAMMARS else by_name("tsv", for_graphs=False)
    body, cut = rowcut.capped(
        lambda sink: result.serialize(sink, format=carried.results),
        SOLUTION_GRAMMARS[carried.name],
        limit,
        seconds,
        lambda: _no_rows(names, carried),
    )
    if carried is not select:
        tsv = ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)
        body = tsv.serialize(format=select.results) or b""
    return body, select, cut


def _triples(
    result: ox.QueryTriples, graph: Format, limit: int | None, seconds: float | None
) -> tuple[bytes, Format, Cut]:
    """N-Triples as the engine writes it, cut at whole triples; another syntax converted from
    it by the engine, with the project's prefixes."""
    body, cut = rowcut.capped(
        lambda sink: result.serialize(sink, format=ox.RdfFormat.N_TRIPLES),
        rowcut.NTRIPLES,
        limit,
        seconds,
        lambda: b"",
    )
    if graph.rdf != ox.RdfFormat.N_TRIPLES:
        triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        body = ox.serialize(triples, format=graph.rdf, prefixes=PREFIXES) or b""
    return body, graph, cut


def _no_rows(names: list[str], fmt: Format) -> bytes:
    """The document of a result without rows, written by the engine."""
    header = ("\t".join(f"?{n}" for n in names) + "\n").encode()
    empty = ox.parse_query_results(header, format=ox.QueryResultsFormat.TSV)
    return empty.serialize(format=fmt.results) or b""


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
