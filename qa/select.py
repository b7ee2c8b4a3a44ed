"""Which ranked claims an answer cites: grouped by side (or option), in the order shown.

A single answer cites three to five passages (more when three or more sources speak: one of
each at least): the best of every side the candidates take (a recommendation's stance is a side as much
as an effect's direction), both sides of a disagreement among them, and every source that speaks
to the question; a list cites one passage per option.
Passages that say the same thing (one quote, or one inside another) are cited once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import combinations, product, zip_longest

from kg.disagreements import VERDICT_KINDS, DisagreementRow
from kg.positions import Rules, slug
from kg.vocab import CONCEPT
from qa.answer import Disagreement, Side
from qa.catalog import Catalog
from qa.evaluate import normalise
from qa.intents import INTENTS, Intent
from qa.interpret import Interpretation
from qa.rank import Candidate
from qa.wording import wording

KEEP_SHARE = 0.45  # a citation must score at least this share of the best one
FLOOR_SHARE = 0.25  # ... or this share, to reach the fewest a single answer cites
FEWEST, MOST = 3, 5  # citations of a single answer
ONE_EACH_FROM = 3  # from this many sources up, a single answer cites each that speaks, past MOST
MOST_SOURCES = 12  # ... up to this many citations: past it, the best-ranked sources
MOST_OPTIONS = 8  # citations of a list: one per option
LIST_POOL = 120  # a list's options are found among this many best candidates
PAIR_POOL = 3  # a disagreement's pair is chosen among each side's best few candidates
DISAGREEMENT_POOL = 60  # candidates searched for disagreements
NONE = "none"


@lru_cache(maxsize=1 << 16)
def _normalised(quote: str) -> str:
    """`normalise`, once per quote: a wide question's pool looks at hundreds of quotes."""
    return normalise(quote)


@dataclass(frozen=True)
class Selection:
    citations: tuple[Candidate, ...]  # in the order shown
    sides: tuple[Side, ...]
    disagreements: tuple[Disagreement, ...]  # across the sources first; within one too


def position(c: Candidate) -> str | None:
    """The claim's direction or stance, as a slug."""
    found = c.direction or c.stance
    return slug(found) if found else None


def whether(it: Interpretation) -> bool:
    """Whether the question asks if one should do it at all (no goal named)."""
    return it.intent == "recommendation" or not it.goals


