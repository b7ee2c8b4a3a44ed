"""Summaries on the real graph: the bottom line first, no figure the quotes lack, plain words."""

from __future__ import annotations

from itertools import product

import pytest

from bench.run import questions
from qa.engine import Engine
from qa.summary import numbers

TEMPLATES = (
    "Does {activity} after leg day help {goal}?",
    "what do the articles say about {activity} and {goal}",
    "how much {goal} do I get from {activity} after leg day",
    "is {activity} after leg day bad for {goal}?",
)
RDF_WORDS = ("->", "http", "kgqa:", "kc:", "Claim", "goal:")


def many_questions(engine: Engine) -> list[str]:
    """The benchmark's questions, and every template over the ontology's activities and goals."""
    labels = {
        kind: [c.pref_label for c in engine.ontology.concepts.values() if c.kind == kind]
        for kind in ("activity", "goal")
    }
    asked = list(questions())
    for template, activity, goal in product(TEMPLATES, labels["activity"], labels["goal"]):
        asked.append(template.format(activity=activity.lower(), goal=goal.lower()))
    return asked[::7]  # every seventh: still several hundred, across all of them


@pytest.fixture(scope="module")
def answers(engine: Engine) -> list[dict[str, object]]:
    return [engine.ask(q).to_json() for q in many_questions(engine)]


def test_every_number_in_a_summary_is_in_a_cited_quote(answers: list[dict]) -> None:
    checked = 0
    for answer in answers:
        quoted = set().union(*(numbers(c["quote"]) for c in answer["citations"]))
        missing = numbers(answer["summary"]) - quoted
        assert not missing, (answer["question"], answer["summary"], missing)
        checked += bool(numbers(answer["summary"]))
    assert checked >= 5  # figures do reach summaries


def test_the_summary_opens_with_its_bottom_line(answers: list[dict]) -> None:
    answered = [a for a in answers if a["status"] == "answered"]
    assert len(answered) > 100
    for answer in answered:
        assert answer["bottom_line"]
        assert answer["summary"].startswith(answer["bottom_line"])
        assert 1 <= answer["summary"].count(". ") + 1 <= 8  # 1-4 sentences, titles end in "?"


def test_summaries_speak_plain_english(answers: list[dict]) -> None:
    for answer in answers:
        for word in RDF_WORDS:
            assert word not in answer["summary"], (answer["question"], answer["summary"])


def test_a_single_answer_cites_three_to_five_distinct_passages(answers: list[dict]) -> None:
    singles = [
        a
        for a in answers
        if a["status"] == "answered"
        and a["interpretation"]["intent"] in ("effect", "recommendation")
    ]
    assert len(singles) > 50
    for answer in singles:
        quotes = [c["quote"] for c in answer["citations"]]
        assert len(quotes) <= 5, answer["question"]
        assert len(set(quotes)) == len(quotes), answer["question"]


def test_each_source_verdict_names_its_position(engine: Engine) -> None:
    answer = engine.ask("does running after leg day kill my gains?").to_json()
    verdicts = {v["source"]: v for v in answer["verdicts"]}
    assert set(verdicts) == {"000", "001"}
    assert verdicts["001"]["verdict"] == "does not harm muscle retention"
    assert verdicts["001"]["position"] == "for"
    assert answer["bottom_line"].startswith("The articles disagree:")


def test_a_figure_the_quotes_lack_is_said_to_be_missing(engine: Engine) -> None:
    answer = engine.ask("how far should I walk after leg day?").to_json()
    assert answer["interpretation"]["intent"] == "quantity"
    assert answer["bottom_line"] == "The articles give no figure for this."


@pytest.mark.parametrize(
    ("question", "wrong"),
    [
        # a source that advises running is not said to advise the other activity asked about
        ("walking or running after leg day?", "Should I Run After Leg Day? advises walking"),
        ("yoga or running after leg day?", "Should I Run After Leg Day? advises yoga"),
        # nor a context the question names as an activity, when the claim is on a broader one
        ("would you recommend a jog the day I train legs?", "advises leg day"),
    ],
)
def test_a_verdict_names_what_its_claim_speaks_of(
    engine: Engine, question: str, wrong: str
) -> None:
    answer = engine.ask(question).to_json()
    assert wrong not in answer["summary"]
    assert not answer["bottom_line"].startswith("The articles agree")


def test_a_source_s_verdict_on_whether_to_do_it_is_its_most_general_advice(
    engine: Engine,
) -> None:
    """ "Absolutely, running after leg day is beneficial" rather than advice for the sake of a
    goal ("combining strong legs, faster recovery ... a strategy every athlete should embrace")."""
    answer = engine.ask("is cardio after squats a good idea?").to_json()
    verdicts = {v["source"]: v["claim"].rsplit("/", 1)[-1] for v in answer["verdicts"]}
    assert verdicts == {
        "000": "concl-running-not-best-choice",
        "001": "intro-absolutely-beneficial",
    }


@pytest.mark.parametrize(
    ("question", "joined"),
    [
        ("do the two articles disagree on recovery?", " versus "),  # a moderate pace, a hard run
        ("is it smart to do cardio on leg day", " or "),  # a hard run, fresh legs
    ],
)
def test_what_may_reconcile_the_sides_is_said_in_plain_words(
    engine: Engine, question: str, joined: str
) -> None:
    """Two opposed conditions are set against each other ("a hard run versus an easy run"); two
    that do not oppose, never."""
    summary = engine.ask(question).summary
    reconcile = next(s for s in summary.split(". ") if "come down to" in s)
    assert joined in reconcile
    assert ("versus" in reconcile) == (joined == " versus ")
