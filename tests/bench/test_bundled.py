"""`kgqa bench --bundled`: ask latency on the bundled corpus, warm per question and cold start."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_kgqa

KEYS = {
    "triples", "questions", "rounds", "engine_start_s", "warm_p50_ms", "warm_p95_ms",
    "worst_question_p95_ms", "per_question", "cold_first_answer_s_median",
    "cold_first_answer_s_min", "cold_runs", "engine_start_afresh_s", "engine_start_runs_s",
    "cold_end_s_median", "floor_first_line_s_median", "floor_end_s_median", "cold_over_floor_s",
}  # fmt: skip


def test_bundled_bench_reports_warm_and_cold_latency(tmp_path: Path) -> None:
    questions = tmp_path / "questions.jsonl"
    asked = ["does running after leg day kill my gains?", "is it ok to jog after squats?"]
    questions.write_text(
        json.dumps({"question": asked[0]}) + "\n\n" + json.dumps({"q": asked[1]}) + "\n",
        encoding="utf-8",
    )
    work = tmp_path / "work"
    done = run_kgqa(
        *("bench", "--bundled", "--quick", "--json", "--questions", str(questions)),
        *("--work-dir", str(work)),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    f = json.loads(done.stdout)
    assert set(f) >= KEYS
    assert f["questions"] == 2 and f["rounds"] == 3 and f["cold_runs"] == 2
    assert list(f["per_question"]) == asked
    assert 1_000 < f["triples"] < 100_000
    assert 0 < f["warm_p50_ms"] <= f["warm_p95_ms"] <= f["worst_question_p95_ms"] < 2_000
    for figures in f["per_question"].values():
        assert 0 < figures["p50_ms"] <= figures["p95_ms"]
    assert f["engine_start_from_saved"] is True  # new processes started from the saved data
    assert 0 < f["engine_start_s"] == min(f["engine_start_runs_s"])
    assert 0.1 < f["cold_first_answer_s_min"] <= f["cold_first_answer_s_median"] < 120
    assert f["cold_first_answer_s_median"] <= f["cold_end_s_median"]
    assert 0.1 < f["floor_first_line_s_median"] <= f["floor_end_s_median"] < 120
    over = f["cold_first_answer_s_median"] - f["floor_first_line_s_median"]
    assert abs(f["cold_over_floor_s"] - over) < 0.002
    assert (work / "data").is_dir()  # --work-dir keeps the build


def test_a_question_line_without_a_question_names_its_line(tmp_path: Path) -> None:
    questions = tmp_path / "questions.jsonl"
    questions.write_text('{"question": "ok?"}\n{"id": "d02"}\n', encoding="utf-8")
    done = run_kgqa("bench", "--bundled", "--questions", str(questions))
    assert done.returncode == 2
    assert f"{questions}:2:" in done.stderr and "`question`" in done.stderr


def test_hostile_is_not_for_the_bundled_corpus() -> None:
    done = run_kgqa("bench", "--bundled", "--hostile")
    assert done.returncode == 2 and "--hostile" in done.stderr
