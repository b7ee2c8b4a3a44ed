"""Rank the claims a query returned: concept overlap first, then intent fit, polarity and wording."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef

from kg.ontology import Ontology
from qa.interpret import Interpretation

WORD = re.compile(r"[a-z0-9]+")
KIND_FOR_INTENT = {
    "recommendation": "Recommendation",
    "alternatives": "AlternativeClaim",
    "quantity": "QuantityClaim",
    "mechanism": "FactClaim",
    "effect": "EffectClaim",
    "benefits": "EffectClaim",
    "drawbacks": "EffectClaim",
}
WEIGHTS = {
    "activity": 4.0,
    "goal": 3.0,
    "caveat": 2.0,
    "context": 1.0,
    "kind": 1.5,
    "polarity": 1.0,
    "words": 4.0,
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
    authority: str | None
    source_needed: bool
    source_iri: str = ""
    score: float = 0.0


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
        elif have & {str(i) for i in ontology.expand(URIRef(key))}:
            hits += 0.75
    return hits / len(asked)


def score(candidate: Candidate, it: Interpretation, ontology: Ontology) -> float:
    """How well a claim answers the interpretation; higher is better."""
    total = WEIGHTS["activity"] * _overlap(it.activities, candidate.activities, ontology)
    total += WEIGHTS["goal"] * _overlap(it.goals, candidate.goals, ontology)
    total += WEIGHTS["caveat"] * _overlap(it.caveats, candidate.caveats, ontology)
    total += WEIGHTS["context"] * _overlap(it.context_activities, candidate.activities, ontology)
    if KIND_FOR_INTENT.get(it.intent) == candidate.kind:
        total += WEIGHTS["kind"]
    if it.polarity and candidate.direction and candidate.direction.endswith("/" + it.polarity):
        total += WEIGHTS["polarity"]
    if it.terms:
        text = words(candidate.quote) | words(candidate.summary)
        total += WEIGHTS["words"] * len(text & set(it.terms)) / len(it.terms)
    return round(total, 4)
