"""Incremental builds: adding, replacing or removing a source gives the graph a full build of the
same sources gives, in the store and in the snapshot; a failed update leaves the current build."""

from __future__ import annotations

import json
import shutil
from dataclasses import astuple
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from kg.build import BuildReport, build
from kg.config import library_dir
from kg.disagreements import query_disagreements, saved_rows
from kg.dumps import snapshot_path
from kg.errors import BuildError, CorpusError
from kg.ontology import load_ontology
from kg.rdf import to_rdflib
from kg.resources import bundled_corpus
from kg.shacl import ValidationCache, Validator, check_inferred
from kg.store import current_build, open_build, open_store, read_manifest
from kg.synth import SynthSpec, write_corpus
from kg.vocab import CONCEPT, KGQA, source_graph
from tests.conftest import run_kgqa


def _graphs(store: ox.Store) -> dict[str, object]:
    """Each graph of a store as an rdflib graph (blank nodes compared by isomorphism)."""
    assert not list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return {
        g.value: to_rdflib(q.triple for q in store.quads_for_pattern(None, None, None, g))
        for g in store.named_graphs()
        if isinstance(g, ox.NamedNode)
    }


def _stores(build_dir: Path) -> tuple[ox.Store, ox.Store]:
    """A build's on-disk store, and a store loaded from its snapshot."""
    memory = ox.Store()
    memory.bulk_load(path=str(snapshot_path(build_dir)), format=ox.RdfFormat.N_QUADS)
    return ox.Store.read_only(str(build_dir / "oxigraph")), memory


def assert_as_full_build(report: BuildReport, corpus: Path, data_dir: Path, tmp: Path) -> None:
    """The incremental build holds, per graph, the quads a full build of the same sources holds,
    and so does its snapshot; its manifest's counts are the full build's."""
    assert report.incremental, report.full_reason
    fresh = tmp / f"full-{report.build_id}"
    if library_dir(data_dir).is_dir():
        shutil.copytree(library_dir(data_dir), library_dir(fresh))
    full = build(corpus, fresh, shacl=False)
    assert full.incremental is None
    expected = _graphs(_stores(full.build_dir)[0])
    for store in _stores(report.build_dir):
        found = _graphs(store)
        assert sorted(found) == sorted(expected)
        for name, graph in expected.items():
            assert isomorphic(found[name], graph), name  # type: ignore[arg-type]
    made, wanted = read_manifest(report.build_dir), read_manifest(full.build_dir)
    for key in ("quads", "claims", "disagreements"):
        assert made[key] == wanted[key], key
    for entry in (*made["sources"].values(), *wanted["sources"].values()):
        del entry["claims_file"]  # the full build's library is a copy
    assert made["sources"] == wanted["sources"]
    assert made["snapshot_parts"].keys() == wanted["snapshot_parts"].keys()
    # the disagreement rows each build saved are those its store's queries give
    queried = [astuple(row) for row in query_disagreements(open_build(full.build_dir))]
    assert queried
    for made_dir in (full.build_dir, report.build_dir):
        saved = saved_rows(made_dir)
        assert saved is not None
        assert [astuple(row) for row in saved] == queried


def _add_copy(data_dir: Path, slug: str, of: str = "001") -> Path:
    """A bundled source copied into the library under a new slug; returns its claims file."""
    corpus = bundled_corpus()
    data = yaml.safe_load(next(corpus.glob(f"{of}_*.claims.yaml")).read_text(encoding="utf-8"))
    data["source"] |= {"slug": slug, "file": f"{slug}_copy.txt"}
    data["source"].pop("aliases", None)
    library = library_dir(data_dir)
    library.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(next(corpus.glob(f"{of}_*.txt")), library / f"{slug}_copy.txt")
    path = library / f"{slug}_copy.claims.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus built once (full); each test copies the data folder."""
    data = tmp_path_factory.mktemp("bundled") / "data"
    assert build(bundled_corpus(), data, shacl=False).full_reason == "there is no current build"
    return data


