"""Benchmark `kgqa ask` on a question file: cold start to first answer, warm latency per question.

    python benchmarks/ask_latency.py [QUESTIONS.jsonl] [--repeat N] [--data-dir DIR]

Prints a table and a JSON line. Builds the bundled corpus first when DIR has no build.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.build import build  # noqa: E402
from kg.resources import bundled_corpus  # noqa: E402
from kg.store import current_build, open_store  # noqa: E402
from qa.engine import Engine  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def cold_seconds(question: str, data_dir: Path, runs: int) -> list[float]:
    """Wall time of a fresh `kgqa ask --json` process, from its start to its answer and exit."""
    kgqa = str(Path(sys.executable).parent / "kgqa")
    env = dict(os.environ, KGQA_DATA_DIR=str(data_dir))
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run([kgqa, "ask", "--json", question], env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - began)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "questions", nargs="?", default=str(ROOT.parent / "shared" / "questions" / "dev.jsonl")
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--data-dir", default=str(ROOT / "kgqa-data"))
    args = parser.parse_args()
    data_dir = Path(args.data_dir)
    if current_build(data_dir) is None:
        build(bundled_corpus(), data_dir)
    questions = [
        json.loads(line)["q"]
        for line in Path(args.questions).read_text().splitlines()
        if line.strip()
    ]

    cold = cold_seconds(questions[0], data_dir, args.cold_runs)
    began = time.perf_counter()
    engine = Engine(open_store(data_dir))
    engine_init = time.perf_counter() - began

    per_question: dict[str, dict[str, float]] = {}
    everything: list[float] = []
    for question in questions:
        engine.ask(question, cached=False)  # warm this question's code paths once
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            engine.ask(question, cached=False)
            times.append((time.perf_counter() - t0) * 1000)
        everything += times
        per_question[question] = {
            "p50_ms": percentile(times, 0.5),
            "p95_ms": percentile(times, 0.95),
        }

    print(f"{'question':62} {'p50 ms':>8} {'p95 ms':>8}")
    for question, figures in per_question.items():
        print(f"{question[:62]:62} {figures['p50_ms']:8.2f} {figures['p95_ms']:8.2f}")
    summary = {
        "questions": len(questions),
        "repeat": args.repeat,
        "warm_p50_ms": round(percentile(everything, 0.5), 2),
        "warm_p95_ms": round(percentile(everything, 0.95), 2),
        "worst_question_p95_ms": round(max(f["p95_ms"] for f in per_question.values()), 2),
        "cold_first_answer_s_median": round(statistics.median(cold), 3),
        "cold_first_answer_s_min": round(min(cold), 3),
        "engine_init_s": round(engine_init, 3),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
