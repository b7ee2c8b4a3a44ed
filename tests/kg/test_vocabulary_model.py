"""The vocabulary's own rules, beside qSKOS's checks: parts and mechanisms kept apart from
"a kind of", hedges ranked, goals related only where they are facets of one outcome, and an
authority typed as what it is."""

from __future__ import annotations

from itertools import combinations

from rdflib import Graph, URIRef, namespace
from rdflib.namespace import OWL, RDF, RDFS

from kg.vocab import CONCEPT, KGQA
from tests.kg.test_vocabulary_quality import ancestors, concepts, graph, iris, is_top, name, names

__all__ = ["concepts", "graph"]  # the fixtures, shared with the qSKOS checks


def test_part_and_mechanism_links_are_not_also_broader(
    graph: Graph, concepts: list[URIRef]
) -> None:
    both = [
        f"{name(a)} {name(p)} {name(b)}"
        for a in concepts
        for p in (KGQA.partOf, KGQA.contributesTo)
        for b in iris(graph, a, p)
        if b in ancestors(graph, a) or a in ancestors(graph, b)
    ]
    assert not both, f"a part or mechanism that is also a kind: {both}"


def test_our_properties_are_declared(graph: Graph) -> None:
    declared = {
        KGQA.partOf: OWL.ObjectProperty,
        KGQA.contributesTo: OWL.ObjectProperty,
        KGQA.rank: OWL.DatatypeProperty,
    }
    missing = [name(p) for p, kind in declared.items() if (p, RDF.type, kind) not in graph]
    assert not missing


def test_hedges_have_distinct_integer_ranks(graph: Graph) -> None:
    hedges = sorted(graph.subjects(RDF.type, KGQA.Hedge))
    ranks = {h: [o.toPython() for o in graph.objects(h, KGQA.rank)] for h in hedges}
    assert all(len(r) == 1 and isinstance(r[0], int) for r in ranks.values()), ranks
    assert len({r[0] for r in ranks.values()}) == len(hedges)
    assert ranks[CONCEPT.certain] > ranks[CONCEPT.likely] > ranks[CONCEPT.possible]


def test_goals_share_a_narrower_ancestor_only_under_muscle_mass(
    graph: Graph, concepts: list[URIRef]
) -> None:
    """The inference relates two goals under one non-root goal; only muscle growth and muscle
    retention (both muscle mass) may be so related."""
    goals = [c for c in concepts if (c, RDF.type, KGQA.Goal) in graph]
    shared = {
        (name(a), name(b)): names(
            x for x in ancestors(graph, a) & ancestors(graph, b) if not is_top(graph, x)
        )
        for a, b in combinations(goals, 2)
        if a not in ancestors(graph, b) and b not in ancestors(graph, a)
    }
    assert {k: v for k, v in shared.items() if v} == {
        ("muscle-growth", "muscle-retention"): ["muscle"]
    }


def test_an_authority_is_an_organisation_or_a_periodical(graph: Graph) -> None:
    kinds = {
        name(a): sorted(
            name(t).rsplit("/", 1)[-1]
            for t in graph.objects(a, RDF.type)
            if t in (namespace.SDO.Organization, namespace.SDO.Periodical)
        )
        for a in graph.subjects(RDF.type, KGQA.Authority)
    }
    assert all(len(k) == 1 for k in kinds.values()), kinds
    assert kinds[
        "https://w3id.org/kgqa/authority/journal-of-strength-and-conditioning-research"
    ] == ["Periodical"]
    assert (KGQA.Authority, RDFS.subClassOf, namespace.SDO.Organization) not in graph
