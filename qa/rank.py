"""Rank the claims a selector found: concept overlap first, then intent fit, polarity and wording."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from rdflib import URIRef
from spacy.language import Language

from kg.ontology import Ontology
from kg.vocab import KGQA
from qa.catalog import Catalog, Facets
from qa.intents import INTENTS
from qa.interpret import Interpretation
from qa.nlp import RARITY_COMPONENT
from qa.score_table import Column, PendingTable, ScoreTable

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


@dataclass(eq=False, slots=True)
class Candidate:
    """One claim returned by the query, with what ranking and citing need; an answer ranks a claim
    once, so a candidate is its claim (equal and hashed by it: selection compares hundreds). Not
    frozen: a ranking makes hundreds, and a frozen dataclass sets each field the slow way; nothing
    changes one once made."""

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

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Candidate) and other.claim == self.claim

    def __hash__(self) -> int:
        return hash(self.claim)


def _overlap(table: ScoreTable, field: str, asked: tuple[str, ...], ontology: Ontology) -> Column:
    """Per claim, the share of asked concepts it speaks of (exactly, or through a narrower or
    broader one: 0.75)."""
    hits = table.zeros()
    for key in asked:
        hit = table.zeros()
        hit[table.having(field, ontology.expanded_iris(key))] = 0.75
        hit[table.having(field, (key,))] = 1.0
        hits += hit
    return hits / len(asked) if asked else hits


def structure(
    table: ScoreTable, it: Interpretation, ontology: Ontology, asked_conditions: frozenset[str]
) -> Column:
    """How well each claim's facets answer the interpretation: concepts, kind, direction, hedge
    (its words add `wording`). A claim that holds only under a condition (or for an audience)
    the question does not name (`asked_conditions`: the asked caveats, expanded, and those its
    activities imply) yields to one that holds without it; a reason or a purpose it gives limits
    nothing. A claim on one asked goal beats a catch-all (focus)."""
    total = WEIGHTS["activity"] * _overlap(table, "activities", it.activities, ontology)
    total += WEIGHTS["goal"] * _overlap(table, "goals", it.goals, ontology)
    total += WEIGHTS["caveat"] * _overlap(table, "caveats", it.caveats, ontology)
    total += WEIGHTS["context"] * _overlap(table, "activities", it.context_activities, ontology)
    intent = INTENTS.get(it.intent)
    if intent is not None:
        total[table.having("kinds", intent.kinds)] += WEIGHTS["kind"]
    if it.polarity:
        polar = [d for d in table.directions if d.endswith("/" + it.polarity)]
        total[table.having("directions", polar)] += WEIGHTS["polarity"]
    focus = table.zeros()
    if it.goals:
        np.divide(
            table.counted("goals", it.goals), table.goal_count, focus, where=table.goal_count > 0
        )
    total += WEIGHTS["focus"] * focus
    unasked = table.limit_count - table.counted("limits", asked_conditions)
    total += WEIGHTS["unasked"] * np.minimum(unasked, 2.0)
    total += WEIGHTS["firmness"] * table.firmness
    return total


def wording(table: ScoreTable, it: Interpretation, idf: dict[str, float]) -> Column:
    """How well each claim's words answer the question: the share of the question's words it has,
    each weighed by its rarity across the corpus's claims (idf), so "leg" and "day", which every
    claim shares, weigh little against "sore" or "calories"."""
    hit = table.zeros()
    if not it.terms:
        return hit
    asked = sum(idf.get(t, 1.0) for t in it.terms)
    for term in it.terms:
        hit[table.having("words", (term,))] += idf.get(term, 1.0)
    return WEIGHTS["words"] * hit / asked if asked else table.zeros()


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
        self._table = PendingTable(catalog.facets, claim_words, ontology, catalog.disputed)

    @property
    def table(self) -> ScoreTable:
        """Every claim as a row (qa.score_table), built in a thread since the engine started: a
        question asked before it is ready waits for it."""
        return self._table.get()

    def rank(
        self, it: Interpretation, claims: Collection[str], conditions: frozenset[str]
    ) -> list[Candidate]:
        """The claims, scored and best first (ties by source, passage and claim); of claims on
        one passage only the best-scored. `conditions`: those the question names or implies
        (`asked_conditions`)."""
        table = self.table
        points = np.round(
            structure(table, it, self.ontology, conditions) + wording(table, it, self.idf), 4
        )
        intent = INTENTS.get(it.intent)
        if intent is not None and intent.prefers_disputed:
            points[table.disputed] += DISPUTED_BONUS
        rows = table.rows(claims)
        ordered = rows[np.argsort(-points[rows], kind="stable")]
        _, first = np.unique(table.passage[ordered], return_index=True)
        best = ordered[np.sort(first)[:RANKED]]
        return [self.candidate(table.claims[row], float(points[row])) for row in best]

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
