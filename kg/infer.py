"""Inference: disagreements between claims, and the transitive closure of skos:broader.

Two claims disagree when they are about related activities (the same concept, or one broader
than the other) and, for effects, related goals, and their directions are incompatible
(improves / impairs, or no effect / impairs); or, for recommendations, one recommends what the
other discourages. Claims of one source are compared too: a source that contradicts itself is
recorded the same way. The caveats only one side carries are kept as the reconciling caveats.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import product

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import SKOS

from kg.ontology import Ontology
from kg.rdf import LABEL, A, AnchoredClaim, T, Triples, boolean, concept, node, text
from kg.vocab import CONCEPT, DISAGREEMENT

INCOMPATIBLE_DIRECTIONS = frozenset(
    {frozenset({"improves", "impairs"}), frozenset({"no-effect", "impairs"})}
)
INCOMPATIBLE_STANCES = frozenset({frozenset({"recommended", "discouraged"})})


@dataclass(frozen=True)
class Disagreement:
    """Two claims that cannot both hold as stated, and the caveats that may reconcile them."""

    first: AnchoredClaim
    second: AnchoredClaim
    activity: str
    goal: str | None
    reconciling_caveats: tuple[str, ...]

    @property
    def within_source(self) -> bool:
        return self.first.source_slug == self.second.source_slug

    @property
    def iri(self) -> URIRef:
        key = f"{self.first.iri} {self.second.iri}".encode()
        return DISAGREEMENT[hashlib.sha256(key).hexdigest()[:16]]

    def topic(self, ontology: Ontology) -> str:
        activity = ontology.label(CONCEPT[self.activity])
        if self.goal is None:
            return f"{activity} (recommendation)"
        return f"{activity} -> {ontology.label(CONCEPT[self.goal])}"


def _narrower(ontology: Ontology, a: str, b: str) -> str:
    """Of two related concepts, the more specific one."""
    return a if CONCEPT[b] in ontology.ancestors(CONCEPT[a]) else b


def _broader(ontology: Ontology, a: str, b: str) -> str:
    return b if _narrower(ontology, a, b) == a else a


def _related_pairs(
    ontology: Ontology, xs: Iterable[str], ys: Iterable[str]
) -> Iterator[tuple[str, str]]:
    ys = tuple(ys)
    for x in xs:
        for y in ys:
            if ontology.related(CONCEPT[x], CONCEPT[y]):
                yield x, y


def _conflict_topic(
    ontology: Ontology, a: AnchoredClaim, b: AnchoredClaim
) -> tuple[str, str | None] | None:
    """The (activity, goal) the two claims disagree on, or None when they do not disagree."""
    sa, sb = a.spec, b.spec
    if sa.kind == sb.kind == "effect" and sa.direction and sb.direction:
        if frozenset({sa.direction, sb.direction}) not in INCOMPATIBLE_DIRECTIONS:
            return None
        for act_a, act_b in _related_pairs(ontology, sa.activities, sb.activities):
            for goal_a, goal_b in _related_pairs(ontology, sa.goals, sb.goals):
                return _narrower(ontology, act_a, act_b), _broader(ontology, goal_a, goal_b)
        return None
    if sa.kind == sb.kind == "recommendation" and sa.stance and sb.stance:
        if frozenset({sa.stance, sb.stance}) not in INCOMPATIBLE_STANCES:
            return None
        for act_a, act_b in _related_pairs(ontology, sa.activities, sb.activities):
            return _narrower(ontology, act_a, act_b), None
    return None


def _anchors(ontology: Ontology, slug: str) -> set[str]:
    """A concept and its broader concepts short of a root: two related concepts share one."""
    iri = CONCEPT[slug]
    found = {slug}
    for ancestor in ontology.ancestors(iri):
        if not ontology.is_top(ancestor):
            found.add(str(ancestor).removeprefix(str(CONCEPT)))
    return found


def _buckets(ontology: Ontology, claim: AnchoredClaim) -> set[tuple[str, ...]]:
    """Keys such that two claims that may disagree share at least one."""
    spec = claim.spec
    activities = {a for slug in spec.activities for a in _anchors(ontology, slug)}
    if spec.kind == "recommendation" and spec.stance:
        return {("recommendation", a) for a in activities}
    if spec.kind == "effect" and spec.direction:
        goals = {g for slug in spec.goals for g in _anchors(ontology, slug)}
        return {("effect", a, g) for a in activities for g in goals}
    return set()


def _side(claim: AnchoredClaim) -> str:
    return claim.spec.direction or claim.spec.stance or ""


OPPOSED = tuple(tuple(sorted(pair)) for pair in INCOMPATIBLE_DIRECTIONS | INCOMPATIBLE_STANCES)


def find_disagreements(ontology: Ontology, claims: list[AnchoredClaim]) -> list[Disagreement]:
    """Every pair of claims that disagree, in a stable order (by claim IRI).

    Only claims that share a topic bucket and take opposed sides in it (improves / impairs, ...)
    are compared, so the cost follows the number of disagreeing pairs, not the square of all
    claims.
    """
    ordered = sorted(claims, key=lambda c: str(c.iri))
    buckets: dict[tuple[str, ...], dict[str, list[int]]] = {}
    for index, claim in enumerate(ordered):
        for key in _buckets(ontology, claim):
            buckets.setdefault(key, {}).setdefault(_side(claim), []).append(index)
    candidates: set[tuple[int, int]] = set()
    for sides in buckets.values():
        for one, other in OPPOSED:
            for i, j in product(sides.get(one, ()), sides.get(other, ())):
                candidates.add((i, j) if i < j else (j, i))
    found: list[Disagreement] = []
    for i, j in sorted(candidates):
        a, b = ordered[i], ordered[j]
        topic = _conflict_topic(ontology, a, b)
        if topic is None:
            continue
        caveats = set(a.spec.caveats) ^ set(b.spec.caveats)
        found.append(Disagreement(a, b, topic[0], topic[1], tuple(sorted(caveats))))
    return found


def disagreement_triples(
    ontology: Ontology, disagreements: Iterable[Disagreement]
) -> Iterator[ox.Triple]:
    """The disagreements as RDF, for the inference graph (each disagreement's node is its own,
    so no triple repeats)."""
    claim_nodes: dict[int, ox.NamedNode] = {}
    topics: dict[tuple[str, str | None], ox.Literal] = {}
    within = {flag: boolean(flag) for flag in (True, False)}
    for d in disagreements:
        subject = node(d.iri)
        key = (d.activity, d.goal)
        if key not in topics:
            topics[key] = text(d.topic(ontology))
        topic = topics[key]
        yield ox.Triple(subject, A, T.kgqa_Disagreement)
        yield ox.Triple(subject, T.kgqa_topic, topic)
        yield ox.Triple(subject, LABEL, text(f"Disagreement: {topic.value}"))
        yield ox.Triple(subject, T.kgqa_activity, concept(d.activity))
        if d.goal is not None:
            yield ox.Triple(subject, T.kgqa_goal, concept(d.goal))
        yield ox.Triple(subject, T.kgqa_withinSource, within[d.within_source])
        for claim in (d.first, d.second):
            claim_node = claim_nodes.get(id(claim))
            if claim_node is None:
                claim_node = claim_nodes[id(claim)] = node(claim.iri)
            yield ox.Triple(subject, T.kgqa_disputes, claim_node)
            yield ox.Triple(subject, T.prov_wasDerivedFrom, claim_node)
        for caveat in d.reconciling_caveats:
            yield ox.Triple(subject, T.kgqa_reconcilingCaveat, concept(caveat))


def closure_graph(ontology: Ontology) -> list[ox.Triple]:
    """skos:broaderTransitive and skos:narrowerTransitive for every concept, materialised."""
    broader, narrower = node(SKOS.broaderTransitive), node(SKOS.narrowerTransitive)
    out = Triples()
    for iri in ontology.concepts:
        for ancestor in ontology.ancestors(iri):
            out.add(node(iri), broader, node(ancestor))
            out.add(node(ancestor), narrower, node(iri))
    return out.to_list()
