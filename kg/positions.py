"""Why two claims on one question differ: positions, conditions and the types of disagreement.

Why the sides differ, for two claims on opposed positions, in this order:
- different conditions: a condition of one opposes a condition of the other (a light jog
  against an intense run), or within one source, the two state different conditions;
- different audience or goal: an audience of one opposes the other's (bodybuilders, endurance
  runners), or, on whether to do it at all, each side argues for the sake of another goal;
- within one source: the same source, nothing reconciles them;
- direct conflict: different sources, nothing reconciles them.
Two claims on positions that lean the same way with different firmness (recommended against
optional) differ in strength only. A question's type is the most serious of its pairs': a direct
conflict or a source against itself, then strength only, then different audience, then
different conditions (those two dissolve: both sides can hold).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property

from kg.ontology import Ontology
from kg.rdf import CLAIM_CLASSES, AnchoredClaim
from kg.vocab import CONCEPT, KGQA

DIRECT, CONDITIONS, AUDIENCE, STRENGTH, WITHIN = (
    "direct-conflict",
    "different-conditions",
    "different-audience",
    "strength-only",
    "within-source",
)
# The most serious first: a question takes the first type any of its pairs has.
SEVERITY = (DIRECT, WITHIN, STRENGTH, AUDIENCE, CONDITIONS)
DISSOLVED = frozenset({CONDITIONS, AUDIENCE})


def dissolves(kind: str) -> bool:
    """True for a type under which both sides can hold (a condition or an audience tells them
    apart)."""
    return kind in DISSOLVED


def slug(iri: object) -> str:
    """A concept IRI as its slug."""
    return str(iri).removeprefix(str(CONCEPT))


class Rules:
    """What the ontology says about positions, conditions and hierarchies, as slugs."""

    def __init__(self, ontology: Ontology) -> None:
        self.ontology = ontology
        self._goal_questions: dict[str, str] = {}
        self._levels: dict[str, tuple[str, ...]] = {}

    @cached_property
    def _opposes(self) -> dict[str, frozenset[str]]:
        # A concept opposes what its broader concepts oppose, and their narrower concepts too.
        closed: dict[str, frozenset[str]] = {}
        for iri in self.ontology.concepts:
            others = {
                o for x in (iri, *self.ontology.ancestors(iri)) for o in self.ontology.opposed(x)
            }
            others |= {d for o in tuple(others) for d in self.ontology.descendants(o)}
            if others:
                closed[slug(iri)] = frozenset(map(slug, others))
        return closed

    @cached_property
    def _weaker(self) -> frozenset[tuple[str, str]]:
        return frozenset(
            (slug(a), slug(b)) for a, b in self.ontology.graph.subject_objects(KGQA.weakerThan)
        )

    @cached_property
    def _leans(self) -> dict[str, str]:
        return {slug(a): slug(b) for a, b in self.ontology.graph.subject_objects(KGQA.leansTo)}

    @cached_property
    def _implied(self) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for a, b in self.ontology.graph.subject_objects(KGQA.impliesCondition):
            found[slug(a)].add(slug(b))
        return {k: frozenset(v) for k, v in found.items()}

    def position(self, claim: AnchoredClaim, whether: bool = False) -> str | None:
        """The direction of an effect, the stance of a recommendation; None for other claims.

        On whether to do an activity at all (`whether`), an effect takes the stance its
        direction leans to: a benefit speaks for doing it, a harm against; an alternative
        ("walking instead") speaks against the activity it replaces.
        """
        spec = claim.spec
        if spec.kind == "recommendation":
            return spec.stance
        if spec.kind == "effect" and spec.direction:
            return self._leans.get(spec.direction) if whether else spec.direction
        if spec.kind == "alternative" and spec.instead_of and whether:
            return self._leans.get(str(CLAIM_CLASSES["alternative"].value))
        return None

    def other_goals(self, a: AnchoredClaim, b: AnchoredClaim) -> bool:
        """True when both claims name goals and no goal of one is a question of the other's."""
        ga = {self.goal_question(g) for g in a.spec.goals}
        gb = {self.goal_question(g) for g in b.spec.goals}
        return bool(ga and gb) and not ga & gb

    def conditions(self, claim: AnchoredClaim) -> frozenset[str]:
        """The conditions a claim states, and those its activities imply (a jog is light)."""
        implied = {c for a in claim.spec.activities for c in self._implied.get(a, ())}
        return frozenset(claim.spec.conditions) | implied

    def opposed(self, a: str, b: str) -> bool:
        return b in self._opposes.get(a, ())

    def stronger(self, a: str, b: str) -> bool:
        """True when a and b lean the same way and differ only in firmness."""
        return (a, b) in self._weaker or (b, a) in self._weaker

    def opposing(self, xs: Iterable[str], ys: Iterable[str]) -> list[tuple[str, str]]:
        ys = tuple(ys)
        return [(x, y) for x in xs for y in ys if self.opposed(x, y)]

    def levels(self, activity: str) -> tuple[str, ...]:
        """An activity and the narrower activities a claim about it also speaks of (none for a
        root: a claim about all exercise speaks of no activity in particular)."""
        found = self._levels.get(activity)
        if found is None:
            iri = CONCEPT[activity]
            narrower = () if self.ontology.is_top(iri) else self.ontology.descendants(iri)
            found = self._levels[activity] = (activity, *sorted(map(slug, narrower)))
        return found

    def goal_question(self, goal: str) -> str:
        """The goal a question about this goal is asked at: its ancestor just below the root."""
        found = self._goal_questions.get(goal)
        if found is None:
            found = self._goal_questions[goal] = self._goal_question(goal)
        return found

    def _goal_question(self, goal: str) -> str:
        iri = CONCEPT[goal]
        chain = [iri, *self.ontology.ancestors(iri)]
        below_root = [g for g in chain if not self.ontology.is_top(g)]
        if not below_root:
            return goal
        # The highest non-root ancestor: the one with the most ancestors of its own is lowest.
        return slug(min(below_root, key=lambda g: (len(self.ontology.ancestors(g)), str(g))))

    def common_activity(self, activities: set[str]) -> str | None:
        """The most specific activity all of them fall under, short of a root; None if only a
        root covers them all."""
        chains = [{a, *(slug(x) for x in self.ontology.ancestors(CONCEPT[a]))} for a in activities]
        shared = [a for a in set.intersection(*chains) if not self.ontology.is_top(CONCEPT[a])]
        return max(
            shared, key=lambda a: (len(self.ontology.ancestors(CONCEPT[a])), a), default=None
        )

    def activity_reaches(self, general: str, specific: str) -> bool:
        """True when a claim about `general` speaks of `specific` (the same, or broader, not a
        root of its hierarchy)."""
        return specific in self.levels(general)