class CitationSelector:
    def __init__(self, catalog: Catalog, rules: Rules, labels: dict[str, str]) -> None:
        self.catalog = catalog
        self.rules = rules
        self.labels = labels

    def label(self, iri: str) -> str:
        return self.labels.get(iri, slug(iri).replace("-", " "))

    def select(
        self, it: Interpretation, ranked: list[Candidate], conditions: frozenset[str]
    ) -> Selection:
        """The citations for ranked candidates; `conditions`: those the question names."""
        intent = INTENTS.get(it.intent)
        listing = intent is not None and intent.listing
        pool = self._pool(ranked, listing)
        disagreements = self._disagreements(ranked[:DISAGREEMENT_POOL], pool, it, conditions)
        paired = [
            c
            for d in disagreements
            if not d.within_source or set(d.claims) <= {p.claim for p in pool}
            for c in ranked
            if c.claim in d.claims
        ]
        if not it.activities and not listing:
            pool = self._disputed_first(pool, disagreements)
        paired += [c for c in _each_activity(it, ranked) if c not in paired]
        each_side = self._every_side(disagreements, ranked, conditions)
        paired += [c for c in each_side if c not in paired]
        if whether(it) and not listing:  # each source's own advice on doing it at all
            paired += [c for c in self._advice(ranked, conditions) if c not in paired]
        if listing and intent is not None:
            groups = self._options(intent, it, pool)
            chosen = _cover(pool, paired, lambda c: self._covers(intent, it, c))
        else:
            groups, tier = self._sides(it, pool + [c for c in paired if c not in pool])
            chosen = _turns(groups, tier, paired, self._reconciling(disagreements))
        shown: list[Candidate] = []
        sides: list[Side] = []
        for (label, cls), members in groups.items():
            cited = [c for c in members if c in chosen]
            if cited:
                shown += cited
                sides.append(Side(label, cls, tuple(c.claim for c in cited)))
        ids = {c.claim for c in shown}
        kept = tuple(self._widened(d, shown) for d in disagreements if set(d.claims) <= ids)
        return Selection(tuple(shown), tuple(sides), kept)

    def _widened(self, d: Disagreement, shown: list[Candidate]) -> Disagreement:
        """A disagreement across the sources with, after its pair, the first cited claim on one
        of its sides of every other cited source (with many sources, each that takes part); its
        reconciling conditions are also those under which a cited claim on a side holds (a hard
        run against an easy one)."""
        row = self.catalog.row(d.id)
        if row is None or d.within_source:
            return d
        facets = self.catalog.facets
        taken = {facets[c].slug for c in d.claims}
        more: list[str] = []
        conditions, reconciling = set(d.reconciling_caveats), set(row.caveats)
        for c in shown:
            if c.claim not in row.side_of:
                continue
            conditions |= c.limits & reconciling
            if c.slug not in taken:
                taken.add(c.slug)
                more.append(c.claim)
        caveats = tuple(x for x in row.caveats if x in conditions)
        return replace(d, claims=(*d.claims, *more), reconciling_caveats=caveats)

    def _cross_row(self, disagreements: tuple[Disagreement, ...]) -> DisagreementRow | None:
        """The row of the first disagreement across the sources, if any."""
        cross = next((d for d in disagreements if not d.within_source), None)
        return self.catalog.row(cross.id) if cross is not None else None

    def _reconciling(self, disagreements: tuple[Disagreement, ...]) -> Callable[[Candidate], bool]:
        """Whether a claim is on a side of the disagreement across the sources and holds only
        under a condition that may reconcile it (an easy run against a hard one): a side's second
        citation is such a claim when it can be."""
        row = self._cross_row(disagreements)
        if row is None:
            return lambda c: False
        caveats, sides = frozenset(row.caveats), row.side_of
        return lambda c: c.claim in sides and not c.limits.isdisjoint(caveats)

    def _disputed_first(
        self, pool: list[Candidate], disagreements: tuple[Disagreement, ...]
    ) -> list[Candidate]:
        """A question that names no activity ("do they disagree about recovery?"): the claims
        on the activity disputed across the sources before those on others (an alternative)."""
        row = self._cross_row(disagreements)
        if row is None:
            return pool
        return sorted(pool, key=lambda c: row.activity not in c.activities)

    def _every_side(
        self,
        disagreements: tuple[Disagreement, ...],
        ranked: list[Candidate],
        conditions: frozenset[str],
    ) -> list[Candidate]:
        """The best candidate on each side of the disagreement across the sources: on whether to
        do it at all, the advice before the effects that argue for it; a claim that holds under no
        condition the question leaves unnamed before one that does."""
        row = self._cross_row(disagreements)
        if row is None:
            return []
        top = ranked[:DISAGREEMENT_POOL]
        found = []
        for side in row.sides:
            members = set(side.claims)
            on_side = [c for c in top if c.claim in members]
            on_side.sort(key=lambda c: (_verdict_order(row, c.kind), bool(c.limits - conditions)))
            found += on_side[:1]
        return found

    @staticmethod
    def _advice(ranked: list[Candidate], conditions: frozenset[str]) -> list[Candidate]:
        """Each source's most general advice among the best candidates: the fewest conditions the
        question does not name, then the fewest goals (advice for its own sake before advice for
        the sake of one goal), then rank."""
        best: dict[str, tuple[tuple[int, int, int], Candidate]] = {}
        for i, c in enumerate(ranked[:DISAGREEMENT_POOL]):
            if c.kind != "Recommendation":
                continue
            key = (len(c.limits - conditions), len(c.goals), i)
            if c.slug not in best or key < best[c.slug][0]:
                best[c.slug] = (key, c)
        return [c for _, c in sorted(best.values(), key=lambda kv: kv[0][2])]

    def _pool(self, ranked: list[Candidate], listing: bool) -> list[Candidate]:
        """The candidates worth citing, best first, each saying something no better one says."""
        best = ranked[0].score
        pool: list[Candidate] = []
        quotes: set[tuple[str, str]] = set()
        spans: dict[str, list[tuple[int, int]]] = {}
        for c in ranked[: LIST_POOL if listing else len(ranked)]:
            if not listing and c.score < KEEP_SHARE * best and len(pool) >= FEWEST:
                break
            if not listing and c.score < FLOOR_SHARE * best:
                break
            quote = (c.slug, _normalised(c.quote))  # two sources that say it alike both speak
            taken = spans.setdefault(c.slug, [])
            if quote in quotes or any(c.start < end and start < c.end for start, end in taken):
                continue  # one quote, or one inside another: the same passage
            quotes.add(quote)
            taken.append((c.start, c.end))
            pool.append(c)
        return pool

    def _sides(
        self, it: Interpretation, pool: Iterable[Candidate]
    ) -> tuple[dict[tuple[str, str], list[Candidate]], dict[tuple[str, str], int]]:
        """The pool by the side each claim takes, sides in order of their best claim's score (a
        claim that takes none last). On whether to do it at all, the sides are for, against and
        it depends; on a goal, each direction or stance."""
        words = wording()
        groups: dict[tuple[str, str], list[Candidate]] = {}
        tier: dict[tuple[str, str], int] = {}
        for c in pool:
            found = words.position(position(c))
            if found is None:
                key, rank = (words.classes[NONE], NONE), 2
            elif whether(it):
                key, rank = (words.classes[found.cls], found.cls), 0
            else:  # on a goal, an effect on it answers it; advice, and effects on other goals,
                # come after
                asked = self._asked_goal(it, c)
                goal = asked or min(c.goals, default="")
                label = _capital(
                    words.side(found.slug, self.label(goal) if goal and found.effect else "")
                )
                key, rank = (label, found.cls), 0 if found.effect and asked else 1
            groups.setdefault(key, []).append(c)
            tier[key] = rank
        ordered = sorted(groups.items(), key=lambda kv: (tier[kv[0]], -kv[1][0].score))
        return {key: _by_turns(members) for key, members in ordered}, tier

    def _asked_goal(self, it: Interpretation, c: Candidate) -> str | None:
        """The asked goal the claim speaks of (itself, or a narrower or broader one)."""
        ontology = self.rules.ontology
        return next(
            (g for g in it.goals if not c.goals.isdisjoint(ontology.expanded_iris(g))), None
        )

    def _options(
        self, intent: Intent, it: Interpretation, pool: Iterable[Candidate]
    ) -> dict[tuple[str, str], list[Candidate]]:
        """The pool by option (an alternative, an authority, a goal), best option first."""
        groups: dict[tuple[str, str], list[Candidate]] = {}
        for c in pool:
            groups.setdefault((self._option(intent, it, c), NONE), []).append(c)
        return groups

    def _covers(self, intent: Intent, it: Interpretation, c: Candidate) -> frozenset[str]:
        """The options one claim names (a claim on two benefits lists both)."""
        if intent.option == "activities":
            return frozenset(a for a in c.activities if a not in it.activities)
        if intent.option == "authority":
            return frozenset({c.authority or c.claim})
        return c.goals or frozenset({c.claim})

    def _option(self, intent: Intent, it: Interpretation, c: Candidate) -> str:
        if intent.option == "activities":
            others = sorted(self.label(a) for a in c.activities if a not in it.activities)
            return _capital(" and ".join(others) or "Other options")
        if intent.option == "authority":
            return c.authority or "No source given in the article"
        goals = sorted(self.label(g) for g in c.goals)
        return _capital(goals[0]) if goals else "Other points"

    def _disagreements(
        self,
        candidates: list[Candidate],
        pool: list[Candidate],
        it: Interpretation,
        conditions: frozenset[str],
    ) -> tuple[Disagreement, ...]:
        """The best-ranked disagreement per topic among the candidates: across sources when the
        pool holds one side, within a source only when it holds both and the dispute is on the
        question asked. The disputed question asked comes first: on whether to do it at all, the
        dispute on that; on a goal, one on that goal."""
        rank = {c.claim: i for i, c in enumerate(candidates)}
        pooled = {c.claim for c in pool}
        found: list[tuple[tuple[bool, bool, int, str], Disagreement]] = []
        facets = self.catalog.facets
        for row in self.catalog.among(set(rank)):
            claims = self._opposed_pair(row, rank, conditions)
            if claims is None or not pooled & set(claims):
                continue
            if row.within_source and not set(claims) <= pooled:
                continue
            d = Disagreement(
                topic=row.topic,
                claims=claims,
                within_source=row.within_source,
                reconciling_caveats=tuple(
                    c for c in row.caveats if any(c in facets[x].caveats for x in claims)
                ),
                type=row.type,
                type_label=self.labels.get(str(CONCEPT[row.type]), row.type),
                id=row.iri,
            )
            asked = row.goal in it.goals if it.goals else row.goal is None
            if row.within_source and not asked:
                continue  # a source's doubt on another question than the one asked
            found.append(((d.dissolves, not asked, rank[claims[0]] + rank[claims[1]], d.id), d))
        found.sort(key=lambda pair: pair[0])
        cross = [d for _, d in found if not d.within_source][:1]
        return tuple(cross + [d for _, d in found if d.within_source][:1])

    def _opposed_pair(
        self, row: DisagreementRow, rank: dict[str, int], conditions: frozenset[str] = frozenset()
    ) -> tuple[str, str] | None:
        """The best-ranked two candidates on opposed (or firmer and softer) sides of a
        disagreement, from two sources when it is across the sources; on whether to do it at
        all, the advice itself before the effects that argue for it, and the most general advice
        first: the fewest conditions and audiences the question does not name (`conditions`:
        those it does), then advice for its own sake before advice for the sake of a goal."""
        facets = self.catalog.facets

        def order(claim: str) -> tuple[int, int, int]:
            f = facets[claim]
            general = len(f.limits - conditions) * 10 + len(f.goals) if row.goal is None else 0
            return (_verdict_order(row, f.kind), general, rank[claim])

        by_side: dict[int, list[str]] = {}
        for claim in rank:
            side = row.side_of.get(claim)
            if side is not None:
                by_side.setdefault(side, []).append(claim)
        best: tuple[tuple[int, int, int], tuple[str, str]] | None = None
        for i, j in combinations(sorted(by_side), 2):
            a_pos, b_pos = slug(row.sides[i].position), slug(row.sides[j].position)
            if not (self.rules.opposed(a_pos, b_pos) or self.rules.stronger(a_pos, b_pos)):
                continue
            mine = sorted(by_side[i], key=order)[:PAIR_POOL]
            theirs = sorted(by_side[j], key=order)[:PAIR_POOL]
            for a, b in product(mine, theirs):
                if not row.within_source and facets[a].slug == facets[b].slug:
                    continue
                key = (max(order(a)[0], order(b)[0]), order(a)[1] + order(b)[1], rank[a] + rank[b])
                if best is None or key < best[0]:
                    best = (key, (a, b) if rank[a] <= rank[b] else (b, a))
        return best[1] if best else None


