"""Answers: the citations chosen, the disagreements among them, a plain-text summary, the JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.positions import DIRECT, dissolves
from qa.interpret import Interpretation
from qa.rank import Candidate


@dataclass(frozen=True)
class Disagreement:
    """A disputed question among the cited claims: the best-ranked opposed pair, then the first
    cited claim on a side of each other cited source."""

    topic: str
    claims: tuple[str, ...]
    within_source: bool
    reconciling_caveats: tuple[str, ...] = ()
    type: str = DIRECT  # a kc: disagreement type's slug
    type_label: str = "direct conflict"
    id: str = ""  # the disagreement's IRI

    @property
    def dissolves(self) -> bool:
        return dissolves(self.type)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "topic": self.topic,
            "type": self.type,
            "type_label": self.type_label,
            "claims": list(self.claims),
            "within_source": self.within_source,
            "reconciling_caveats": list(self.reconciling_caveats),
        }


@dataclass(frozen=True)
class Verdict:
    """One source's bottom line on the question: how it answers, how firmly, about which goal."""

    slug: str
    short_title: str
    position: str  # for | against | depends | mixed | none (what it means for the asker)
    chip: str  # plain words: "may harm muscle mass", "advises against it"
    goal: str  # the goal's plain label, "" when the question is whether to do it at all
    claim: str  # the cited claim it rests on

    def to_json(self) -> dict[str, str]:
        return {
            "source": self.slug,
            "short_title": self.short_title,
            "position": self.position,
            "verdict": self.chip,
            "goal": self.goal,
            "claim": self.claim,
        }


@dataclass(frozen=True)
class Side:
    """Citations that take one side (or, in a list, stand for one option), in the order shown."""

    label: str  # plain words: "Says it may harm muscle mass"
    position: str  # as Verdict.position
    claims: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "position": self.position, "claims": list(self.claims)}


@dataclass(frozen=True)
class Answer:
    """One question's answer; the CLI, the JSON API and the web pages all render this."""

    interpretation: Interpretation
    status: str  # answered | no_answer
    summary: str
    sparql: str
    citations: tuple[Candidate, ...] = ()  # in the order shown, numbered from 1
    disagreements: tuple[Disagreement, ...] = ()
    verdicts: tuple[Verdict, ...] = ()
    sides: tuple[Side, ...] = ()
    bottom_line: str = ""  # the summary's first sentence
    method: str = "structured"  # structured | lexical | none
    labels: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def details(self) -> str:
        """The summary after its bottom line."""
        return self.summary.removeprefix(self.bottom_line).strip()

    def to_json(self) -> dict[str, Any]:
        """The object of the `kgqa ask --json` contract (DESIGN.md), plus a few extra fields."""
        it = self.interpretation
        return {
            "question": it.question,
            "status": self.status,
            "summary": self.summary,
            "interpretation": {
                "intent": it.intent,
                "activities": list(it.activities),
                "goals": list(it.goals),
                "caveats": list(it.caveats),
                "context_activities": list(it.context_activities),
                "sources": list(it.sources),
                "authorities": list(it.authorities),
                "polarity": it.polarity,
                "unknown_terms": list(it.unknown_terms),
                "language": it.language,
            },
            "sparql": self.sparql,
            "method": self.method,
            "citations": [_citation_json(c, self.labels) for c in self.citations],
            "disagreements": [d.to_json() for d in self.disagreements],
            "bottom_line": self.bottom_line,
            "verdicts": [v.to_json() for v in self.verdicts],
            "sides": [s.to_json() for s in self.sides],
        }


def _label(iri: str | None, labels: dict[str, str]) -> str | None:
    if iri is None:
        return None
    return labels.get(iri, iri.rsplit("/", 1)[-1])


def _citation_json(c: Candidate, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "claim": c.claim,
        "source": {"id": c.source_iri, "slug": c.slug, "title": c.title},
        "quote": c.quote,
        "start": c.start,
        "end": c.end,
        "kind": c.kind,
        "summary": c.summary,
        "hedge": _label(c.hedge, labels),
        "direction": _label(c.direction, labels),
        "stance": _label(c.stance, labels),
        "caveats": sorted(filter(None, (_label(x, labels) for x in c.caveats))),
        "attributed_to": c.authority,
        "source_needed": c.source_needed,
        "reviewed": c.reviewed,
        "score": c.score,
    }
