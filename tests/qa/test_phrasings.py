"""Questions in many phrasings (tests/qa/data/phrasings.yaml) read by the real matcher.

Each phrasing states the interpretation facts it must yield: intent, the sources it restricts
itself to, whether it is out of scope or not in English, and concepts present or absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from qa.engine import Engine
from qa.interpret import Interpretation

PHRASINGS = Path(__file__).parent / "data" / "phrasings.yaml"


def _phrasings() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = yaml.safe_load(PHRASINGS.read_text(encoding="utf-8"))
    return items


def _slugs(iris: tuple[str, ...]) -> set[str]:
    return {iri.rstrip("/").rsplit("/", 1)[-1] for iri in iris}


def unmet(it: Interpretation, expect: dict[str, Any]) -> list[str]:
    """The expected facts the interpretation does not have, in words."""
    found = {
        "intent": it.intent,
        "sources": sorted(_slugs(it.sources)),
        "out_of_scope": it.intent == "out_of_scope",
        "english": getattr(it, "language", "en") == "en",
        "activities": _slugs(it.activities + it.context_activities),
        "goals": _slugs(it.goals),
        "caveats": _slugs(it.caveats),
    }
    wrong = []
    for fact, wanted in expect.items():
        if fact == "intent":
            ok = found["intent"] in (wanted if isinstance(wanted, list) else [wanted])
        elif fact in ("sources", "out_of_scope", "english"):
            ok = found[fact] == (sorted(wanted) if fact == "sources" else wanted)
        elif fact.startswith("no_"):
            ok = not set(wanted) & found[fact.removeprefix("no_")]
        else:
            ok = set(wanted) <= found[fact]
        if not ok:
            wrong.append(f"{fact}: expected {wanted}, found {found[fact.removeprefix('no_')]}")
    return wrong


def _cases() -> list[Any]:
    return [
        pytest.param(
            item,
            id=item["q"][:60],
            marks=[pytest.mark.xfail(reason=item["gap"], strict=True)] if "gap" in item else [],
        )
        for item in _phrasings()
    ]


@pytest.mark.parametrize("item", _cases())
def test_phrasing_is_read_as_meant(engine: Engine, item: dict[str, Any]) -> None:
    wrong = unmet(engine.interpret(item["q"]), item["expect"])
    assert not wrong, f"{item['q']!r}: " + "; ".join(wrong)


def test_a_question_not_in_english_is_told_only_english_is_understood(engine: Engine) -> None:
    answer = engine.ask("¿Es malo correr después del día de piernas?").to_json()
    assert answer["status"] == "no_answer" and not answer["citations"]
    assert answer["summary"] == "Only English questions are understood."
    assert answer["interpretation"]["language"] == "es"


def test_a_chat_spelling_is_read_as_the_word_it_stands_for(engine: Engine) -> None:
    typed = engine.interpret("shud i wait b4 i go for a run after squats")
    spelt = engine.interpret("should i wait before i go for a run after squats")
    assert typed.key() == spelt.key()