def _each_activity(it: Interpretation, ranked: list[Candidate]) -> list[Candidate]:
    """When the question names two activities or more ("swimming or running"), the best of the
    candidates on each that no better one already names."""
    if len(it.activities) < 2:
        return []
    found: list[Candidate] = []
    for activity in it.activities:
        if any(activity in c.activities for c in found):
            continue
        best = next((c for c in ranked[:DISAGREEMENT_POOL] if activity in c.activities), None)
        if best is not None:
            found.append(best)
    return found


def _verdict_order(row: DisagreementRow, kind: str) -> int:
    """On whether to do it at all, a source's own advice first, then an alternative it offers
    (which takes a side only by implication), then the effects that argue for either; on a goal,
    all alike."""
    if row.goal is not None:
        return 0
    return VERDICT_KINDS.index(kind) if kind in VERDICT_KINDS else len(VERDICT_KINDS)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _by_turns(members: list[Candidate]) -> list[Candidate]:
    """A side's claims with its sources taking turns, each source's best first."""
    by_source: dict[str, list[Candidate]] = {}
    for c in members:
        by_source.setdefault(c.slug, []).append(c)
    return _interleave(list(by_source.values()))


def _turns(
    groups: dict[tuple[str, str], list[Candidate]],
    tier: dict[tuple[str, str], int],
    first: list[Candidate],
    reconciles: Callable[[Candidate], bool] = lambda c: False,
) -> set[Candidate]:
    """Three to five claims, and from ONE_EACH_FROM sources up one of every source that speaks,
    up to MOST_SOURCES claims in all (the best-ranked sources first):
    `first` (both sides of a disagreement); the best of each side that answers the question, and
    of each source not yet cited (a claim that takes a side before one that takes none); a second
    of each such side, from the source cited least so far, one that `reconciles` before others
    (the best-scored seconds first); then the best of each other side (advice beside effects,
    claims that take no side), then turns."""
    chosen: list[Candidate] = []
    taken: set[str] = set()  # the claims chosen (a set: a side may have hundreds of claims)
    one_each = len({c.slug for g in groups.values() for c in g}) >= ONE_EACH_FROM

    def add(c: Candidate, every_source: bool = False) -> None:
        room = MOST_SOURCES if every_source and one_each else MOST
        if len(chosen) < room and c.claim not in taken:
            chosen.append(c)
            taken.add(c.claim)

    main = [g for key, g in groups.items() if tier[key] == 0]
    rest = [g for key, g in groups.items() if tier[key] > 0]
    for c in first:
        add(c)
    for group in main:
        add(group[0])
    placed = sorted(
        ((key[1] == NONE, -c.score, c) for key, g in groups.items() for c in g),
        key=lambda item: item[:2],
    )
    cited = {x.slug for x in chosen}
    for _, _, c in placed:
        if c.slug not in cited:
            add(c, every_source=True)
            cited.add(c.slug)

    def cited_from(c: Candidate) -> int:
        return sum(x.slug == c.slug for x in chosen)

    def second(group: list[Candidate]) -> tuple[Candidate, float]:
        """The side's claim not chosen from the source cited least so far, one that shows where
        the dispute may dissolve first, and the score of the best such claim (which orders the
        sides' seconds)."""
        left = [(cited_from(c), i) for i, c in enumerate(group) if c.claim not in taken]
        fewest = min(left)[0]
        shown = min((not reconciles(group[i]), i) for n, i in left if n == fewest)[1]
        return group[shown], group[min(left)[1]].score

    seconds = [  # a second of each side
        second(group)
        for group in main
        if sum(c.claim in taken for c in group) < 2 and any(c.claim not in taken for c in group)
    ]
    while seconds:  # the best-scored first
        best = min(seconds, key=lambda pair: (cited_from(pair[0]), -pair[1]))
        seconds.remove(best)
        add(best[0])
    for group in rest:
        add(group[0])
    for c in _interleave(main) + _interleave(rest):
        add(c)
    return set(chosen)


def _cover(
    pool: list[Candidate], first: list[Candidate], covers: Callable[[Candidate], frozenset[str]]
) -> set[Candidate]:
    """A list: the fewest claims, best first, that name every option (at most MOST_OPTIONS), with
    `first` (both sides of a disagreement) among them; at least FEWEST when there are that many."""
    chosen = list(dict.fromkeys(first))
    named: set[str] = set().union(*(covers(c) for c in chosen)) if chosen else set()
    for c in pool:
        if len(chosen) >= MOST_OPTIONS:
            break
        new = covers(c) - named
        if new:
            chosen.append(c)
            named |= new
    spoken = {(option, c.slug) for c in chosen for option in covers(c)}
    for c in pool:  # an option several sources name: one passage of each (they agree on it)
        if len(chosen) >= MOST_OPTIONS:
            break
        said = {(option, c.slug) for option in covers(c)} - spoken
        if said and c not in chosen:
            chosen.append(c)
            spoken |= said
    for c in pool:
        if len(chosen) >= FEWEST:
            break
        if c not in chosen:
            chosen.append(c)
    return set(chosen)


def _interleave(groups: list[list[Candidate]]) -> list[Candidate]:
    return [c for turn in zip_longest(*groups) for c in turn if c is not None]
