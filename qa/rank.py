"""Rank the claims a selector found: concept overlap first, then intent fit, polarity and wording."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from rdflib import URIRef
from spacy.language import Language

from kg.ontology import Ontology
from kg.vocab import KGQA
from qa.catalog import Catalog, Facets
from qa.intents import INTENTS
from qa.interpret import Interpretation
from qa.nlp import RARITY_COMPONENT

WORD = re.compile(r"[a-z0-9]+")
DISPUTED_BONUS = 3.0  # asked where sources disagree: claims on either side of a disagreement first
RANKED = 400  # candidates kept after scoring (a corpus of millions of triples matches thousands)
IMPLIES = KGQA.impliesCondition
WEIGHTS = {
    "activity": 4.0,
    "goal": 3.0,
    "caveat": 2.0,
    "context": 0.3,
    "kind": 1.5,
    "polarity": 1.0,
    "words": 4.0,
    "focus": 1.0,
    "unasked": -0.75,  # per condition the claim names and the question does not (at most two)
    "firmness": 0.05,  # per step of the hedge's rank: between equals, the firmer statement
}


@dataclass(frozen=True)
class Candidate:
    """One claim returned by the query, with what ranking and citing need."""

    claim: str
    kind: str
    slug: str
    title: str
    short_title: str
    quote: str
    start: int
    end: int
    summary: str
    hedge: str
    direction: str | None
    stance: str | None
    instead_of: str | None
    activities: frozenset[str]
    goals: frozenset[str]
    caveats: frozenset[str]
    limits: frozenset[str]  # the caveats that limit when it holds (qa.catalog.Facets)
    authority: str | None
    source_needed: bool
    source_iri: str = ""
    score: float = 0.0
    reviewed: bool = True  # False for a proposed claim (answers include those only when asked)


class Scorable(Protocol):
    """What scoring reads of a claim: a Candidate, or the catalogue's facets of one."""

    @property
    def kind(self) -> str: ...
    @property
    def direction(self) -> str | None: ...
    @property
    def activities(self) -> frozenset[str]: ...
    @property
    def goals(self) -> frozenset[str]: ...
    @property
    def caveats(self) -> frozenset[str]: ...
    @property
    def limits(self) -> frozenset[str]: ...
    @property
    def quote(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def hedge(self) -> str: ...


def words(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def _overlap(asked: tuple[str, ...], have: frozenset[str], ontology: Ontology) -> float:
    """Share of asked concepts the claim speaks of (exactly, or through a narrower or broader one)."""
    if not asked:
        return 0.0
    hits = 0.0
    for key in asked:
        if key in have:
            hits += 1.0
        elif not have.isdisjoint(ontology.expanded_iris(key)):
            hits += 0.75
    return hits / len(asked)


def _focus(it: Interpretation, candidate: Scorable) -> float:
    """Share of the claim's goals that were asked about: a claim on one asked goal beats a catch-all."""
    if not it.goals or not candidate.goals:
        return 0.0
    return len(candidate.goals & set(it.goals)) / len(candidate.goals)


def score(
    candidate: Scorable,
    it: Interpretation,
    ontology: Ontology,
    idf: dict[str, float] | None = None,
    claim_words: frozenset[str] | None = None,
    asked_conditions: frozenset[str] | None = None,
) -> float:
    """How well a claim answers the interpretation; higher is better.

    Words count by their rarity across the corpus's claims (idf), so "leg" and "day", which every
    claim shares, weigh little against "sore" or "calories". A claim that holds only under a
    condition (or for an audience) the question does not name (`asked_conditions`: the asked
    caveats, expanded, and those its activities imply) yields to one that holds without it; a
    reason or a purpose it gives limits nothing.
    """
    total = WEIGHTS["activity"] * _overlap(it.activities, candidate.activities, ontology)
    total += WEIGHTS["goal"] * _overlap(it.goals, candidate.goals, ontology)
    total += WEIGHTS["caveat"] * _overlap(it.caveats, candidate.caveats, ontology)
    total += WEIGHTS["context"] * _overlap(it.context_activities, candidate.activities, ontology)
    intent = INTENTS.get(it.intent)
    if intent is not None and candidate.kind in intent.kinds:
        total += WEIGHTS["kind"]
    if it.polarity and candidate.direction and candidate.direction.endswith("/" + it.polarity):
        total += WEIGHTS["polarity"]
    total += WEIGHTS["focus"] * _focus(it, candidate)
    if asked_conditions is not None:
        unasked = len(candidate.limits - asked_conditions)
        total += WEIGHTS["unasked"] * min(unasked, 2)
    total += WEIGHTS["firmness"] * ontology.hedge_rank(candidate.hedge)
    if it.terms:
        weights = idf or {}
        text = (
            claim_words
            if claim_words is not None
            else words(candidate.quote) | words(candidate.summary)
        )
        asked = sum(weights.get(t, 1.0) for t in it.terms)
        hit = sum(weights.get(t, 1.0) for t in it.terms if t in text)
        total += WEIGHTS["words"] * hit / asked if asked else 0.0
    return round(total, 4)


def inverse_document_frequency(word_sets: list[frozenset[str]]) -> dict[str, float]:
    """log(N / df) for every word of the claims, to weigh question words by how telling they are."""
    counts: dict[str, int] = {}
    for found in word_sets:
        for word in found:
            counts[word] = counts.get(word, 0) + 1
    n = max(len(word_sets), 1)
    return {w: math.log((n + 1) / (c + 0.5)) for w, c in counts.items()}


def quoted_words(nlp: Language, facets: dict[str, Facets]) -> dict[str, frozenset[str]]:
    """Each claim's quoted words and their lemmas, for lexical ranking."""
    claims = list(facets.items())
    docs = nlp.pipe((f.quote for _, f in claims), disable=[RARITY_COMPONENT])
    return {
        claim: frozenset(
            w for t in doc if t.is_alpha or t.is_digit for w in (t.lower_, t.lemma_.lower())
        )
        for (claim, _), doc in zip(claims, docs, strict=True)
    }


class Ranker:
    """Scores the claims a selector found against the question: best first, one per passage."""

    def __init__(
        self,
        catalog: Catalog,
        ontology: Ontology,
        short_titles: dict[str, str],
        claim_words: dict[str, frozenset[str]],
        idf: dict[str, float],
    ) -> None:
        """`claim_words` and `idf`: see `quoted_words` and `inverse_document_frequency`."""
        self.catalog = catalog
        self.ontology = ontology
        self.short_titles = short_titles  # source IRI -> short title
        self.claim_words = claim_words
        self.idf = idf

    def rank(
        self, it: Interpretation, claims: Iterable[str], conditions: frozenset[str]
    ) -> list[Candidate]:
        """The claims, scored and best first; of claims on one passage only the best-scored.
        `conditions`: those the question names or implies (`asked_conditions`)."""
        facets_of = self.catalog.facets
        intent = INTENTS.get(it.intent)
        bonus = DISPUTED_BONUS if intent is not None and intent.prefers_disputed else 0.0
        scored = []
        for claim in claims:
            facets = facets_of[claim]
            words = self.claim_words.get(claim)
            points = score(facets, it, self.ontology, self.idf, words, conditions)
            if bonus and claim in self.catalog.disputed:
                points += bonus
            scored.append((-points, facets.slug, facets.start, claim))
        scored.sort()
        passages: set[tuple[str, int]] = set()
        best = []
        for points, source, start, claim in scored:
            if (source, start) not in passages:
                passages.add((source, start))
                best.append((points, claim))
        return [self.candidate(claim, -points) for points, claim in best[:RANKED]]

    def asked_conditions(self, it: Interpretation) -> frozenset[str]:
        """The conditions a question names or implies: its caveats (with their narrower and
        broader ones) and those its activities imply (a jog is a light run)."""
        asked = {str(i) for k in it.caveats for i in self.ontology.expand(URIRef(k))}
        asked |= {str(x) for k in it.caveats for x in self.ontology.ancestors(URIRef(k))}
        for activity in (*it.activities, *it.context_activities):
            asked |= {str(x) for x in self.ontology.graph.objects(URIRef(activity), IMPLIES)}
        return frozenset(asked)

    def candidate(self, claim: str, points: float) -> Candidate:
        f = self.catalog.facets[claim]
        return Candidate(
            claim=claim,
            kind=f.kind,
            slug=f.slug,
            title=f.title,
            short_title=self.short_titles.get(f.source, f.title),
            quote=f.quote,
            start=f.start,
            end=f.end,
            summary=f.summary,
            hedge=f.hedge,
            direction=f.direction,
            stance=f.stance,
            instead_of=f.instead_of,
            activities=f.activities,
            goals=f.goals,
            caveats=f.caveats,
            limits=f.limits,
            authority=f.authority,
            source_needed=f.source_needed,
            source_iri=f.source,
            score=points,
            reviewed=f.reviewed,
        )
