"""Inference: disagreements as a careful reader sees them, and the closure of skos:broader.

A disagreement is one disputed question, not a pair of claims: does an activity help or harm a
goal, or should one do the activity at all. Its sides are the positions claims take on it
(improves / impairs / no effect; recommended / optional / discouraged), each with the claims
that take it. There is one node for a question across the sources and one for each source that
differs from itself on it, so the graph grows with the questions the claims raise, never with
pairs of claims.

Which positions oppose, which conditions oppose, which stance is weaker than another, what a
direction or an alternative says about doing an activity at all and which conditions an activity
carries by definition are read from the ontology (`kgqa:opposes`, `kgqa:weakerThan`,
`kgqa:leansTo`, `kgqa:impliesCondition`). A claim about an activity speaks of every narrower
activity too ("running" of jogging); questions on related activities of one goal and scope are
then merged into one, named by the activity most of its claims name. Goals are compared at the
level just below their scheme's root ("muscle mass" for muscle growth and muscle retention). On
whether to do an activity at all, an effect speaks for or against it by its direction and an
alternative against the activity it replaces, but two effects differ there only for opposed
audiences: a benefit to one goal and a harm to another are pros and cons.

Why two claims differ, and the types a question takes, is kg.positions.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations, product

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import SKOS

from kg.ontology import Ontology
from kg.positions import DIRECT, SEVERITY, WITHIN, Rules, dissolves, relation
from kg.rdf import LABEL, A, AnchoredClaim, T, Triples, boolean, concept, node, text
from kg.vocab import CONCEPT, DISAGREEMENT, KGQA, SOURCE


@dataclass(frozen=True)
class Question:
    """What is disputed: an activity and a goal, or (goal None) whether to do the activity."""

    activity: str
    goal: str | None

    def topic(self, ontology: Ontology, context: str | None = None) -> str:
        activity = ontology.label(CONCEPT[self.activity])
        if context:
            activity = f"{activity} {context}"
        if self.goal is None:
            return f"{activity}: whether to do it"
        return f"{activity} and {ontology.label(CONCEPT[self.goal])}"


@dataclass(frozen=True)
class Side:
    """One position on a question, its firmest hedge and the claims that take it."""

    position: str
    hedge: str
    claims: tuple[AnchoredClaim, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({c.source_slug for c in self.claims}))


@dataclass(frozen=True)
class Disagreement:
    """A disputed question, across the sources (source None) or within one source."""

    question: Question
    source: str | None
    type: str
    sides: tuple[Side, ...]
    reconciling: tuple[str, ...]  # caveat slugs: conditions or audiences that oppose
    context: str | None = None  # how the topic names the activities' context ("after leg day")

    @property
    def activity(self) -> str:
        return self.question.activity

    @property
    def goal(self) -> str | None:
        return self.question.goal

    @property
    def within_source(self) -> bool:
        return self.source is not None

    @property
    def claims(self) -> tuple[AnchoredClaim, ...]:
        return tuple(c for side in self.sides for c in side.claims)

    @property
    def dissolves(self) -> bool:
        return dissolves(self.type)

    @property
    def iri(self) -> URIRef:
        key = f"{self.question.activity} {self.question.goal} {self.source}".encode()
        return DISAGREEMENT[hashlib.sha256(key).hexdigest()[:16]]

    def topic(self, ontology: Ontology) -> str:
        return self.question.topic(ontology, self.context)


def _keys(rules: Rules, claim: AnchoredClaim) -> Iterator[tuple[Question, bool]]:
    """Every question the claim speaks to, and whether it names the question's activity itself:
    an effect speaks to its goals and to whether to do the activity at all; an alternative to
    whether to do the activity it replaces."""
    spec = claim.spec
    goals: tuple[str | None, ...] = ()
    activities = spec.activities
    if rules.position(claim, whether=True) is not None:
        goals = (None,)
    if spec.kind == "effect" and spec.direction:
        goals += tuple(sorted({rules.goal_question(g) for g in spec.goals}))
    if spec.kind == "alternative" and spec.instead_of:
        activities = (spec.instead_of,)  # it speaks to whether to do what it replaces
    seen: set[tuple[Question, bool]] = set()
    for activity in activities:
        for level in rules.levels(activity):
            for goal in goals:
                key = (Question(level, goal), level == activity)
                if key not in seen:
                    seen.add(key)
                    yield key


def questions_of(
    rules: Rules, claim: AnchoredClaim, named_only: bool = False
) -> frozenset[Question]:
    """The questions a claim speaks to (only those whose activity it names, if named_only)."""
    return frozenset(q for q, names in _keys(rules, claim) if names or not named_only)


def _strongest(rules: Rules, claims: Sequence[AnchoredClaim]) -> str:
    return rules.ontology.firmest_hedge(c.spec.hedge for c in claims) or claims[0].spec.hedge


class _Question:
    """The claims on one question: those that name its activity, and broader ones."""

    def __init__(self) -> None:
        self.exact: list[AnchoredClaim] = []
        self.general: list[AnchoredClaim] = []


def _scope_types(
    rules: Rules, exact: Sequence[AnchoredClaim], others: Sequence[AnchoredClaim], whether: bool
) -> dict[str | None, set[str]]:
    """The types of the pairs of one claim naming the activity and one other claim, by scope
    (None across sources, else the one source).

    Claims are compared by signature (source, kind, position, conditions, audience and, on
    whether to do it at all, goals), and a
    scope stops being searched once it holds its most serious type (a direct conflict across
    sources, a source against itself within one), so the work follows the distinct signatures,
    not the pairs of claims.
    """

    def distinct(claims: Sequence[AnchoredClaim]) -> dict[str, list[AnchoredClaim]]:
        seen: dict[tuple[object, ...], AnchoredClaim] = {}
        for c in claims:
            key = (c.source_slug, c.spec.kind, rules.position(c, whether), rules.conditions(c),
                   c.spec.audience, c.spec.goals if whether else ())  # fmt: skip
            seen.setdefault(key, c)
        by_source: dict[str, list[AnchoredClaim]] = defaultdict(list)
        for c in seen.values():
            by_source[c.source_slug].append(c)
        return by_source

    named, everyone = distinct(exact), distinct(others)
    found: dict[str | None, set[str]] = defaultdict(set)

    def search(scope: str | None, pairs: Iterable[tuple[AnchoredClaim, AnchoredClaim]]) -> None:
        worst = WITHIN if scope is not None else DIRECT
        for a, b in pairs:
            kind = relation(rules, a, b, whether)
            if kind is not None:
                found[scope].add(kind)
                if kind == worst:
                    return

    for source, mine in named.items():
        search(source, product(mine, everyone.get(source, ())))
    search(
        None,
        (
            (a, b)
            for source, mine in named.items()
            for other, theirs in everyone.items()
            if other != source
            for a, b in product(mine, theirs)
        ),
    )
    return found


def _sides(
    rules: Rules, claims: Sequence[AnchoredClaim], positions: set[str], whether: bool
) -> tuple[Side, ...]:
    by_position: dict[str, list[AnchoredClaim]] = defaultdict(list)
    for claim in claims:
        pos = rules.position(claim, whether)
        if pos in positions:
            by_position[pos].append(claim)
    return tuple(
        Side(pos, _strongest(rules, group), tuple(sorted(group, key=lambda c: str(c.iri))))
        for pos, group in sorted(by_position.items())
    )


def _context(rules: Rules, claims: Sequence[AnchoredClaim]) -> str | None:
    """The context phrase most of the claims share ("after leg day"), if the ontology has one."""
    counts: dict[str, int] = defaultdict(int)
    for claim in claims:
        for activity in claim.spec.context:
            counts[activity] += 1
    for activity, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        phrase = rules.ontology.graph.value(CONCEPT[activity], KGQA.contextPhrase)
        if phrase is not None:
            return str(phrase)
    return None


def _reconciling(rules: Rules, sides: Sequence[Side], within: bool) -> tuple[str, ...]:
    """The conditions and audiences that tell opposed sides apart: those that oppose one another
    and, within one source, the conditions only one side states (on each side's union of them,
    so linear in the claims)."""
    found: set[str] = set()
    unions = {
        side.position: (
            {x for c in side.claims for x in rules.conditions(c)},
            {x for c in side.claims for x in c.spec.audience},
        )
        for side in sides
    }
    for one, other in combinations(sides, 2):
        if not rules.opposed(one.position, other.position):
            continue
        (mine, my_audience), (theirs, their_audience) = unions[one.position], unions[other.position]
        for x, y in rules.opposing(mine, theirs) + rules.opposing(my_audience, their_audience):
            found |= {x, y}
        if within:
            found |= mine ^ theirs
    return tuple(sorted(found))


@dataclass
class _Raw:
    """A disputed question at one activity and scope, before related ones are merged."""

    question: Question
    scope: str | None
    kinds: set[str]
    members: list[AnchoredClaim]


def _raw_disagreements(
    rules: Rules, claims: list[AnchoredClaim], goals: Collection[str | None] | None
) -> list[_Raw]:
    questions: dict[Question, _Question] = defaultdict(_Question)
    for claim in sorted(claims, key=lambda c: str(c.iri)):
        for question, names_it in _keys(rules, claim):
            if goals is not None and question.goal not in goals:
                continue
            bucket = questions[question]
            (bucket.exact if names_it else bucket.general).append(claim)
    found: list[_Raw] = []
    for question in sorted(questions, key=lambda q: (q.activity, q.goal or "")):
        bucket = questions[question]
        if not bucket.exact:
            continue
        everyone = bucket.exact + bucket.general
        types = _scope_types(rules, bucket.exact, everyone, whether=question.goal is None)
        by_source: dict[str, list[AnchoredClaim]] = defaultdict(list)
        for claim in everyone:
            by_source[claim.source_slug].append(claim)
        for scope in sorted(types, key=lambda s: (s is not None, s or "")):
            members = everyone if scope is None else by_source[scope]
            found.append(_Raw(question, scope, types[scope], members))
    return found


def _merged(rules: Rules, raws: list[_Raw]) -> list[list[_Raw]]:
    """Raw questions of one goal and scope whose activities are related (running, jogging), or
    are kinds of one activity and share claims (jogging and sprint intervals, both met by claims
    about running), grouped: a reader asks them once."""
    groups: dict[tuple[str | None, str | None], list[_Raw]] = defaultdict(list)
    for raw in raws:
        groups[(raw.question.goal, raw.scope)].append(raw)
    merged: list[list[_Raw]] = []
    for members in groups.values():
        ids = [{c.iri for c in raw.members} for raw in members]

        def linked(
            i: int, j: int, members: list[_Raw] = members, ids: list[set[URIRef]] = ids
        ) -> bool:
            a, b = members[i].question.activity, members[j].question.activity
            if rules.activity_reaches(a, b) or rules.activity_reaches(b, a):
                return True
            return bool(ids[i] & ids[j]) and rules.common_activity({a, b}) is not None

        merged.extend([members[i] for i in cluster] for cluster in _clusters(len(members), linked))
    return merged


def _clusters(n: int, linked: Callable[[int, int], bool]) -> list[list[int]]:
    """0..n-1 in groups joined by `linked` (union-find), each group in ascending order."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in combinations(range(n), 2):
        if linked(i, j):
            parent[root(i)] = root(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[root(i)].append(i)
    return list(groups.values())


def _name(rules: Rules, group: list[_Raw]) -> str:
    """The activity a merged question is named by: the one most of its claims name; on a tie,
    the most specific activity covering the tied ones."""

    def named(raw: _Raw) -> int:
        return sum(raw.question.activity in c.spec.activities for c in raw.members)

    most = max(named(raw) for raw in group)
    tied = {raw.question.activity for raw in group if named(raw) == most}
    if len(tied) == 1:
        return tied.pop()
    return rules.common_activity(tied) or min(tied)


def question_goals(ontology: Ontology, claims: Iterable[AnchoredClaim]) -> set[str | None]:
    """The goals of the questions the claims speak to (None: whether to do an activity at all).
    The disagreements on other goals do not depend on these claims."""
    rules = Rules(ontology)
    return {question.goal for claim in claims for question, _ in _keys(rules, claim)}


def find_disagreements(
    ontology: Ontology,
    claims: list[AnchoredClaim],
    goals: Collection[str | None] | None = None,
) -> list[Disagreement]:
    """Every disputed question, across the sources and within each, in a stable order; with
    goals, only the questions on those goals (what an incremental build recomputes: the
    questions of one goal depend only on the claims that speak to that goal)."""
    rules = Rules(ontology)
    found: list[Disagreement] = []
    for group in _merged(rules, _raw_disagreements(rules, claims, goals)):
        kinds = set().union(*(raw.kinds for raw in group))
        whether = group[0].question.goal is None
        members = _unique(c for raw in group for c in raw.members)
        held = {p for c in members if (p := rules.position(c, whether)) is not None}
        positions = {
            p for p in held if any(rules.opposed(p, q) or rules.stronger(p, q) for q in held)
        }
        sides = _sides(rules, members, positions, whether)
        if len(sides) < 2:
            continue
        scope = group[0].scope
        activity = _name(rules, group)
        found.append(
            Disagreement(
                question=Question(activity, group[0].question.goal),
                source=scope,
                type=next(k for k in SEVERITY if k in kinds),
                sides=sides,
                reconciling=_reconciling(rules, sides, within=scope is not None),
                context=_context(rules, members),
            )
        )
    return sorted(found, key=lambda d: (d.activity, d.goal or "", d.source or ""))


def _unique(claims: Iterable[AnchoredClaim]) -> list[AnchoredClaim]:
    seen: dict[URIRef, AnchoredClaim] = {}
    for claim in claims:
        seen.setdefault(claim.iri, claim)
    return list(seen.values())


def disagreement_triples(
    ontology: Ontology, disagreements: Iterable[Disagreement]
) -> Iterator[ox.Triple]:
    """The disagreements as RDF, for the inference graph: a node per question and scope, a node
    per side; each claim is linked once from each side it is on."""
    within = {flag: boolean(flag) for flag in (True, False)}
    claim_nodes: dict[URIRef, ox.NamedNode] = {}
    for d in disagreements:
        subject = node(d.iri)
        topic = text(d.topic(ontology))
        yield ox.Triple(subject, A, T.kgqa_Disagreement)
        yield ox.Triple(subject, T.kgqa_topic, topic)
        yield ox.Triple(subject, LABEL, text(f"Disagreement: {topic.value}"))
        yield ox.Triple(subject, T.kgqa_activity, concept(d.activity))
        if d.goal is not None:
            yield ox.Triple(subject, T.kgqa_goal, concept(d.goal))
        yield ox.Triple(subject, T.kgqa_disagreementType, concept(d.type))
        yield ox.Triple(subject, T.kgqa_withinSource, within[d.within_source])
        if d.source is not None:
            yield ox.Triple(subject, T.kgqa_source, node(SOURCE[d.source]))
        for caveat in d.reconciling:
            yield ox.Triple(subject, T.kgqa_reconcilingCondition, concept(caveat))
        for side in d.sides:
            side_node = node(f"{d.iri}/{side.position}")
            yield ox.Triple(subject, T.kgqa_side, side_node)
            yield ox.Triple(side_node, A, T.kgqa_Side)
            yield ox.Triple(side_node, T.kgqa_position, concept(side.position))
            yield ox.Triple(side_node, T.kgqa_strongestHedge, concept(side.hedge))
            for source in side.sources:
                yield ox.Triple(side_node, T.kgqa_heldBy, node(SOURCE[source]))
            for claim in side.claims:
                claim_node = claim_nodes.get(claim.iri)
                if claim_node is None:
                    claim_node = claim_nodes[claim.iri] = node(claim.iri)
                yield ox.Triple(side_node, T.kgqa_claim, claim_node)


def closure_graph(ontology: Ontology) -> list[ox.Triple]:
    """skos:broaderTransitive and skos:narrowerTransitive for every concept, materialised."""
    broader, narrower = node(SKOS.broaderTransitive), node(SKOS.narrowerTransitive)
    out = Triples()
    for iri in ontology.concepts:
        for ancestor in ontology.ancestors(iri):
            out.add(node(iri), broader, node(ancestor))
            out.add(node(ancestor), narrower, node(iri))
    return out.to_list()
