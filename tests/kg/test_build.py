"""The real corpus, built: counts, exact citations, the central disagreements, agreements."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from dataclasses import astuple, replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.disagreements import ROWS_FILE, load_disagreements, query_disagreements, save_rows
from kg.dumps import DUMPS, SNAPSHOT, write_all
from kg.resources import bundled_corpus
from kg.stats import collect_stats
from kg.store import EmbeddedStore, open_build
from kg.vocab import sparql_prefixes
from tests.conftest import Built, run_kgqa

SEED_SHA256 = {
    "000_0f5f9aaa0e20614c.txt": "353f956d30bd52dffb027a97a8fa27d4e28bc2170ccdc19daac405c47c1511ac",
    "001_2a2d110ca9da8938.txt": "5965b7c5f5ecf093ee5f6056698e1bb0a0187d094269c1f2b615c7aa8596be9e",
}
SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def select(store: EmbeddedStore, query: str) -> list[dict[str, str]]:
    result = store.query(sparql_prefixes() + query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def test_corpus_documents_are_byte_for_byte_the_seeds() -> None:
    for name, digest in SEED_SHA256.items():
        data = (bundled_corpus() / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest
        if SHARED_SEEDS.is_dir():
            assert data == (SHARED_SEEDS / name).read_bytes()


def test_stats_count_both_documents_and_over_seventy_claims(built: Built) -> None:
    result = run_kgqa("stats", "--json", data_dir=built.data_dir)
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["sources"] == 2
    assert stats["claims"] >= 70
    assert all(n >= 30 for n in stats["claims_per_source"].values())
    assert stats["triples"] > 3000
    assert stats["disagreements"] > 0


def test_every_citation_quote_equals_the_text_between_its_offsets(
    built: Built, texts: dict[str, str]
) -> None:
    query = """SELECT ?claim ?slug ?exact ?start ?end WHERE {
        ?claim kgqa:citation ?t . ?t oa:hasSource/kgqa:slug ?slug ;
           oa:hasSelector ?q, ?p . ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end . }"""
    result = run_kgqa("sparql", "--format", "json", query, data_dir=built.data_dir)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert len(rows) >= 70
    for row in rows:
        text = texts[row["slug"]["value"]]
        start, end = int(row["start"]["value"]), int(row["end"]["value"])
        assert text[start:end] == row["exact"]["value"], row["claim"]["value"]


def test_every_claim_has_exactly_one_citation(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """SELECT ?claim (COUNT(?t) AS ?n) WHERE { ?claim a kgqa:Claim .
             OPTIONAL { ?claim kgqa:citation ?t } } GROUP BY ?claim HAVING (COUNT(?t) != 1)""",
    )
    assert rows == []


DISAGREEMENT_QUOTES = """SELECT ?d ?quoteA ?slugA ?quoteB ?slugB WHERE {
    ?d a kgqa:Disagreement ; kgqa:withinSource false ; kgqa:side ?sa, ?sb .
    ?sa kgqa:position ?pa ; kgqa:claim ?a . ?sb kgqa:position ?pb ; kgqa:claim ?b .
    FILTER (?pa != ?pb)
    ?a kgqa:citation/oa:hasSelector/oa:exact ?quoteA ; schema:appearance/kgqa:slug ?slugA .
    ?b kgqa:citation/oa:hasSelector/oa:exact ?quoteB ; schema:appearance/kgqa:slug ?slugB . }"""


def _pairs(store: EmbeddedStore) -> list[tuple[str, str, str, str]]:
    rows = select(store, DISAGREEMENT_QUOTES)
    return [(r["slugA"], r["quoteA"], r["slugB"], r["quoteB"]) for r in rows]


def _disagree(store: EmbeddedStore, phrase_001: str, phrase_000: str) -> bool:
    """True when the two passages sit on different sides of one disagreement across sources."""
    for slug_a, quote_a, slug_b, quote_b in _pairs(store):
        if (slug_a, slug_b) == ("001", "000") and phrase_001 in quote_a and phrase_000 in quote_b:
            return True
    return False


@pytest.mark.parametrize(
    ("phrase_001", "phrase_000"),
    [
        ("quicker recovery", "obstructing the recovery process"),
        ("shorten this recovery time", "obstructing the recovery process"),
        ("quicker recovery", "compromising the rest they need"),
        (
            "lose muscle by running after your leg workout",
            "could potentially hinder muscle development",
        ),
        ("Absolutely, running after leg day is beneficial", "might not be the best choice"),
    ],
)
def test_central_disagreements_are_inferred(
    store: EmbeddedStore, phrase_001: str, phrase_000: str
) -> None:
    assert _disagree(store, phrase_001, phrase_000)


def test_each_disputed_question_is_one_node(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """SELECT ?activity ?goal ?within ?source (COUNT(DISTINCT ?d) AS ?n) WHERE {
             ?d a kgqa:Disagreement ; kgqa:activity ?activity ; kgqa:withinSource ?within .
             OPTIONAL { ?d kgqa:goal ?goal } OPTIONAL { ?d kgqa:source ?source }
           } GROUP BY ?activity ?goal ?within ?source HAVING (COUNT(DISTINCT ?d) > 1)""",
    )
    assert rows == []


@pytest.mark.parametrize(
    "goal", ["calorie-burn", "injury-prevention", "endurance", "cardiovascular-health"]
)
def test_points_of_agreement_are_not_disagreements(store: EmbeddedStore, goal: str) -> None:
    rows = select(
        store,
        f"""SELECT ?d WHERE {{ ?d a kgqa:Disagreement ; kgqa:withinSource false ;
              kgqa:goal/skos:narrowerTransitive? kc:{goal} }}""",
    )
    assert rows == []


def test_disagreements_record_reconciling_conditions(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """SELECT DISTINCT ?caveat WHERE {
             ?d a kgqa:Disagreement ; kgqa:reconcilingCondition ?caveat }""",
    )
    caveats = {r["caveat"].rsplit("/", 1)[-1] for r in rows}
    assert {"high-intensity", "low-intensity"} <= caveats


def test_a_source_contradicting_itself_is_recorded(store: EmbeddedStore) -> None:
    rows = select(
        store,
        """SELECT ?d WHERE { ?d a kgqa:Disagreement ; kgqa:withinSource true ;
             kgqa:source <https://w3id.org/kgqa/source/001> }""",
    )
    assert rows


