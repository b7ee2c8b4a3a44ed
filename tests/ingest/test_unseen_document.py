"""A document no one here has seen, end to end and unchanged: a coach's blog post of our own
(tests/data/coach_blog.txt, not a seed) ingested with the real proposer, every proposal accepted
in `kgqa review`, then asked about as a reader would."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from kg.store import open_store
from qa.engine import Engine
from tests.conftest import run_kgqa

BLOG = Path(__file__).resolve().parents[1] / "data" / "coach_blog.txt"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    data = tmp_path_factory.mktemp("unseen")
    document = data / "notes.txt"  # a plain file, as a reader would have it
    shutil.copyfile(BLOG, document)
    added = run_kgqa("ingest", str(document), data_dir=data, timeout=300)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith('added 002 "Coach Dana')
    proposed = int(added.stdout.split('": ')[1].split()[0])
    reviewed = run_kgqa("review", "002", data_dir=data, stdin="a\n" * proposed, timeout=300)
    assert reviewed.returncode == 0, reviewed.stderr
    assert f"{proposed} accepted" in reviewed.stdout
    return Engine(open_store(data))


def _from_blog(answer: dict[str, Any]) -> list[str]:
    return [c["quote"] for c in answer["citations"] if c["source"]["slug"] == "002"]


def test_a_question_the_blog_answers_cites_it(engine: Engine) -> None:
    answer = engine.ask("does running after leg day make you lose muscle?").to_json()
    assert answer["status"] == "answered"
    assert any("muscle loss" in q for q in _from_blog(answer))


def test_where_the_blog_disagrees_with_a_bundled_source_the_answer_says_so(
    engine: Engine,
) -> None:
    answer = engine.ask("does running after leg day make you lose muscle?").to_json()
    sources = {
        c["source"]["slug"]
        for d in answer["disagreements"]
        for c in answer["citations"]
        if c["claim"] in d["claims"]
    }
    assert "002" in sources and sources & {"000", "001"}
    assert "disagree" in answer["bottom_line"]


def test_a_concept_neither_seed_has_is_answered_from_the_blog(engine: Engine) -> None:
    it = engine.interpret("is cycling a good alternative to running after leg day?")
    assert "https://w3id.org/kgqa/concept/cycling" in it.activities
    answer = engine.ask("is cycling a good alternative to running after leg day?").to_json()
    assert any("cycling" in q.lower() for q in _from_blog(answer))
    assert {c["source"]["slug"] for c in answer["citations"]} >= {"002"}