@pytest.fixture
def data_dir(bundled: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(bundled, target, symlinks=True)
    return target


def test_adding_a_source_builds_what_a_full_build_builds(data_dir: Path, tmp_path: Path) -> None:
    _add_copy(data_dir, "900")
    report = build(bundled_corpus(), data_dir, shacl=False)
    assert report.incremental and report.incremental["changed"] == ["900"]
    assert report.disagreements > 0
    assert_as_full_build(report, bundled_corpus(), data_dir, tmp_path)


def test_replacing_and_removing_a_source_build_what_a_full_build_builds(
    data_dir: Path, tmp_path: Path
) -> None:
    claims = _add_copy(data_dir, "900")
    build(bundled_corpus(), data_dir, shacl=False)
    # replaced: the other bundled document under the same slug, one claim rejected, one proposed
    claims.unlink()
    (library_dir(data_dir) / "900_copy.txt").unlink()
    claims = _add_copy(data_dir, "900", of="000")
    data = yaml.safe_load(claims.read_text(encoding="utf-8"))
    data["claims"][0]["status"] = "rejected"
    data["claims"][1]["status"] = "proposed"
    claims.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    replaced = build(bundled_corpus(), data_dir, shacl=False)
    assert replaced.incremental and replaced.incremental["changed"] == ["900"]
    assert_as_full_build(replaced, bundled_corpus(), data_dir, tmp_path)
    claims.unlink()
    removed = build(bundled_corpus(), data_dir, shacl=False)
    assert removed.incremental and removed.incremental["removed"] == ["900"]
    assert_as_full_build(removed, bundled_corpus(), data_dir, tmp_path)


def test_synthetic_sources_added_replaced_and_removed_at_once(tmp_path: Path) -> None:
    ontology = load_ontology()
    corpus, other = tmp_path / "corpus", tmp_path / "other"
    write_corpus(ontology, SynthSpec(sources=8, claims_per_source=30, seed=3), corpus)
    write_corpus(ontology, SynthSpec(sources=9, claims_per_source=30, seed=4), other)
    data = tmp_path / "data"
    build(corpus, data, shacl=False)
    for name in ("s00002.txt", "s00002.claims.yaml", "s00008.txt", "s00008.claims.yaml"):
        shutil.copyfile(other / name, corpus / name)  # s00002 replaced, s00008 added
    (corpus / "s00005.claims.yaml").unlink()
    report = build(corpus, data, shacl=False)
    assert report.incremental == {
        **report.incremental,
        "changed": ["s00002", "s00008"],
        "removed": ["s00005"],
    }
    assert_as_full_build(report, corpus, data, tmp_path)


def test_only_the_changed_source_is_validated(tmp_path: Path) -> None:
    data = tmp_path / "data"
    build(bundled_corpus(), data)
    _add_copy(data, "900")
    report = build(bundled_corpus(), data)
    assert report.incremental
    assert read_manifest(report.build_dir)["validation_skipped_sources"] == 2


def test_disagreements_failing_their_check_leave_the_current_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recomputed disagreements are checked while the store is written: a violation found
    then still fails the build before it is made current."""
    data = tmp_path / "data"
    build(bundled_corpus(), data)
    before = current_build(data)
    _add_copy(data, "900")

    def violation(*args: object) -> None:
        raise BuildError("inferred disagreements: a violation")

    monkeypatch.setattr("kg.incremental.check_inferred", violation)
    with pytest.raises(BuildError, match="a violation"):
        build(bundled_corpus(), data)
    _untouched(data, before)


def test_only_disagreements_the_base_does_not_hold_alike_are_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ontology = load_ontology()
    corpus, other = tmp_path / "corpus", tmp_path / "other"
    write_corpus(ontology, SynthSpec(sources=8, claims_per_source=30, seed=3), corpus)
    write_corpus(ontology, SynthSpec(sources=9, claims_per_source=30, seed=4), other)
    data = tmp_path / "data"
    base = build(corpus, data)
    for name in ("s00008.txt", "s00008.claims.yaml"):
        shutil.copyfile(other / name, corpus / name)
    checked: list[ox.Triple] = []

    def spy(validator: Validator, cache: ValidationCache | None, inferred: list[ox.Triple]) -> None:
        checked.extend(inferred)
        check_inferred(validator, cache, inferred)

    monkeypatch.setattr("kg.incremental.check_inferred", spy)
    report = build(corpus, data)
    assert report.incremental
    before = {row.iri: astuple(row) for row in saved_rows(base.build_dir) or []}
    after = saved_rows(report.build_dir) or []
    recomputed = {f"{CONCEPT}{g}" if g != "(whether to do it)" else None
                  for g in report.incremental["recomputed_goals"]}  # fmt: skip
    changed = {row.iri for row in after if before.get(row.iri) != astuple(row)}
    kinds = {t.object for t in checked if t.predicate == ox.NamedNode(str(RDF.type))}
    subjects = {
        t.subject.value for t in checked if t.object == ox.NamedNode(str(KGQA.Disagreement))
    }
    assert subjects == changed and ox.NamedNode(str(KGQA.Side)) in kinds
    assert 0 < len(changed) < sum(row.goal in recomputed for row in after)


def test_nothing_changed_still_makes_a_new_current_build(data_dir: Path) -> None:
    before = current_build(data_dir)
    report = build(bundled_corpus(), data_dir, shacl=False)
    assert report.incremental == {**report.incremental, "changed": [], "removed": []}
    assert current_build(data_dir) == report.build_dir != before
    assert snapshot_path(report.build_dir).read_bytes() == snapshot_path(before).read_bytes()  # type: ignore[arg-type]


def test_full_builds_when_asked_or_when_the_build_inputs_changed(data_dir: Path) -> None:
    assert build(bundled_corpus(), data_dir, shacl=False, full=True).full_reason == (
        "a full build was asked for"
    )
    assert "SHACL" in (build(bundled_corpus(), data_dir).full_reason or "")
    current = current_build(data_dir)
    assert current is not None
    manifest = read_manifest(current)
    (current / "manifest.json").write_text(json.dumps({**manifest, "inputs": "older code"}))
    reason = build(bundled_corpus(), data_dir).full_reason
    assert reason == "the ontology, the shapes or the build code changed since the current build"
    assert build(bundled_corpus(), data_dir).incremental


ROWING = (
    "@prefix kc: <https://w3id.org/kgqa/concept/> .\n"
    "@prefix kgqa: <https://w3id.org/kgqa/ontology#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    'kc:rowing a kgqa:Activity, skos:Concept ; skos:prefLabel "rowing"@en ;\n'
    "    skos:inScheme kc:activities ; skos:broader kc:cardio ;\n"
    "    kgqa:reviewStatus kgqa:Proposed .\n"
)


def _holds_rowing(data_dir: Path) -> bool:
    store = open_store(data_dir)
    return bool(
        store.store.query(  # type: ignore[attr-defined]
            "ASK { GRAPH ?g { <https://w3id.org/kgqa/concept/rowing> ?p ?o } }"
        )
    )


def test_proposed_concepts_added_build_incrementally_changed_or_removed_fully(
    data_dir: Path, tmp_path: Path
) -> None:
    """A source added with the concepts it proposes (as `kgqa ingest` adds one) is an
    incremental build: the ontology graph and the closure are rewritten, every goal's
    disagreements recomputed. A concepts file changed or removed makes a full build: another
    source's claims may name its concepts."""
    _add_copy(data_dir, "950")
    concepts = library_dir(data_dir) / "950_copy.concepts.ttl"
    concepts.write_text(ROWING, encoding="utf-8")
    report = build(bundled_corpus(), data_dir, shacl=False)
    assert report.incremental and report.incremental["changed"] == ["950"]
    assert_as_full_build(report, bundled_corpus(), data_dir, tmp_path)
    assert _holds_rowing(data_dir)
    concepts.write_text(ROWING.replace('"rowing"@en', '"rowing machine"@en'), encoding="utf-8")
    changed = build(bundled_corpus(), data_dir, shacl=False)
    assert changed.full_reason == (
        "a file of proposed concepts was changed or removed since the current build"
    )
    concepts.unlink()
    removed = build(bundled_corpus(), data_dir, shacl=False)
    assert removed.full_reason and "changed or removed" in removed.full_reason
    assert not _holds_rowing(data_dir)


def _untouched(data_dir: Path, before: Path | None) -> None:
    assert current_build(data_dir) == before
    assert sorted(p.name for p in (data_dir / "builds").iterdir()) == [before.name]  # type: ignore[union-attr]


def test_a_broken_claims_file_leaves_the_current_build(data_dir: Path) -> None:
    before = current_build(data_dir)
    claims = _add_copy(data_dir, "900")
    claims.write_text(
        claims.read_text(encoding="utf-8").replace("quote: ", "quote: NOT IN THE TEXT ", 1)
    )
    with pytest.raises(CorpusError, match="quote not found"):
        build(bundled_corpus(), data_dir, shacl=False)
    _untouched(data_dir, before)


def test_a_slug_taken_by_another_source_is_refused(data_dir: Path) -> None:
    before = current_build(data_dir)
    _add_copy(data_dir, "000")
    with pytest.raises(CorpusError, match="source slug '000' is used by 000_"):
        build(bundled_corpus(), data_dir, shacl=False)
    _untouched(data_dir, before)


def test_unreadable_saved_claims_fail_the_update_before_anything_is_written(
    data_dir: Path,
) -> None:
    before = current_build(data_dir)
    assert before is not None
    (before / "claims" / "000.json").write_text("[[", encoding="utf-8")
    _add_copy(data_dir, "900")
    with pytest.raises(BuildError, match="cannot read the saved claims of 000"):
        build(bundled_corpus(), data_dir, shacl=False)
    _untouched(data_dir, before)


def test_kgqa_build_says_what_it_rebuilt(tmp_path: Path) -> None:
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    write_corpus(load_ontology(), SynthSpec(sources=3, claims_per_source=10, seed=5), corpus)
    first = run_kgqa("build", "--corpus", str(corpus), data_dir=data)
    assert first.returncode == 0, first.stderr
    assert _report(first.stdout) == "full build: there is no current build"
    (corpus / "s00001.claims.yaml").unlink()
    second = run_kgqa("build", "--corpus", str(corpus), data_dir=data)
    assert _report(second.stdout).endswith(": rebuilt none; removed s00001")
    third = run_kgqa("build", "--corpus", str(corpus), "--full", data_dir=data)
    assert _report(third.stdout) == "full build: a full build was asked for"


def _report(stdout: str) -> str:
    """The command's own last line (the start-up data line kgqa prints after a build aside)."""
    lines = stdout.strip().splitlines()
    return [line for line in lines if not line.startswith("engine start-up data")][-1]


def test_a_build_without_validation_counts_the_triples_it_let_go(tmp_path: Path) -> None:
    """Without SHACL a full build keeps no source's triples once written; the manifest still
    counts each source's, as its graph in the store holds them."""
    report = build(bundled_corpus(), tmp_path, shacl=False)
    store = open_store(tmp_path)
    for slug, entry in read_manifest(report.build_dir)["sources"].items():
        graph = source_graph(slug)
        rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert entry["triples"] == int(rows[0]["n"].value) > 0, slug
