"""`kgqa bench --bundled`: ask latency on the bundled corpus, as a user of `kgqa ask` meets it.

Builds the bundled corpus, then measures warm latency per question (the engine over the store
opened as the server opens it, N rounds, answer cache bypassed) and cold start: a new
`kgqa ask --json` process, from its start to its first answer and to its end, median of a few
runs, taking turns with the floor it is held to (a new Python process that loads spaCy's blank
English and prints a line, bench.ask.FLOOR).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.ask import (
    cold_first_answer_s,
    cold_floor_s,
    engine_start_s,
    questions,
    read_questions,
    warm_ask_ms,
)
from bench.measure import percentile
from kg.errors import KgqaError


@dataclass(frozen=True)
class BundledOptions:
    work_dir: Path
    questions: Path | None = None  # JSON Lines; default: bench/questions.txt
    rounds: int = 20
    cold_runs: int = 5


def run_bundled(opts: BundledOptions) -> dict[str, Any]:
    from kg.build import build
    from kg.resources import bundled_corpus
    from kg.store import open_store
    from qa.engine import Engine

    asked = read_questions(opts.questions) if opts.questions else questions()
    data_dir = opts.work_dir / "data"
    if data_dir.exists():
        raise KgqaError(f"{opts.work_dir}: not empty; give a new --work-dir")
    report = build(bundled_corpus(), data_dir)
    began = time.perf_counter()
    engine = Engine(open_store(data_dir, memory=None))  # works the start-up data out, saves it
    afresh_s = time.perf_counter() - began
    starts = [engine_start_s(data_dir) for _ in range(3)]  # from the saved data, new processes
    times = warm_ask_ms(engine, asked, opts.rounds)
    cold, floor = [], []
    for _ in range(opts.cold_runs):  # taking turns, so both see the machine alike
        cold.append(cold_first_answer_s(asked[0], data_dir))
        floor.append(cold_floor_s())
    every = [t for question_times in times.values() for t in question_times]
    per_question = {
        question: {
            "p50_ms": round(percentile(t, 0.5), 3),
            "p95_ms": round(percentile(t, 0.95), 3),
        }
        for question, t in times.items()
    }
    return {
        "corpus": "bundled",
        "triples": report.triples,
        "sources": report.sources,
        "claims": report.claims,
        "build_s": round(report.seconds, 2),
        "engine_start_s": round(min(float(found["total_s"]) for found in starts), 3),
        "engine_start_runs_s": [round(float(found["total_s"]), 3) for found in starts],
        "engine_start_from_saved": all(found["from_saved"] for found in starts),
        "engine_start_cpu_s": round(min(float(found["cpu_s"]) for found in starts), 3),
        "engine_start_afresh_s": round(afresh_s, 3),
        "questions": len(times),
        "rounds": opts.rounds,
        "warm_p50_ms": round(percentile(every, 0.5), 3),
        "warm_p95_ms": round(percentile(every, 0.95), 3),
        "worst_question_p95_ms": max(f["p95_ms"] for f in per_question.values()),
        "per_question": per_question,
        "cold_question": asked[0],
        "cold_runs": opts.cold_runs,
        "cold_first_answer_s_median": _median(cold, 0),
        "cold_first_answer_s_min": round(min(c[0] for c in cold), 3),
        "cold_end_s_median": _median(cold, 1),
        "floor_first_line_s_median": _median(floor, 0),
        "floor_end_s_median": _median(floor, 1),
        "cold_over_floor_s": round(_median(cold, 0) - _median(floor, 0), 3),
    }


def _median(runs: list[tuple[float, float]], which: int) -> float:
    return round(statistics.median(run[which] for run in runs), 3)


def table(f: dict[str, Any]) -> str:
    lines = [
        f"bundled corpus: triples {f['triples']:,}  sources {f['sources']}  claims {f['claims']}  "
        f"build {f['build_s']} s",
        f"engine start {f['engine_start_s']} s ({f['engine_start_cpu_s']} s CPU) from saved "
        f"start-up data (best of "
        f"{len(f['engine_start_runs_s'])}: {f['engine_start_runs_s']}), "
        f"{f['engine_start_afresh_s']} s worked out afresh",
        "",
        f"{'question':64} {'p50 ms':>8} {'p95 ms':>8}",
        *(
            f"{question[:64]:64} {q['p50_ms']:8.2f} {q['p95_ms']:8.2f}"
            for question, q in f["per_question"].items()
        ),
        "",
        f"warm ({f['questions']} questions x {f['rounds']} rounds, answer cache bypassed): "
        f"p50 {f['warm_p50_ms']} ms, p95 {f['warm_p95_ms']} ms, "
        f"worst question p95 {f['worst_question_p95_ms']} ms",
        f"cold `kgqa ask --json` to first answer: median {f['cold_first_answer_s_median']} s, "
        f"min {f['cold_first_answer_s_min']} s ({f['cold_runs']} runs), to its end "
        f"{f['cold_end_s_median']} s",
        f"the floor (a new Python process that loads spaCy's blank English) to its first line "
        f"{f['floor_first_line_s_median']} s, to its end {f['floor_end_s_median']} s: "
        f"`kgqa ask` {f['cold_over_floor_s']} s above it",
    ]
    return "\n".join(lines)
