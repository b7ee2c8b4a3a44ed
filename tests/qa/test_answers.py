"""Answers on the real graph: each intent, the JSON contract, abstention, typos, hostile input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from qa.engine import Engine
from tests.conftest import Built, run_kgqa


def ask(engine: Engine, question: str) -> dict[str, Any]:
    answer: dict[str, Any] = engine.ask(question).to_json()
    return answer


def quotes(answer: dict[str, Any]) -> str:
    return " || ".join(c["quote"].lower() for c in answer["citations"])


def slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def test_contract_fields_and_types(engine: Engine, texts: dict[str, str]) -> None:
    answer = ask(engine, "Does running after leg day kill gains?")
    assert answer["question"] == "Does running after leg day kill gains?"
    assert answer["status"] == "answered"
    assert isinstance(answer["summary"], str) and 0 < answer["summary"].count(".") <= 8
    assert "<" not in answer["summary"] and "*" not in answer["summary"]
    interpretation = answer["interpretation"]
    assert interpretation["intent"] == "effect"
    assert all(
        isinstance(i, str) and i.startswith("https://") for i in interpretation["activities"]
    )
    assert [slug(g) for g in interpretation["goals"]] == ["muscle"]  # "gains": muscle mass
    assert answer["sparql"].lstrip().startswith("PREFIX")
    assert answer["citations"]
    for c in answer["citations"]:
        assert set(c) >= {"claim", "source", "quote", "start", "end"}
        assert set(c["source"]) >= {"id", "title"}
        assert isinstance(c["start"], int) and isinstance(c["end"], int)
        assert texts[c["source"]["slug"]][c["start"] : c["end"]] == c["quote"]
    cited = {c["claim"] for c in answer["citations"]}
    for d in answer["disagreements"]:
        assert isinstance(d["topic"], str) and len(d["claims"]) == 2
        assert set(d["claims"]) <= cited


def test_the_sparql_of_an_answer_runs_as_it_is(engine: Engine, built: Built) -> None:
    answer = ask(engine, "Is it okay to run with sore legs?")
    result = run_kgqa("sparql", "--format", "json", answer["sparql"], data_dir=built.data_dir)
    assert result.returncode == 0, result.stderr
    claims = {b["claim"]["value"] for b in json.loads(result.stdout)["results"]["bindings"]}
    assert {c["claim"] for c in answer["citations"]} <= claims


def test_effect_with_disagreement_cites_both_sides(engine: Engine) -> None:
    answer = ask(engine, "Does running after leg day help recovery?")
    assert answer["disagreements"]
    sides = {
        c["source"]["slug"]
        for c in answer["citations"]
        if c["claim"] in answer["disagreements"][0]["claims"]
    }
    assert sides == {"000", "001"}
    assert answer["summary"].startswith(answer["bottom_line"])
    assert answer["bottom_line"].startswith("The articles disagree:")
    verdicts = {v["source"]: v for v in answer["verdicts"]}
    assert {verdicts["001"]["position"], verdicts["000"]["position"]} <= {"for", "against", "mixed"}
    assert verdicts["001"]["verdict"] == "helps recovery"
    assert "harm recovery" in verdicts["000"]["verdict"]
    labels = [s["label"] for s in answer["sides"]]
    assert labels[:2] == ["Helps recovery", "Harms recovery"]
    shown = [c for s in answer["sides"] for c in s["claims"]]
    assert shown == [c["claim"] for c in answer["citations"]]  # numbered in the order shown


def test_agreement_reports_no_disagreement(engine: Engine) -> None:
    answer = ask(engine, "Does running after leg day burn more calories?")
    assert answer["disagreements"] == []
    assert {c["source"]["slug"] for c in answer["citations"]} == {"000", "001"}
    assert "calorie" in quotes(answer)


def test_recommendation_with_a_condition(engine: Engine) -> None:
    answer = ask(engine, "Is it okay to run with sore legs?")
    assert answer["interpretation"]["intent"] == "recommendation"
    assert [slug(c) for c in answer["interpretation"]["caveats"]] == ["sore-legs"]
    assert "running with sore legs is not recommended" in quotes(answer)


@pytest.mark.parametrize(
    "alternative",
    ["walking", "swimming", "yoga", "tai chi", "foam rolling", "massage gun", "ice bath"],
)
def test_alternatives_list_each_source_s_options(engine: Engine, alternative: str) -> None:
    answer = ask(engine, "what can i do instead of running after leg day")
    assert answer["interpretation"]["intent"] == "alternatives"
    assert alternative in quotes(answer)


def test_quantity(engine: Engine) -> None:
    answer = ask(engine, "How long does DOMS last after a leg workout?")
    assert answer["interpretation"]["intent"] == "quantity"
    assert "48 to 72 hours" in quotes(answer)


@pytest.mark.parametrize(
    "question",
    [
        "how long should I wait before going for a run after squats?",
        "how many hours should i wait after leg day before a jog",
    ],
)
def test_a_wait_before_an_activity_asks_for_the_recovery_time_not_its_length(
    engine: Engine, question: str
) -> None:
    answer = ask(engine, question)
    assert answer["interpretation"]["intent"] == "quantity"
    assert "48 to 72 hours" in answer["citations"][0]["quote"]
    assert "20 to 30 minutes" not in quotes(answer)  # how long a run lasts is not asked


def test_benefits_and_drawbacks_differ_in_direction(engine: Engine) -> None:
    benefits = ask(engine, "what are the pros of running after leg day")
    drawbacks = ask(engine, "what are the cons of running after leg day")
    assert {c["direction"] for c in benefits["citations"]} == {"improves"}
    assert {c["direction"] for c in drawbacks["citations"]} == {"impairs"}
    assert "45 minutes" in quotes(drawbacks) or "time investment" in quotes(drawbacks)


def test_named_source(engine: Engine) -> None:
    answer = ask(engine, "what does pulse atlas say about sore legs?")
    assert answer["interpretation"]["intent"] == "source"
    assert {c["source"]["slug"] for c in answer["citations"]} == {"001"}


def test_evidence_names_authorities_and_unsupported_claims(engine: Engine) -> None:
    answer = ask(engine, "which claims are unsupported or cite studies?")
    assert answer["interpretation"]["intent"] == "evidence"
    assert any(c["source_needed"] for c in answer["citations"])
    assert {c["attributed_to"] for c in answer["citations"]} >= {
        "American Council on Exercise",
        "National Strength and Conditioning Association",
        "Journal of Strength and Conditioning Research",
    }


def test_mechanism_cites_facts(engine: Engine) -> None:
    answer = ask(engine, "why do muscles grow after a workout?")
    assert answer["interpretation"]["intent"] == "mechanism"
    assert "micro-tears" in quotes(answer) or "myofibrils" in quotes(answer)
    assert {c["kind"] for c in answer["citations"]} == {"FactClaim"}


def test_disagreement_question_on_a_topic(engine: Engine) -> None:
    answer = ask(engine, "where do the articles contradict each other on muscle loss?")
    assert answer["interpretation"]["intent"] == "disagreement"
    assert answer["disagreements"]


def test_broader_concept_reaches_narrower_claims(engine: Engine) -> None:
    answer = ask(engine, "is cardio good for recovery after legs?")
    assert [slug(a) for a in answer["interpretation"]["activities"]] == ["cardio"]
    assert any(" run" in q or "running" in q or " jog" in q for q in quotes(answer).split(" || "))


@pytest.mark.parametrize(
    ("question", "activity", "goal"),
    [
        ("does runing after legs day kil my gainz", "running", "muscle"),
        ("wil a jog after squats ruin muh gains", "jogging", "muscle"),
        ("is swiming ok for recovry after leg day", "swimming", "recovery"),
    ],
)
def test_typos_and_slang_are_understood(
    engine: Engine, question: str, activity: str, goal: str
) -> None:
    interpretation = ask(engine, question)["interpretation"]
    assert activity in [slug(a) for a in interpretation["activities"]]
    assert goal in [slug(g) for g in interpretation["goals"]]


def test_common_words_are_not_read_as_typos(engine: Engine) -> None:
    interpretation = engine.interpret("will running help")
    assert interpretation.polarity == "improves"  # "will" is not "kill"


@pytest.mark.parametrize(
    "question",
    [
        "Is creatine safe?",
        "What is the capital of France?",
        "How do I change a car tyre?",
        "is pizza good after leg day",
    ],
)
def test_out_of_scope_questions_abstain(engine: Engine, question: str) -> None:
    answer = ask(engine, question)
    assert answer["status"] == "no_answer"
    assert answer["citations"] == [] and answer["disagreements"] == []
    assert "The corpus has nothing on this" in answer["summary"]
    assert "covers running after a leg-day workout" in answer["summary"]


@pytest.mark.parametrize("question", ["", "   \n\t "])
def test_empty_questions_are_refused(engine: Engine, question: str) -> None:
    with pytest.raises(InputError, match="the question is empty"):
        engine.ask(question)


def test_overlong_question_is_refused(engine: Engine) -> None:
    with pytest.raises(InputError, match="limit is 2000"):
        engine.ask("run " * 2500)


@pytest.mark.parametrize(
    "question",
    [
        "SELECT * WHERE { ?s ?p ?o } running",
        "<script>alert('x')</script> does running hurt recovery?",
        '" } ; DROP ALL ; { "',
        "🏃‍♂️ after 🦵 day? 💪",
        "¿Debo correr después del día de piernas?",
        "Нужно ли бегать после дня ног?",
        "running" * 200,
        "{{ }} %s %(x)s \\ \\n",
    ],
)
def test_hostile_questions_get_a_valid_answer(engine: Engine, question: str) -> None:
    answer = ask(engine, question)
    assert answer["status"] in ("answered", "no_answer")
    json.dumps(answer)
    assert "DROP" not in answer["sparql"] and "<script>" not in answer["sparql"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(min_size=1, max_size=300))
def test_any_text_gives_an_answer_or_an_input_error(engine: Engine, question: str) -> None:
    try:
        answer = engine.ask(question).to_json()
    except InputError:
        return
    assert answer["status"] in ("answered", "no_answer")
    if answer["status"] == "no_answer":
        assert answer["citations"] == []


def test_ask_json_prints_one_line_per_question_and_errors_inline(built: Built) -> None:
    result = run_kgqa(
        "ask",
        "--json",
        "Is yoga good after leg day?",
        "",
        "What is the boiling point of water?",
        data_dir=built.data_dir,
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["status"] for a in lines] == ["answered", "error", "no_answer"]
    assert lines[1]["error"] == "the question is empty"
    assert result.returncode == 2


def test_ask_prints_a_readable_answer(built: Built) -> None:
    result = run_kgqa("ask", "Is a cold plunge good after leg day?", data_dir=built.data_dir)
    assert result.returncode == 0, result.stderr
    assert "Citations" in result.stdout and "[1] Should I Run After Leg Day?" in result.stdout
    assert "\033[" not in result.stdout  # no colour when not on a terminal


def test_eval_prints_its_figures(built: Built, tmp_path: Any) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(
        '{"id":"a","q":"Is a cold plunge good after leg day?","groups":[["cold plunge","ice bath"]],"only":"001"}\n'
        '{"id":"b","q":"What is the best pizza topping?","abstain":true}\n'
        '{"id":"c","q":"Does running after leg day help recovery?","conflict":true}\n'
    )
    result = run_kgqa("eval", "--json", str(path), data_dir=built.data_dir)
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores == {
        "group_recall": 1.0,
        "conflict_right": 1.0,
        "abstain_right": 1.0,
        "quotes_exact": 1.0,
        "source_right": 1.0,
        "citations_mean": scores["citations_mean"],
        "duplicate_answers": 0,
        "misses": [],
    }
    assert 1 <= scores["citations_mean"] <= 5


def test_eval_rejects_a_malformed_file(built: Built, tmp_path: Any) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"q": "ok"}\nnot json\n')
    result = run_kgqa("eval", str(path), data_dir=built.data_dir)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"kgqa: error: {path}:2: not JSON")


@pytest.mark.parametrize(
    ("question", "source"),
    [
        ("does Debunking the Myth contradict itself?", "000"),
        ("Is the Should I Run After Leg Day article inconsistent?", "001"),
    ],
)
def test_a_source_that_differs_from_itself(engine: Engine, question: str, source: str) -> None:
    answer = ask(engine, question)
    assert answer["interpretation"]["intent"] == "disagreement"
    assert {c["source"]["slug"] for c in answer["citations"]} == {source}
    assert "differs from itself" in answer["bottom_line"]
