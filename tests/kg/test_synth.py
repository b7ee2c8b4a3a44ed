"""The synthetic corpus: deterministic from its seed, and built by the real pipeline unchanged."""

from __future__ import annotations

from pathlib import Path

import yaml

from kg.build import build
from kg.ontology import load_ontology
from kg.synth import SynthSpec, write_corpus


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_corpus_and_another_seed_another(tmp_path: Path) -> None:
    ontology = load_ontology()
    write_corpus(ontology, SynthSpec(sources=2, claims_per_source=15, seed=7), tmp_path / "a")
    write_corpus(ontology, SynthSpec(sources=2, claims_per_source=15, seed=7), tmp_path / "b")
    write_corpus(ontology, SynthSpec(sources=2, claims_per_source=15, seed=8), tmp_path / "c")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_synthetic_corpus_builds_with_every_claim_kind_and_disagreements(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    written = write_corpus(
        load_ontology(), SynthSpec(sources=3, claims_per_source=40, seed=1), corpus
    )
    claims = [c for path in written for c in yaml.safe_load(path.read_text())["claims"]]
    assert {c["kind"] for c in claims} == {
        "effect",
        "recommendation",
        "alternative",
        "quantity",
        "fact",
    }
    roles = {role for c in claims for role in c.get("caveats", {})}
    assert roles == {"condition", "reason", "audience", "purpose"}
    report = build(corpus, tmp_path / "data")
    assert report.sources == 3 and report.claims == 120
    assert report.disagreements > 0
