"""Proposed concepts (a library source's *.concepts.ttl) load with the ontology."""

from __future__ import annotations

from pathlib import Path

from kg.claims import read_claim
from kg.ontology import concept_files, load_ontology
from kg.vocab import KGQA

CONCEPTS = """@prefix kc: <https://w3id.org/kgqa/concept/> .
@prefix kgqa: <https://w3id.org/kgqa/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
kc:rowing a kgqa:Activity, skos:Concept ; skos:broader kc:low-impact-cardio ;
    skos:prefLabel "rowing"@en ; kgqa:reviewStatus kgqa:Proposed .
"""
CLAIM = {
    "id": "rowing-helps",
    "kind": "effect",
    "quote": "Rowing helps recovery.",
    "summary": "rowing helps recovery",
    "activities": ["rowing"],
    "goals": ["recovery"],
    "direction": "improves",
    "hedge": "certain",
}


def test_a_library_concept_file_extends_the_ontology_so_claims_may_use_it(tmp_path: Path) -> None:
    (tmp_path / "002_abc.concepts.ttl").write_text(CONCEPTS, encoding="utf-8")
    (tmp_path / "002_abc.claims.yaml").write_text("", encoding="utf-8")
    files = concept_files(tmp_path)
    assert [f.name for f in files] == ["002_abc.concepts.ttl"]
    ontology = load_ontology(extra=files)
    rowing = ontology.concept("activity", "rowing")
    assert rowing is not None and rowing.pref_label == "rowing"
    assert ontology.ancestors(rowing.iri) >= {next(iter(rowing.broader))}
    assert (rowing.iri, KGQA.reviewStatus, KGQA.Proposed) in ontology.graph
    assert read_claim(CLAIM, ontology).activities == ("rowing",)


def test_without_the_file_the_concept_is_unknown(tmp_path: Path) -> None:
    assert concept_files(tmp_path / "missing") == []
    assert load_ontology().concept("activity", "rowing") is None
