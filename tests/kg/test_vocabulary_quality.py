"""qSKOS's quality checks over the whole ontology.ttl, one test per check, each naming its offenders.

The checks follow qSKOS's list of quality issues (github.com/cmader/qSKOS, wiki "Quality
Issues"), read on the file as written, without reasoning: a concept is what is typed
skos:Concept. Where a check needs adapting to a vocabulary of flat lists (hedges, directions,
stances, intents), the test's docstring says how.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from itertools import combinations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.resources import ontology_path
from kg.vocab import CONCEPT, KGQA

LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
LABELS = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
DOCUMENTATION = (SKOS.definition, SKOS.scopeNote, SKOS.note, SKOS.example)
TEXTS = (*LABELS, *DOCUMENTATION)
SEMANTIC = (SKOS.broader, SKOS.narrower, SKOS.related)
MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
SKOS_TERMS = frozenset(
    SKOS[name]
    for name in [
        "Concept",
        "ConceptScheme",
        "Collection",
        "OrderedCollection",
        "inScheme",
        "hasTopConcept",
        "topConceptOf",
        "prefLabel",
        "altLabel",
        "hiddenLabel",
        "notation",
        "note",
        "changeNote",
        "definition",
        "editorialNote",
        "example",
        "historyNote",
        "scopeNote",
        "semanticRelation",
        "broader",
        "narrower",
        "related",
        "broaderTransitive",
        "narrowerTransitive",
        "member",
        "memberList",
        "mappingRelation",
        "broadMatch",
        "narrowMatch",
        "relatedMatch",
        "exactMatch",
        "closeMatch",
    ]
)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(ontology_path(), format="turtle")


@pytest.fixture(scope="module")
def concepts(graph: Graph) -> list[URIRef]:
    return sorted(c for c in graph.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef))


@pytest.fixture(scope="module")
def schemes(graph: Graph) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef))


def name(iri: object) -> str:
    return str(iri).removeprefix(str(CONCEPT)).removeprefix(str(KGQA._NS))


def names(iris: Iterable[object]) -> list[str]:
    return sorted({name(i) for i in iris})


def iris(graph: Graph, subject: URIRef, predicate: URIRef) -> set[URIRef]:
    return {o for o in graph.objects(subject, predicate) if isinstance(o, URIRef)}


def broader(graph: Graph, concept: URIRef) -> set[URIRef]:
    """Direct broader concepts, whichever way the link was written."""
    return iris(graph, concept, SKOS.broader) | {
        s for s in graph.subjects(SKOS.narrower, concept) if isinstance(s, URIRef)
    }


def ancestors(graph: Graph, concept: URIRef) -> set[URIRef]:
    seen: set[URIRef] = set()
    stack = list(broader(graph, concept))
    while stack:
        parent = stack.pop()
        if parent not in seen:
            seen.add(parent)
            stack.extend(broader(graph, parent))
    return seen


def neighbours(graph: Graph, concept: URIRef) -> set[URIRef]:
    """Concepts linked to this one by a SKOS semantic relation, in either direction."""
    found: set[URIRef] = set()
    for p in SEMANTIC:
        found |= iris(graph, concept, p)
        found |= {s for s in graph.subjects(p, concept) if isinstance(s, URIRef)}
    return found


def is_top(graph: Graph, concept: URIRef) -> bool:
    return bool(iris(graph, concept, SKOS.topConceptOf)) or any(
        graph.subjects(SKOS.hasTopConcept, concept)
    )


def labels(graph: Graph, concept: URIRef) -> list[Literal]:
    return [o for p in LABELS for o in graph.objects(concept, p) if isinstance(o, Literal)]


def test_every_instance_of_a_concept_class_is_typed_skos_concept(
    graph: Graph, concepts: list[URIRef]
) -> None:
    """`?c a skos:Concept` must find every concept without RDFS reasoning."""
    classes = set(graph.transitive_subjects(RDFS.subClassOf, SKOS.Concept)) - {SKOS.Concept}
    untyped = {c for cls in classes for c in graph.subjects(RDF.type, cls)} - set(concepts)
    in_scheme = set(graph.subjects(SKOS.inScheme, None)) - set(concepts)
    assert not untyped | in_scheme, f"not typed skos:Concept: {names(untyped | in_scheme)}"


def test_missing_labels(graph: Graph, concepts: list[URIRef], schemes: list[URIRef]) -> None:
    missing = [r for r in [*concepts, *schemes] if not list(graph.objects(r, SKOS.prefLabel))]
    assert not missing, f"no skos:prefLabel: {names(missing)}"


def test_empty_or_untidy_labels(graph: Graph, concepts: list[URIRef]) -> None:
    untidy = [
        f"{name(c)}: {str(label)!r}"
        for c in concepts
        for label in labels(graph, c)
        if not str(label).strip() or str(label) != " ".join(str(label).split())
    ]
    assert not untidy, f"empty labels or stray white space: {untidy}"


def test_omitted_or_invalid_language_tags(
    graph: Graph, concepts: list[URIRef], schemes: list[URIRef]
) -> None:
    bad = [
        f"{name(r)} {name(p)} {str(o)!r}"
        for r in [*concepts, *schemes]
        for p in TEXTS
        for o in graph.objects(r, p)
        if isinstance(o, Literal) and not (o.language and LANGUAGE_TAG.match(o.language))
    ]
    assert not bad, f"text without a valid language tag: {bad}"


def test_incomplete_language_coverage(graph: Graph, concepts: list[URIRef]) -> None:
    def languages(c: URIRef) -> set[str]:
        return {
            o.language for p in TEXTS for o in graph.objects(c, p) if isinstance(o, Literal)
        } - {None}  # type: ignore[operator]

    everywhere = set().union(*(languages(c) for c in concepts))
    partial = [
        f"{name(c)} lacks {sorted(everywhere - languages(c))}"
        for c in concepts
        if languages(c) != everywhere
    ]
    assert not partial, f"languages not covered: {partial}"


def test_undocumented_concepts(graph: Graph, concepts: list[URIRef]) -> None:
    undocumented = [
        c for c in concepts if not any(o for p in DOCUMENTATION for o in graph.objects(c, p))
    ]
    assert not undocumented, f"no skos:definition or note: {names(undocumented)}"


def test_orphan_concepts(graph: Graph, concepts: list[URIRef]) -> None:
    """No semantic relation at all. A top concept of a scheme is not an orphan: hedges,
    directions, stances and intents are flat lists of top concepts by design."""
    orphans = [c for c in concepts if not neighbours(graph, c) and not is_top(graph, c)]
    assert not orphans, f"orphan concepts: {names(orphans)}"


def test_disconnected_concept_clusters(graph: Graph, concepts: list[URIRef]) -> None:
    """Every cluster of concepts linked by SKOS relations holds a top concept of its scheme (so
    no cluster floats free of a scheme's hierarchy)."""
    seen: set[URIRef] = set()
    floating = []
    for start in concepts:
        if start in seen:
            continue
        cluster, stack = set(), [start]
        while stack:
            c = stack.pop()
            if c not in cluster:
                cluster.add(c)
                stack.extend(neighbours(graph, c))
        seen |= cluster
        if not any(is_top(graph, c) for c in cluster):
            floating.append(names(cluster))
    assert not floating, f"clusters without a top concept: {floating}"


def test_cyclic_hierarchical_relations(graph: Graph, concepts: list[URIRef]) -> None:
    cyclic = [c for c in concepts if c in ancestors(graph, c)]
    assert not cyclic, f"concepts broader than themselves through a cycle: {names(cyclic)}"


def test_reflexively_related_concepts(graph: Graph, concepts: list[URIRef]) -> None:
    props = (*SEMANTIC, *MAPPINGS, KGQA.partOf, KGQA.contributesTo)
    reflexive = [f"{name(c)} {name(p)}" for c in concepts for p in props if (c, p, c) in graph]
    assert not reflexive, f"related to themselves: {reflexive}"


def test_valueless_associative_relations(graph: Graph, concepts: list[URIRef]) -> None:
    """skos:related between two concepts that share a broader concept says nothing new."""
    valueless = [
        (name(a), name(b))
        for a in concepts
        for b in iris(graph, a, SKOS.related)
        if broader(graph, a) & broader(graph, b)
    ]
    assert not valueless, f"related siblings: {valueless}"


def test_solely_transitively_related_concepts(graph: Graph, concepts: list[URIRef]) -> None:
    solely = [
        (name(a), name(b))
        for p, q in ((SKOS.broaderTransitive, 1), (SKOS.narrowerTransitive, -1))
        for a, b in graph.subject_objects(p)
        if isinstance(a, URIRef)
        and isinstance(b, URIRef)
        and (b not in ancestors(graph, a) if q == 1 else a not in ancestors(graph, b))
    ]
    assert not solely, f"linked only transitively: {solely}"


def test_overlapping_labels(graph: Graph, concepts: list[URIRef]) -> None:
    """No two concepts of one scheme share a label (case-insensitive, per language)."""
    owners: dict[tuple[str, str, str | None], set[URIRef]] = {}
    for c in concepts:
        for scheme in iris(graph, c, SKOS.inScheme):
            for label in labels(graph, c):
                owners.setdefault((str(scheme), str(label).lower(), label.language), set()).add(c)
    shared = [f"{label!r}: {names(cs)}" for (_, label, _), cs in owners.items() if len(cs) > 1]
    assert not shared, f"labels on two concepts of one scheme: {shared}"


def test_label_conflicts(graph: Graph, concepts: list[URIRef]) -> None:
    """Across schemes too: a concept's preferred label names no other concept (questions are
    read against every scheme at once, so "recovery" must mean one thing)."""
    prefs = {
        (str(o).lower(), o.language): c
        for c in concepts
        for o in graph.objects(c, SKOS.prefLabel)
        if isinstance(o, Literal)
    }
    conflicts = [
        f"{str(label)!r} of {name(c)} is the prefLabel of {name(prefs[key])}"
        for c in concepts
        for label in labels(graph, c)
        if (key := (str(label).lower(), label.language)) in prefs and prefs[key] != c
    ]
    assert not conflicts, f"label conflicts: {conflicts}"


def test_inconsistent_preferred_labels(graph: Graph, concepts: list[URIRef]) -> None:
    several = [
        f"{name(c)}@{lang}"
        for c in concepts
        for lang, n in Counter(
            o.language for o in graph.objects(c, SKOS.prefLabel) if isinstance(o, Literal)
        ).items()
        if n > 1
    ]
    assert not several, f"more than one prefLabel in a language: {several}"


def test_disjoint_labels_violation(graph: Graph, concepts: list[URIRef]) -> None:
    """One literal is not two kinds of label (pref, alt, hidden) of one concept."""
    clashes = [
        f"{name(c)}: {str(o)!r} is {name(p)} and {name(q)}"
        for c in concepts
        for p, q in combinations(LABELS, 2)
        for o in graph.objects(c, p)
        if (c, q, o) in graph
    ]
    dupes = [
        f"{name(c)}: {text!r}"
        for c in concepts
        for text, n in Counter(str(label).lower() for label in labels(graph, c)).items()
        if n > 1
    ]
    assert not clashes + dupes, f"labels given twice: {clashes + dupes}"


def test_relation_clashes(graph: Graph, concepts: list[URIRef]) -> None:
    """skos:related between concepts already linked hierarchically."""
    clashes = [
        (name(a), name(b))
        for a in concepts
        for b in iris(graph, a, SKOS.related)
        if b in ancestors(graph, a) or a in ancestors(graph, b)
    ]
    assert not clashes, f"related and broader at once: {clashes}"


def test_mapping_clashes(graph: Graph, concepts: list[URIRef]) -> None:
    exact = {
        (a, b) for p in (SKOS.exactMatch, SKOS.closeMatch) for a, b in graph.subject_objects(p)
    }
    other = {
        (a, b)
        for p in (SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
        for a, b in graph.subject_objects(p)
    }
    clashes = exact & (other | {(b, a) for a, b in other})
    inside = {  # a mapping links schemes; within one scheme it is a semantic relation
        (a, b)
        for a, b in exact | other
        if iris(graph, a, SKOS.inScheme) & iris(graph, b, SKOS.inScheme)  # type: ignore[arg-type]
    }
    assert not clashes | inside, f"mapping clashes: {sorted(map(str, clashes | inside))}"


def test_unidirectionally_related_concepts(graph: Graph) -> None:
    """The file writes each link one way (skos:broader, skos:topConceptOf); a link written the
    other way must be mirrored, and skos:related both ways."""
    one_way = [
        f"{name(a)} {name(p)} {name(b)}"
        for p, inverse in (
            (SKOS.narrower, SKOS.broader),
            (SKOS.hasTopConcept, SKOS.topConceptOf),
            (SKOS.related, SKOS.related),
        )
        for a, b in graph.subject_objects(p)
        if (b, inverse, a) not in graph
    ]
    assert not one_way, f"written one way only: {one_way}"


def test_missing_in_scheme(graph: Graph, concepts: list[URIRef], schemes: list[URIRef]) -> None:
    wrong = [
        f"{name(c)} in {names(iris(graph, c, SKOS.inScheme))}"
        for c in concepts
        if len(iris(graph, c, SKOS.inScheme)) != 1
        or not iris(graph, c, SKOS.inScheme) <= set(schemes)
    ]
    assert not wrong, f"not in exactly one declared scheme: {wrong}"


def test_omitted_top_concepts(graph: Graph, schemes: list[URIRef]) -> None:
    without = [s for s in schemes if not any(graph.subjects(SKOS.topConceptOf, s))]
    assert not without, f"schemes without a top concept: {names(without)}"


def test_concepts_without_broader_are_top_concepts(graph: Graph, concepts: list[URIRef]) -> None:
    loose = [c for c in concepts if not broader(graph, c) and not is_top(graph, c)]
    assert not loose, f"neither broader nor top concept: {names(loose)}"


def test_top_concept_having_broader_concepts(graph: Graph, concepts: list[URIRef]) -> None:
    wrong = [c for c in concepts if is_top(graph, c) and broader(graph, c)]
    outside = [
        c
        for c in concepts
        for s in iris(graph, c, SKOS.topConceptOf)
        if (c, SKOS.inScheme, s) not in graph
    ]
    assert not wrong + outside, (
        f"top concepts with a broader one or of another scheme: {names(wrong + outside)}"
    )


def test_hierarchy_stays_within_a_scheme(graph: Graph, concepts: list[URIRef]) -> None:
    props = (SKOS.broader, KGQA.partOf, KGQA.contributesTo)
    across = [
        f"{name(a)} {name(p)} {name(b)}"
        for a in concepts
        for p in props
        for b in iris(graph, a, p)
        if iris(graph, a, SKOS.inScheme) != iris(graph, b, SKOS.inScheme)
    ]
    assert not across, f"links across schemes: {across}"


def test_hierarchical_redundancy(graph: Graph, concepts: list[URIRef]) -> None:
    """A direct broader concept that is also reachable through another one."""
    redundant = [
        (name(c), name(b))
        for c in concepts
        for b in broader(graph, c)
        if any(b in ancestors(graph, other) for other in broader(graph, c) - {b})
    ]
    assert not redundant, f"redundant broader links: {redundant}"


def test_undefined_skos_resources(graph: Graph) -> None:
    used = {
        t for triple in graph for t in triple if isinstance(t, URIRef) and t.startswith(str(SKOS))
    }
    undefined = sorted(str(t) for t in used - SKOS_TERMS)
    assert not undefined, f"not SKOS terms: {undefined}"
