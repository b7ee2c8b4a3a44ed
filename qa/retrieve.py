"""The claims a template selects, found in memory: set algebra over an index of the catalogue.

Each selector mirrors one template of qa/queries (the registry qa.intents pairs them; the
query an answer shows is still that template, filled); tests/qa/test_retrieve.py checks that both select the same claims for many
interpretations on the real corpus and a synthetic one. At a million triples this takes about a
millisecond where the SPARQL query takes tens to hundreds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from kg.vocab import CONCEPT
from qa.catalog import Catalog
from qa.query import QueryBuilder

if TYPE_CHECKING:
    from qa.interpret import Interpretation

Claims = frozenset[str]
Selector = Callable[["ClaimIndex", "Interpretation"], Claims]
IMPROVES, IMPAIRS = str(CONCEPT["improves"]), str(CONCEPT["impairs"])


class ClaimIndex:
    """Claims by concept, kind, direction, source and attribution."""

    def __init__(self, catalog: Catalog, builder: QueryBuilder) -> None:
        self.builder = builder
        self.all: Claims = frozenset(catalog.facets)
        self.disputed = catalog.disputed
        self.disputed_within = catalog.disputed_within
        by: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for claim, f in catalog.facets.items():
            for field, values in (
                ("activity", f.activities),
                ("goal", f.goals),
                ("caveat", f.caveats),
                ("insteadOf", (f.instead_of,) if f.instead_of else ()),
                ("kind", (f.kind,)),
                ("direction", (f.direction,) if f.direction else ()),
                ("source", (f.source,)),
                ("attributedTo", (f.attributed_to,) if f.attributed_to else ()),
                ("sourceNeeded", ("true",) if f.source_needed else ()),
            ):
                for value in values:
                    by[field][value].add(claim)
        self._by = {field: {k: frozenset(v) for k, v in d.items()} for field, d in by.items()}

    def _with(self, field: str, values: Iterable[str]) -> Claims:
        index = self._by.get(field, {})
        return frozenset().union(*(index.get(v, frozenset()) for v in values))

    def _concept(self, field: str, keys: tuple[str, ...]) -> Claims | None:
        """Claims whose `field` is one of the keys' expansions; None (no constraint) without keys."""
        return self._with(field, self.builder.expand(keys)) if keys else None

    def _kind(self, name: str) -> Claims:
        return self._with("kind", (name,))

    def of_sources(self, claims: Claims, sources: tuple[str, ...]) -> Claims:
        return claims & self._with("source", sources)

    # the blocks of qa.query.QueryBuilder.blocks
    def activity(self, it: Interpretation) -> Claims | None:
        return self._concept("activity", it.activities)

    def goal(self, it: Interpretation) -> Claims | None:
        return self._concept("goal", it.goals)

    def caveat(self, it: Interpretation) -> Claims | None:
        return self._concept("caveat", it.caveats)

    def context(self, it: Interpretation) -> Claims | None:
        return self._concept("activity", it.context_activities)


def _all(base: Claims, *constraints: Claims | None) -> Claims:
    found = base
    for constraint in constraints:
        if constraint is not None:
            found = found & constraint
    return found


def _union(*blocks: Claims | None) -> Claims | None:
    present = [b for b in blocks if b is not None]
    return frozenset().union(*present) if present else None


def effect(ix: ClaimIndex, it: Interpretation) -> Claims:
    activity, goal = ix.activity(it), ix.goal(it)
    alone = ix.caveat(it) if activity is None and goal is None else None
    return _all(ix.all, activity, goal, alone)


def directed(direction: str) -> Selector:
    def select(ix: ClaimIndex, it: Interpretation) -> Claims:
        effects = ix._kind("EffectClaim") & ix._with("direction", (direction,))
        return _all(effects, ix.activity(it), ix.goal(it))

    return select


def disagreement(ix: ClaimIndex, it: Interpretation) -> Claims:
    disputed = ix.disputed.union(*(ix.disputed_within.get(s, frozenset()) for s in it.sources))
    return _all(disputed, ix.activity(it), ix.goal(it))


def recommendation(ix: ClaimIndex, it: Interpretation) -> Claims:
    return _all(ix.all, ix.activity(it), _union(ix.goal(it), ix.caveat(it)))


def alternatives(ix: ClaimIndex, it: Interpretation) -> Claims:
    instead = ix._kind("AlternativeClaim")
    if it.activities:
        instead &= ix._concept("insteadOf", it.activities) or frozenset()
        if len(it.activities) >= 2:
            instead &= ix._concept("activity", it.activities) or frozenset()
    both: Claims = frozenset()
    if len(it.activities) >= 2:
        first = ix._concept("activity", it.activities[:1]) or frozenset()
        both = first & (ix._concept("activity", it.activities[1:2]) or frozenset())
    return instead | both


def evidence(ix: ClaimIndex, it: Interpretation) -> Claims:
    if it.authorities:
        attributed = ix._with("attributedTo", it.authorities)
    else:
        attributed = frozenset().union(*ix._by.get("attributedTo", {}).values())
    flagged = attributed | ix._with("sourceNeeded", ("true",))
    return _all(flagged, _union(ix.activity(it), ix.goal(it)))


def of_kind(kind: str) -> Selector:
    def select(ix: ClaimIndex, it: Interpretation) -> Claims:
        return _all(ix._kind(kind), _union(ix.activity(it), ix.goal(it)))

    return select


def source(ix: ClaimIndex, it: Interpretation) -> Claims:
    sources = ix._with("source", it.sources) if it.sources else ix.all
    return _all(sources, _union(ix.activity(it), ix.goal(it)))


def lexical(ix: ClaimIndex, it: Interpretation) -> Claims:
    return _union(ix.activity(it), ix.goal(it), ix.caveat(it), ix.context(it)) or frozenset()
