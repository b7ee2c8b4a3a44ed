"""Claim proposals for a new document (a minimal stand-in: the real proposer, built on the spaCy
matchers, replaces this module; callers depend only on `propose` and `Proposals`).

One `fact` claim per sentence that names an activity or goal of the ontology by one of its
labels: the sentence is the exact quote, the concepts it names are the claim's activities and
goals, status `proposed`, a low confidence. No direction, hedge or caveat is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kg.anchor import occurrences
from kg.ontology import Ontology

CONFIDENCE = 0.3
# the claims format needs a hedge; a flat statement is `certain`, and a reviewer corrects it
DEFAULT_HEDGE = "certain"
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_KINDS = {"activity": "activities", "goal": "goals"}


@dataclass(frozen=True)
class Proposals:
    """What a proposer found: claim mappings in the claims-file format, and new concepts."""

    claims: list[dict[str, Any]] = field(default_factory=list)
    concepts: list[dict[str, Any]] = field(default_factory=list)


def _label_pattern(ontology: Ontology) -> tuple[re.Pattern[str], dict[str, list[tuple[str, str]]]]:
    """One regex over every activity and goal label (longest first), and label -> concepts."""
    by_label: dict[str, list[tuple[str, str]]] = {}
    for kind in _KINDS:
        for concept in ontology.of_kind(kind):
            for label in {concept.pref_label, *concept.alt_labels}:
                by_label.setdefault(label.lower(), []).append((kind, concept.slug))
    alternatives = "|".join(re.escape(label) for label in sorted(by_label, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE), by_label


def _sentences(text: str) -> list[tuple[int, str]]:
    """Each sentence (split at . ! ? and line ends) with its start offset, stripped."""
    found = []
    for match in _SENTENCE.finditer(text):
        raw = match.group()
        sentence = raw.strip()
        if sentence:
            found.append((match.start() + raw.index(sentence), sentence))
    return found


def propose(text: str, ontology: Ontology) -> Proposals:
    """Propose one fact claim per sentence that names an activity or goal of the ontology."""
    pattern, by_label = _label_pattern(ontology)
    claims: list[dict[str, Any]] = []
    for start, sentence in _sentences(text):
        named: dict[str, list[str]] = {"activities": [], "goals": []}
        for match in pattern.finditer(sentence):
            for kind, slug in by_label[match.group().lower()]:
                if slug not in named[_KINDS[kind]]:
                    named[_KINDS[kind]].append(slug)
        if not named["activities"] and not named["goals"]:
            continue
        claim: dict[str, Any] = {
            "id": f"proposed-{len(claims) + 1:03d}",
            "kind": "fact",
            "quote": sentence,
            "summary": sentence,
            **{key: slugs for key, slugs in named.items() if slugs},
            "hedge": DEFAULT_HEDGE,
            "status": "proposed",
            "confidence": CONFIDENCE,
        }
        starts = occurrences(text, sentence)
        if len(starts) > 1:
            claim["occurrence"] = starts.index(start) + 1
        claims.append(claim)
    return Proposals(claims=claims)
