"""Citation selection on the real catalogue: which pair stands for a disagreement, which
disagreements and sides an answer cites."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from kg.vocab import CLAIM
from qa.engine import Engine
from qa.intents import intent
from qa.select import Selection


def slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


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


def selection(engine: Engine, question: str) -> Selection:
    """What the engine cites for a question, with the disagreements among the citations."""
    it = engine.interpret(question)
    conditions = engine.ranker.asked_conditions(it)
    found = intent(Engine._plan(it)[0]).claims(engine.index, it)
    ranked = engine.ranker.rank(it, found, conditions)
    return engine.selector.select(it, ranked, conditions)


def goals_of(engine: Engine, claims: Iterable[str]) -> set[str]:
    return {slug(g) for c in claims for g in engine.catalog.facets[c].goals}


def test_a_reason_or_a_purpose_limits_nothing(engine: Engine) -> None:
    """ "Might not be the best choice due to its intensity" gives a reason, not a condition: it is
    Debunking's general advice, cited when asked whether to run at all."""
    facets = engine.catalog.facets
    because = facets[str(CLAIM["000/concl-running-not-best-choice"])]
    only_if = facets[str(CLAIM["000/tip-not-high-intensity-runs"])]
    assert because.caveats and not because.limits
    assert {slug(c) for c in only_if.limits} >= {"high-intensity"}
    for question in (
        "is a run after leg day a good idea",
        "should I hit the treadmill after squats",
    ):
        quotes = [c.quote for c in selection(engine, question).citations]
        assert "it might not be the best choice due to its intensity" in quotes, question


@pytest.mark.parametrize(
    "question", ["is cardio after squats a good idea?", "would you recommend a jog after legs?"]
)
def test_asked_whether_to_do_it_the_dispute_on_that_comes_first(
    engine: Engine, question: str
) -> None:
    disagreements = selection(engine, question).disagreements
    assert disagreements
    assert all(engine.catalog.row(d.id).goal is None for d in disagreements)  # type: ignore[union-attr]


def test_a_dispute_within_a_source_on_another_question_is_left_out(engine: Engine) -> None:
    """Asked about recovery, a source's doubt on whether to run at all is not cited."""
    found = selection(engine, "do the two articles disagree on recovery?")
    assert any(not d.within_source for d in found.disagreements)
    for d in found.disagreements:
        row = engine.catalog.row(d.id)
        assert row is not None and row.goal is not None and slug(row.goal) == "recovery"


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("yoga or running after leg day?", ("yoga", "running")),
        ("is swimming after leg day better than a run?", ("swimming", "running")),
    ],
)
def test_each_activity_of_a_choice_is_cited(
    engine: Engine, question: str, asked: tuple[str, ...]
) -> None:
    cited = [{slug(a) for a in c.activities} for c in selection(engine, question).citations]
    for activity in asked:
        assert any(activity in found for found in cited), activity


def test_an_option_several_sources_name_cites_each(engine: Engine) -> None:
    """Both articles warn of injury: a list of drawbacks cites a passage of each."""
    found = selection(engine, "what are the downsides of a run after leg day")
    on_injury = {
        c.slug for c in found.citations if "injury-prevention" in goals_of(engine, [c.claim])
    }
    assert on_injury == {"000", "001"}


@pytest.mark.parametrize(
    "question",
    ["do the two articles disagree on recovery?", "is running after leg day bad for recovery?"],
)
def test_a_side_s_second_citation_shows_where_the_dispute_may_dissolve(
    engine: Engine, question: str
) -> None:
    """Debunking's side on recovery is cited twice: its most general passage, then one that holds
    only for a hard run (what may reconcile it with "running speeds recovery"), whose condition
    the disagreement then names."""
    found = selection(engine, question)
    cross = next(d for d in found.disagreements if not d.within_source)
    row = engine.catalog.row(cross.id)
    assert row is not None
    facets = engine.catalog.facets
    conditional = [
        c.claim
        for c in found.citations
        if c.claim in row.side_of and not facets[c.claim].limits.isdisjoint(row.caveats)
    ]
    assert conditional
    named = {x for c in conditional for x in facets[c].limits & set(row.caveats)}
    assert named <= set(cross.reconciling_caveats)