def relation(rules: Rules, a: AnchoredClaim, b: AnchoredClaim, whether: bool = False) -> str | None:
    """Why two claims on the same question differ (a type above), or None when they do not.

    On whether to do an activity (`whether`), two effects differ only when they address
    opposed audiences: a benefit to one goal and a harm to another are pros and cons, not a
    disagreement.
    """
    pa, pb = rules.position(a, whether), rules.position(b, whether)
    if pa is None or pb is None or pa == pb:
        return None
    opposed_audience = bool(rules.opposing(a.spec.audience, b.spec.audience))
    if whether and a.spec.kind == b.spec.kind == "effect" and not opposed_audience:
        return None
    if rules.stronger(pa, pb):
        return STRENGTH  # a source that says a thing firmly and elsewhere softly, too
    if not rules.opposed(pa, pb):
        return None
    ca, cb = rules.conditions(a), rules.conditions(b)
    if rules.opposing(ca, cb):
        return CONDITIONS
    if opposed_audience:
        return AUDIENCE
    if a.source_slug == b.source_slug and ca != cb:  # a source qualifying one claim, not the other
        return CONDITIONS
    if whether and rules.other_goals(a, b):
        return AUDIENCE  # for and against, each for the sake of another goal
    return WITHIN if a.source_slug == b.source_slug else DIRECT
