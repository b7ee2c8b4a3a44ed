"""Disagreement inference: the topic index finds exactly what comparing every pair finds."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

from kg.build import anchor_claims, read_document
from kg.claims import find_claims_files, read_claims_file
from kg.infer import _conflict_topic, find_disagreements
from kg.ontology import load_ontology
from kg.rdf import AnchoredClaim
from kg.resources import bundled_corpus
from kg.synth import SynthSpec, write_corpus


def _claims(corpus: Path) -> list[AnchoredClaim]:
    ontology = load_ontology()
    found: list[AnchoredClaim] = []
    for path in find_claims_files(corpus):
        found += anchor_claims(read_document(read_claims_file(path, ontology)))
    return found


def _all_pairs(claims: list[AnchoredClaim]) -> set[tuple[str, str]]:
    ontology = load_ontology()
    ordered = sorted(claims, key=lambda c: str(c.iri))
    return {
        (str(a.iri), str(b.iri))
        for a, b in combinations(ordered, 2)
        if _conflict_topic(ontology, a, b) is not None
    }


def test_index_matches_all_pairs_on_the_real_and_a_synthetic_corpus(tmp_path: Path) -> None:
    write_corpus(load_ontology(), SynthSpec(sources=4, claims_per_source=60, seed=3), tmp_path)
    for corpus in (bundled_corpus(), tmp_path):
        claims = _claims(corpus)
        found = {
            (str(d.first.iri), str(d.second.iri))
            for d in find_disagreements(load_ontology(), claims)
        }
        assert found == _all_pairs(claims)
        assert found
