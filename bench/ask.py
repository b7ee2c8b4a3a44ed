"""Timing the ask pipeline: the benchmark's questions, warm latency per question with the answer
cache bypassed, and cold start of `kgqa ask --json` as a new process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from functools import partial
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from bench.measure import timed_ms
from kg.errors import InputError, KgqaError

if TYPE_CHECKING:
    from qa.engine import Engine

COLD_LIMIT_S = 300  # a `kgqa ask` that has not answered by then is stopped


def questions() -> list[str]:
    """The benchmark's questions (bench/questions.txt), as people phrase them."""
    text = files("bench").joinpath("questions.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def read_questions(path: Path) -> list[str]:
    """The questions of a JSON Lines file: each line an object with a string `question` (or `q`,
    as in the question files `kgqa eval` reads); InputError naming the line of a bad one."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    found = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: not JSON: {exc.msg}") from exc
        question = item.get("question", item.get("q")) if isinstance(item, dict) else None
        if not isinstance(question, str) or not question.strip():
            raise InputError(f"{path}:{number}: each line needs an object with a string `question`")
        found.append(question.strip())
    if not found:
        raise InputError(f"{path}: no questions")
    return found


def warm_ask_ms(engine: Engine, asked: list[str], rounds: int) -> dict[str, list[float]]:
    """Milliseconds per answer of each question over `rounds` rounds (every question once a
    round), the answer cache bypassed, after each question has been asked once to warm its
    code paths."""
    distinct = list(dict.fromkeys(asked))
    for question in distinct:
        engine.ask(question, cached=False)
    times: dict[str, list[float]] = {question: [] for question in distinct}
    for _ in range(rounds):
        for question in distinct:
            times[question] += timed_ms(partial(engine.ask, question, cached=False), 1)
    return times


ENGINE_START = """
import json, sys, time
from pathlib import Path
from kg.store import open_store
from qa.engine import Engine
began, cpu = time.perf_counter(), time.process_time()
store = open_store(Path(sys.argv[1]), memory=None, later=True)
opened = time.perf_counter()
engine = Engine(store)
done, cpu = time.perf_counter(), time.process_time() - cpu
store.copy_into_memory()
copying = store.copying
if copying is not None:
    copying.join()
print(json.dumps({"open_s": opened - began, "engine_s": done - opened, "total_s": done - began,
                  "cpu_s": cpu,
                  "from_saved": engine.from_saved, "in_memory": store.in_memory,
                  "memory_s": time.perf_counter() - began}))
"""


def engine_start_s(data_dir: Path) -> dict[str, float | bool]:
    """An engine's start in a new process (its imports done), as a server meets it: the store
    opened as the server opens it (on disk at once; copied into memory in the background once the
    engine has started, when small enough), then the engine, from the start-up data saved beside the build. Seconds to open
    the store, to start the engine, both (and the CPU seconds of both: less disturbed by other
    processes), until the store was in memory; whether the saved data was used."""
    done = subprocess.run(
        [sys.executable, "-c", ENGINE_START, str(data_dir)],
        capture_output=True,
        text=True,
        timeout=COLD_LIMIT_S,
        check=False,
    )
    if done.returncode != 0:
        raise KgqaError(f"engine start failed: {done.stderr.strip()[-200:]}")
    found: dict[str, float | bool] = json.loads(done.stdout)
    return found


# The floor a cold `kgqa ask` is held to: a new Python process that loads spaCy's blank English.
FLOOR = "import spacy; spacy.blank('en'); print('{}', flush=True)"


def cold_first_answer_s(question: str, data_dir: Path) -> tuple[float, float]:
    """Seconds from starting a new `kgqa ask --json` process on data_dir to its first answer, and
    to its end (when a shell would prompt again)."""
    kgqa = str(Path(sys.executable).parent / "kgqa")
    env = dict(os.environ, KGQA_DATA_DIR=str(data_dir))
    return _first_line_s([kgqa, "ask", "--json", question], env)


def cold_floor_s() -> tuple[float, float]:
    """The same two figures for the floor: a new Python process that loads spaCy's blank
    English and prints a line."""
    return _first_line_s([sys.executable, "-c", FLOOR], dict(os.environ))


def _first_line_s(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    began = time.perf_counter()
    with subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        limit = threading.Timer(COLD_LIMIT_S, process.kill)
        limit.start()
        try:
            assert process.stdout is not None
            answer = process.stdout.readline()
            seconds = time.perf_counter() - began
            _, errors = process.communicate()
            ended = time.perf_counter() - began
        finally:
            limit.cancel()
    if process.returncode != 0 or not answer.startswith("{"):
        raise KgqaError(f"{argv[0]} failed ({process.returncode}): {errors.strip()[-200:]}")
    return seconds, ended
