"""A rebuild validates only the sources whose inputs changed since they last passed."""

from __future__ import annotations

import json
from pathlib import Path

from kg.build import build
from kg.ontology import load_ontology
from kg.synth import SynthSpec, write_corpus


def _skipped(data_dir: Path) -> int:
    manifest = json.loads((data_dir / "current" / "manifest.json").read_text())
    skipped: int = manifest["validation_skipped_sources"]
    return skipped


def test_unchanged_sources_are_not_validated_again(tmp_path: Path) -> None:
    corpus, data_dir = tmp_path / "corpus", tmp_path / "data"
    files = write_corpus(
        load_ontology(), SynthSpec(sources=3, claims_per_source=20, seed=5), corpus
    )
    first = build(corpus, data_dir)
    assert _skipped(data_dir) == 0
    again = build(corpus, data_dir)
    assert _skipped(data_dir) == 3
    assert (again.claims, again.triples, again.disagreements) == (
        first.claims,
        first.triples,
        first.disagreements,
    )
    text = files[1].read_text()
    files[1].write_text(text.replace("summary: ", "summary: edited ", 1))
    build(corpus, data_dir)
    assert _skipped(data_dir) == 2
