"""Proposal quality against hand-made claims (`kgqa eval-proposals`).

A document is proposed for as if new, then compared with its claims file by passage: recall is
the share of gold claims whose quote's span overlaps a proposal's, precision the share of
proposals that overlap a gold claim's. Each gold claim is paired with the overlapping proposal
that shares the most with it (span overlap, then kind, activities and goals; never its direction
or hedge); on those pairs, direction agreement compares effect directions and stances on one
scale (for, against, no effect, it depends) and hedge agreement compares hedges.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.propose import Proposer
from kg.anchor import anchor_quote
from kg.claims import ClaimSpec, read_claims_file
from kg.ontology import load_ontology

# an effect's direction and a recommendation's stance on one scale
POSITION = {
    "improves": "for",
    "recommended": "for",
    "optional": "for",
    "impairs": "against",
    "discouraged": "against",
    "no-effect": "neutral",
    "depends": "depends",
    "conditional": "depends",
}


@dataclass(frozen=True)
class Scores:
    """One document's figures."""

    name: str
    gold: int
    proposed: int
    recall: float
    precision: float
    direction: float  # agreement on matched pairs that both have a direction or stance
    hedge: float
    pairs: int

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _span(text: str, quote: str, occurrence: int | None) -> tuple[int, int]:
    anchor = anchor_quote(text, quote, occurrence)
    return anchor.start, anchor.end


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _position(kind: str, direction: str | None, stance: str | None) -> str | None:
    value = stance if kind == "recommendation" else direction
    return POSITION.get(value) if value else None


def _share(gold: ClaimSpec, proposal: dict[str, Any]) -> int:
    return int(
        (gold.kind == proposal["kind"])
        + len(set(gold.activities) & set(proposal.get("activities", [])))
        + len(set(gold.goals) & set(proposal.get("goals", [])))
    )


def score(
    name: str, text: str, gold: tuple[ClaimSpec, ...], proposals: list[dict[str, Any]]
) -> Scores:
    """Compare proposals with gold claims on one document."""
    gold_spans = [_span(text, g.quote, g.occurrence) for g in gold]
    spans = [_span(text, p["quote"], p.get("occurrence")) for p in proposals]
    found = [any(_overlap(g, s) for s in spans) for g in gold_spans]
    hits = [any(_overlap(s, g) for g in gold_spans) for s in spans]
    agree_direction = agree_hedge = pairs = positioned = 0
    for claim, gspan in zip(gold, gold_spans, strict=True):
        near = [(p, s) for p, s in zip(proposals, spans, strict=True) if _overlap(gspan, s)]
        if not near:
            continue
        best, _ = max(near, key=lambda ps: (_overlap(gspan, ps[1]) > 0, _share(claim, ps[0])))
        pairs += 1
        agree_hedge += best["hedge"] == claim.hedge
        wanted = _position(claim.kind, claim.direction, claim.stance)
        got = _position(best["kind"], best.get("direction"), best.get("stance"))
        if wanted is not None and got is not None:
            positioned += 1
            agree_direction += wanted == got
    return Scores(
        name=name,
        gold=len(gold),
        proposed=len(proposals),
        recall=round(sum(found) / len(gold), 3) if gold else 0.0,
        precision=round(sum(hits) / len(spans), 3) if spans else 0.0,
        direction=round(agree_direction / positioned, 3) if positioned else 0.0,
        hedge=round(agree_hedge / pairs, 3) if pairs else 0.0,
        pairs=pairs,
    )


def evaluate_files(pairs: list[tuple[Path, Path]], proposer: Proposer) -> list[Scores]:
    """Score each (document, claims file) pair, the document proposed for as if new."""
    results = []
    for document, claims_file in pairs:
        beside = claims_file.with_name(claims_file.name.replace(".claims.yaml", ".concepts.ttl"))
        extra = [beside] if beside.is_file() else []  # the gold's own new concepts
        ontology = load_ontology(extra=extra) if extra else proposer.ontology
        spec = read_claims_file(claims_file, ontology)
        text = document.read_text(encoding="utf-8")
        proposals = proposer.propose(text).claims
        results.append(score(document.name, text, spec.claims, proposals))
    return results
