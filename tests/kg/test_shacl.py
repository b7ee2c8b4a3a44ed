"""SHACL validation (kg.shacl, pyrudof) against pyshacl as a cross-check: both accept the graphs the
build writes for the bundled sources, and both reject the same nodes of a copy with one fault of
each kind the shapes guard (a missing or repeated property, a wrong datatype or class, an IRI where
a literal belongs, and the two SPARQL constraints)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import RDF, SH

from kg.errors import BuildError
from kg.ontology import Ontology, load_ontology
from kg.rdf import to_rdflib
from kg.resources import bundled_corpus, shapes_path
from kg.shacl import ValidationCache, Validator
from kg.sources import check_source, read_source, validate_sources

OA = "http://www.w3.org/ns/oa#"
KGQA = "https://w3id.org/kgqa/ontology#"
SCHEMA = "https://schema.org/"
Fault = Callable[[list[ox.Triple]], list[ox.Triple]]


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return load_ontology()


@pytest.fixture(scope="module")
def validator(ontology: Ontology) -> Validator:
    return Validator.from_files(ontology)


@pytest.fixture(scope="module")
def graphs(ontology: Ontology) -> dict[str, list[ox.Triple]]:
    """Each bundled source's graph, as the build maps it (not validated here)."""
    return {
        path.name: check_source(path, ontology, None, None, {}).triples
        for path in sorted(bundled_corpus().glob("*.claims.yaml"))
    }


def pyshacl_focus_nodes(triples: list[ox.Triple], ontology: Ontology) -> list[str]:
    """The focus node of each violation pyshacl finds, as the build once ran it."""
    shapes = Graph().parse(shapes_path(), format="turtle")
    _, report, _ = validate(
        to_rdflib(triples) + ontology.graph,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    return sorted(
        str(report.value(result, SH.focusNode))
        for result in report.subjects(RDF.type, SH.ValidationResult)
        if report.value(result, SH.resultSeverity) == SH.Violation
    )


def _first(triples: list[ox.Triple], predicate: str) -> ox.Triple:
    return next(t for t in triples if t.predicate.value == predicate)


def _without(predicate: str) -> Fault:
    def fault(triples: list[ox.Triple]) -> list[ox.Triple]:
        gone = _first(triples, predicate)
        return [t for t in triples if t != gone]

    return fault


def _replaced(predicate: str, value: ox.NamedNode | ox.Literal) -> Fault:
    def fault(triples: list[ox.Triple]) -> list[ox.Triple]:
        old = _first(triples, predicate)
        return [t for t in triples if t != old] + [ox.Triple(old.subject, old.predicate, value)]

    return fault


def _doubled(predicate: str, value: ox.Literal) -> Fault:
    def fault(triples: list[ox.Triple]) -> list[ox.Triple]:
        old = _first(triples, predicate)
        return [*triples, ox.Triple(old.subject, old.predicate, value)]

    return fault


NNI = ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
FAULTS: dict[str, Fault] = {
    "a required property missing": _without(OA + "exact"),
    "a property repeated": _doubled(OA + "start", ox.Literal("7", datatype=NNI)),
    "a wrong datatype": _replaced(OA + "end", ox.Literal("twelve")),
    "a value of the wrong class": _replaced(KGQA + "hedge", ox.NamedNode(KGQA + "Claim")),
    "an IRI where a literal belongs": _replaced(SCHEMA + "description", ox.NamedNode(KGQA + "x")),
    "end before start (SPARQL)": _replaced(OA + "end", ox.Literal("0", datatype=NNI)),
    "a role without its caveat (SPARQL)": _without(KGQA + "caveat"),
}


def test_the_bundled_graphs_conform_for_both_validators(
    graphs: dict[str, list[ox.Triple]], validator: Validator, ontology: Ontology
) -> None:
    assert validator.violations([]) == []  # an empty graph (no disagreements inferred)
    for name, triples in graphs.items():
        assert validator.violations(triples) == [], name
        validator.check(triples, name)
        assert pyshacl_focus_nodes(triples, ontology) == [], name


@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
def test_both_validators_reject_the_same_nodes(
    fault: str, graphs: dict[str, list[ox.Triple]], validator: Validator, ontology: Ontology
) -> None:
    clean = graphs["001_2a2d110ca9da8938.claims.yaml"]
    broken = FAULTS[fault](clean)
    found = [focus for focus, _, _ in validator.violations(broken)]
    assert found, fault
    assert found == pyshacl_focus_nodes(broken, ontology)
    with pytest.raises(BuildError, match=r"^a\.yaml: SHACL validation failed with \d+ violation"):
        validator.check(broken, "a.yaml")
    assert validator.violations(clean) == []  # one session: each check's graph is rolled back


def test_sources_are_validated_side_by_side_and_the_first_failure_in_order_is_raised(
    ontology: Ontology, validator: Validator, tmp_path: Path
) -> None:
    files = sorted(bundled_corpus().glob("*.claims.yaml"))
    sources = [read_source(path, ontology, {}) for path in files]
    cache = ValidationCache(tmp_path / "validated", salt="test")
    broken = [replace(s, triples=FAULTS["a required property missing"](s.triples)) for s in sources]
    with pytest.raises(BuildError, match=rf"^{files[0].name}: SHACL validation failed"):
        validate_sources(broken, validator, cache)
    assert not list((tmp_path / "validated").glob("*"))  # nothing that failed is remembered
    checked = validate_sources(sources, validator, cache)
    assert [s.validated for s in checked] == [True, True]
    again = validate_sources(sources, validator, cache)  # passed before: not validated again
    assert [s.validated for s in again] == [False, False]
