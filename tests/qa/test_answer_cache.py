"""The answer cache: keyed by what a question asks and by the build, never changing an answer."""

from __future__ import annotations

from pathlib import Path

from kg.build import build
from kg.resources import bundled_corpus
from kg.store import open_store
from qa.engine import Engine

QUESTIONS = [
    "does running after leg day kill my gains?",
    "Does running after leg day kill my gains",  # same question, other wording
    "what should I do instead of running on leg day?",
    "how long should I wait after squats before a run?",
    "what do the sources disagree about?",
    "what is the capital of France?",  # no answer
]


def test_cached_answers_equal_fresh_ones(engine: Engine) -> None:
    for question in QUESTIONS:
        fresh = engine.ask(question, cached=False).to_json()
        first = engine.ask(question).to_json()
        again = engine.ask(question).to_json()
        assert first == fresh == again, question


def test_two_wordings_share_an_answer_but_keep_their_own_question(engine: Engine) -> None:
    hits = engine.cache_hits
    a = engine.ask(QUESTIONS[0]).to_json()
    b = engine.ask(QUESTIONS[1]).to_json()
    assert engine.cache_hits >= hits + 1
    assert b["question"] == QUESTIONS[1]
    assert {**a, "question": None} == {**b, "question": None}


def test_a_new_build_is_a_cache_miss(tmp_path: Path) -> None:
    """The key holds the build id: an engine over a new build never serves an old answer."""
    build(bundled_corpus(), tmp_path)
    first = Engine(open_store(tmp_path))
    first.ask(QUESTIONS[0])
    build(bundled_corpus(), tmp_path)
    second = Engine(open_store(tmp_path))
    assert second.store.build_id != first.store.build_id
    hits = second.cache_hits
    assert second.ask(QUESTIONS[0]).to_json() == first.ask(QUESTIONS[0]).to_json()
    assert second.cache_hits == hits
