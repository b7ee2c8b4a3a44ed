"""The engine's serialiser output cut at the row cap or the deadline: the same bytes as the engine
writes for the query with a LIMIT, in every format, whatever the values contain."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from kg.serialize import by_name, serialize

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
TRICKY = [  # values that look like the row separators of the formats
    '},{"s":{"type":"uri"',
    "},{}",
    '},{"}',
    '},{",',
    "<result></result></results>",
    'tab\there\nnew line\r\n"quoted" back\\slash',
    "é ü 字 🙂",
    "",
]
ROWS = len(TRICKY) + 3
SELECT = f"""SELECT ?s ?o ?none WHERE {{ ?s ?p ?o OPTIONAL {{ ?s <{EX}none> ?none }} }}
ORDER BY ?s"""
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY ?s"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    found = ox.Store()
    p = ox.NamedNode(f"{EX}p")
    for i, text in enumerate(TRICKY):
        found.add(ox.Quad(ox.NamedNode(f"{EX}{i:02}"), p, ox.Literal(text)))
    found.add(ox.Quad(ox.NamedNode(f"{EX}90"), p, ox.Literal("x", language="en")))
    found.add(
        ox.Quad(ox.NamedNode(f"{EX}91"), p, ox.Literal("1", datatype=ox.NamedNode(XSD + "integer")))
    )
    found.add(ox.Quad(ox.BlankNode("b"), p, ox.NamedNode(f"{EX}o")))
    return found


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("cap", [0, 1, 2, 3, 5, ROWS - 1, ROWS, ROWS + 1, None])
def test_a_select_cut_at_the_cap_is_the_engine_s_limit(
    store: ox.Store, fmt: str, cap: int | None
) -> None:
    chosen = by_name(fmt, for_graphs=False)
    body, _, cut = serialize(store.query(SELECT), chosen, chosen, cap, 10.0)
    limited = SELECT if cap is None else f"{SELECT} LIMIT {cap}"
    assert body == store.query(limited).serialize(format=chosen.results)
    assert (cut is not None) == (cap is not None and cap < ROWS)


def test_all_unbound_rows_are_counted_exactly(store: ox.Store) -> None:
    query = f"SELECT ?none WHERE {{ ?s ?p ?o OPTIONAL {{ ?s <{EX}none> ?none }} }}"
    chosen = by_name("json", for_graphs=False)
    body, _, cut = serialize(store.query(query), chosen, chosen, 4, 10.0)
    assert json.loads(body)["results"]["bindings"] == [{}] * 4 and cut is not None


@pytest.mark.parametrize("fmt", ["ntriples", "turtle", "jsonld", "xml"])
@pytest.mark.parametrize("cap", [0, 3, ROWS, None])
def test_a_construct_cut_at_the_cap_keeps_whole_triples(
    store: ox.Store, fmt: str, cap: int | None
) -> None:
    chosen = by_name(fmt, for_graphs=True)
    body, _, cut = serialize(store.query(CONSTRUCT), chosen, chosen, cap, 10.0)
    assert chosen.rdf is not None
    got = set(ox.parse(body, format=chosen.rdf))
    assert len(got) == min(ROWS, ROWS if cap is None else cap)
    assert got <= set(
        ox.parse(
            store.query(CONSTRUCT).serialize(format=ox.RdfFormat.N_TRIPLES),
            format=ox.RdfFormat.N_TRIPLES,
        )
    )
    assert (cut is not None) == (cap is not None and cap < ROWS)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_a_result_past_the_deadline_is_whole_rows_so_far(fmt: str) -> None:
    big = ox.Store()
    p = ox.NamedNode(f"{EX}p")
    big.extend(
        ox.Quad(ox.NamedNode(f"{EX}{i}"), p, ox.Literal("},},{ " + str(i))) for i in range(30_000)
    )
    chosen = by_name(fmt, for_graphs=False)
    body, _, cut = serialize(
        big.query("SELECT ?s ?o WHERE { ?s ?p ?o }"), chosen, chosen, None, 0.0
    )
    assert cut is not None and cut.startswith("time:")
    if fmt == "csv":
        table = list(csv.reader(io.StringIO(body.decode(), newline="")))
        rows = [(s.removeprefix(EX), o) for s, o in table[1:]]
    else:
        found = ox.parse_query_results(body, format=chosen.results)
        rows = [(r["s"].value.removeprefix(EX), r["o"].value) for r in found]
    assert 0 < len(rows) < 30_000
    assert all(o == "},},{ " + s for s, o in rows)


def test_ask_is_written_by_the_engine(store: ox.Store) -> None:
    chosen = by_name("json", for_graphs=False)
    body, _, cut = serialize(store.query("ASK { ?s ?p ?o }"), chosen, chosen, 1, 10.0)
    assert json.loads(body) == {"head": {}, "boolean": True} and cut is None
