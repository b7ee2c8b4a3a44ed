"""Citation selection on the real catalogue: which pair stands for a disagreement."""

from __future__ import annotations

from kg.vocab import CLAIM
from qa.engine import Engine


def test_a_source_s_own_advice_stands_for_its_contradiction_before_an_alternative(
    engine: Engine,
) -> None:
    """Ranked first, an alternative the source offers ("an ice bath is a fantastic substitute")
    still yields to its own advice ("a piece of advice, not a mandate") as the other side of
    "running after leg day is beneficial"."""
    claims = [
        str(CLAIM[f"001/{slug}"])
        for slug in (
            "alt-cold-plunge-substitute",
            "intro-absolutely-beneficial",
            "faq-advice-not-mandate",
        )
    ]
    rank = {claim: i for i, claim in enumerate(claims)}
    rows = [row for row in engine.catalog.among(set(rank)) if row.within_source]
    assert rows
    pair = engine.selector._opposed_pair(rows[0], rank)
    assert pair is not None
    assert {engine.catalog.facets[c].kind for c in pair} == {"Recommendation"}