def test_disagreements_are_read_as_saved_else_from_the_store(
    built: Built, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    copy = tmp_path / built.report.build_dir.name
    shutil.copytree(built.report.build_dir, copy)
    store = open_build(copy)
    queried = [astuple(row) for row in query_disagreements(store)]
    assert len(queried) == built.report.disagreements
    assert [astuple(row) for row in load_disagreements(store)] == queried
    first = query_disagreements(store)[0]
    save_rows(copy, [replace(first, topic="as saved")])  # read from the file, not the store
    assert [row.topic for row in load_disagreements(store)] == ["as saved"]
    saved = copy / ROWS_FILE
    saved.write_text('{"format": 1, "rows": [["only an iri"]]}', encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert [astuple(row) for row in load_disagreements(store)] == queried
    assert "damaged" in caplog.text
    saved.unlink()  # a build made before the file was saved
    assert [astuple(row) for row in load_disagreements(store)] == queried


def test_one_named_graph_per_source_plus_ontology_and_inferences(store: EmbeddedStore) -> None:
    rows = select(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert {r["g"].removeprefix("https://w3id.org/kgqa/graph/") for r in rows} == {
        "ontology",
        "inferred",
        "source/000",
        "source/001",
    }


def test_dumps_are_written_on_request_and_parse(built: Built, tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    shutil.copytree(built.report.build_dir, build_dir)
    dumps = build_dir / "dumps"
    # the others wait for a request (pages may have asked for single graphs' dumps already)
    assert sorted(p.name for p in dumps.iterdir() if p.is_file()) == [SNAPSHOT]
    written = write_all(build_dir, ox.Store.read_only(str(build_dir / "oxigraph")))
    assert [p.name for p in written] == list(DUMPS)
    quads = {}
    for name, fmt in [
        ("kgqa.trig", ox.RdfFormat.TRIG),
        ("kgqa.nq", ox.RdfFormat.N_QUADS),
        ("kgqa.jsonld", ox.RdfFormat.JSON_LD),
        ("kgqa.ttl", ox.RdfFormat.TURTLE),
    ]:
        quads[name] = list(ox.parse(path=str(dumps / name), format=fmt))
    assert (
        len(quads["kgqa.trig"])
        == len(quads["kgqa.nq"])
        == len(quads["kgqa.jsonld"])
        == built.report.triples
    )
    # the union of every graph: each graph's triples, a triple in two graphs written twice
    assert len(set(quads["kgqa.ttl"])) == len({q.triple for q in quads["kgqa.nq"]})


def test_stats_agree_with_the_build_report(built: Built, store: EmbeddedStore) -> None:
    stats = collect_stats(store)
    assert stats["claims"] == built.report.claims
    assert stats["triples"] == built.report.triples
    assert stats["disagreements"] == built.report.disagreements


def test_hedges_attributions_and_source_needed_are_recorded(store: EmbeddedStore) -> None:
    authorities = select(store, "SELECT DISTINCT ?a WHERE { ?c prov:wasAttributedTo ?a }")
    assert {r["a"].rsplit("/", 1)[-1] for r in authorities} == {
        "american-council-on-exercise",
        "national-strength-and-conditioning-association",
        "journal-of-strength-and-conditioning-research",
    }
    unsupported = select(store, "SELECT ?c WHERE { ?c kgqa:sourceNeeded true }")
    assert len(unsupported) == 4  # 000 marks four passages "[source needed]"; 001 none
    hedges = select(store, "SELECT DISTINCT ?h WHERE { ?c kgqa:hedge ?h }")
    assert {r["h"].rsplit("/", 1)[-1] for r in hedges} == {"certain", "likely", "possible"}
