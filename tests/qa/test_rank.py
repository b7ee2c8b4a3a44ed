"""Ranking on the real catalogue: every claim scored at once (qa.score_table), best first, one per
passage, ties by source, passage and claim; a claim scores the same whatever else is ranked."""

from __future__ import annotations

import random

import pytest

from qa.engine import Engine
from qa.rank import Candidate
from qa.score_table import ROWS_KEPT, PendingTable

QUESTIONS = (
    "Does running after leg day help recovery?",
    "what does the evidence say about the interference effect?",
    "is walking better than running after squats?",
    "what do the sources agree on?",
)


def _ranked(engine: Engine, question: str, claims: frozenset[str]) -> list[Candidate]:
    it = engine.interpret(question)
    return engine.ranker.rank(it, claims, engine.ranker.asked_conditions(it))


@pytest.mark.parametrize("share", [0.0, 0.1, 0.5, 0.6, 1.0])
def test_rows_of_any_share_of_the_claims_are_theirs_ascending(engine: Engine, share: float) -> None:
    table = engine.ranker.table
    claims = sorted(table.all)
    some = frozenset(random.Random(7).sample(claims, round(len(claims) * share)))
    assert table.rows(some).tolist() == sorted(table.row[c] for c in some)
    assert [table.claims[r] for r in table.rows(some)] == [c for c in table.claims if c in some]


def test_a_set_of_claims_keeps_its_rows_read_only_and_a_list_is_looked_up(engine: Engine) -> None:
    """A frozenset's rows are kept (a selector returns one set for many questions): asked again,
    even as an equal set made anew, the same array, which nothing can change; the same claims as
    a list are looked up afresh, with the same rows."""
    table = engine.ranker.table
    some = frozenset(sorted(table.all)[::3])
    kept = table.rows(some)
    assert table.rows(frozenset(sorted(some))) is kept
    assert not kept.flags.writeable
    fresh = table.rows(sorted(some))
    assert fresh is not kept and fresh.tolist() == kept.tolist()
    for n in range(ROWS_KEPT + 1):  # the least recently used go first
        table.rows(frozenset(sorted(table.all)[n : n + 2]))
    assert table.rows(some) is not kept


@pytest.mark.parametrize("question", QUESTIONS)
def test_best_first_one_per_passage_ties_in_passage_order(engine: Engine, question: str) -> None:
    ranked = _ranked(engine, question, engine.ranker.table.all)
    assert ranked
    passages = [(c.slug, c.start) for c in ranked]
    assert len(set(passages)) == len(passages)
    keys = [(-c.score, c.slug, c.start, c.claim) for c in ranked]
    assert keys == sorted(keys)


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_claim_scores_the_same_among_few_or_many(engine: Engine, question: str) -> None:
    everything = engine.ranker.table.all
    few = frozenset(random.Random(3).sample(sorted(everything), len(everything) // 5))
    many = everything - frozenset(random.Random(4).sample(sorted(everything), 5))
    scores = {c.claim: c.score for c in _ranked(engine, question, everything)}
    for subset in (few, many):
        ranked = _ranked(engine, question, subset)
        assert ranked and {c.claim for c in ranked} <= subset
        for c in ranked:
            assert scores.get(c.claim, c.score) == c.score


def test_a_table_that_fails_to_build_raises_where_it_is_asked_for(engine: Engine) -> None:
    pending = PendingTable({"claim": "not facets"}, {}, engine.ontology)
    with pytest.raises(AttributeError):
        pending.get()
    assert PendingTable(engine.catalog.facets, {}, engine.ontology).get().size == len(
        engine.catalog.facets
    )
