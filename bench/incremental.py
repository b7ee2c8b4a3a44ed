"""The incremental figure: one ~2,000-word document added to the built corpus (into the data
folder's library, as `kgqa ingest` adds one), then removed; each timed until the new build is
current, and until a server that was running all along answers a question from it. Each step
starts once that server is idle (its copies of the build into memory made), as a server that has
been running a while is; how long it took to settle is reported."""

from __future__ import annotations

import math
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from bench.ask import questions
from kg.config import library_dir
from kg.errors import KgqaError
from kg.ontology import load_ontology
from kg.store import current_build, open_build
from kg.synth import SynthSpec, write_corpus
from qa.engine import Engine

WORDS = 2_000
WORDS_PER_CLAIM = 8.1  # a synthetic claim sentence, measured
SERVED_WITHIN_S = 300


class RunningServer(Protocol):
    def build_of(self, path: str) -> str: ...

    def workers_ready(self) -> tuple[int, int]: ...

    def settle(self) -> float: ...


def write_document(library: Path, number: int, seed: int) -> tuple[list[Path], int]:
    """A synthetic source of about WORDS words in the library; its files and its word count."""
    claims = math.ceil(WORDS / WORDS_PER_CLAIM)
    library.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        write_corpus(load_ontology(), SynthSpec(1, claims, seed, first=number), Path(tmp))
        written = []
        for path in sorted(Path(tmp).iterdir()):
            target = library / path.name
            target.write_bytes(path.read_bytes())
            written.append(target)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in written if p.suffix == ".txt")
    return written, words


def served_after(server: RunningServer, build_id: str) -> float:
    """Seconds until the running server answers a question from the build (its X-KGQA-Build)."""
    path = "/api/ask?q=" + quote(questions()[0])
    began = time.perf_counter()
    while time.perf_counter() - began < SERVED_WITHIN_S:
        if server.build_of(path) == build_id:
            return time.perf_counter() - began
        time.sleep(0.05)  # a cached answer: cheap to ask often
    raise KgqaError(f"the running server did not pick up build {build_id}")


def _workers_ready(server: RunningServer) -> float:
    """Seconds until every query worker of the running server has opened the new build."""
    began = time.perf_counter()
    while time.perf_counter() - began < SERVED_WITHIN_S:
        ready, size = server.workers_ready()
        if ready == size:
            return time.perf_counter() - began
        time.sleep(0.05)
    raise KgqaError("the running server's query workers did not open the new build")


class CurrentWatch:
    """Notes when the data folder's current build changes, watched from another thread, so that
    the time to current ends at the swap, not at the building process's exit."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.before = current_build(data_dir)
        self.began = time.perf_counter()
        self.changed: tuple[float, Path | None] | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while not self.done.is_set():
            found = current_build(self.data_dir)
            if found != self.before:
                self.changed = (time.perf_counter(), found)
                return
            time.sleep(0.005)

    def seconds(self) -> tuple[float, float]:
        """Seconds from the start to the swap, and from the swap to now."""
        self.done.set()
        self.thread.join()
        now = time.perf_counter()
        if self.changed is None:
            raise KgqaError("the build did not become current")
        return self.changed[0] - self.began, now - self.changed[0]


def _step(
    server: RunningServer, rebuild: Callable[[], dict[str, Any]], data_dir: Path
) -> dict[str, Any]:
    settled = server.settle()
    watch = CurrentWatch(data_dir)
    built = rebuild()
    current_s, since_swap = watch.seconds()
    if not built.get("incremental"):
        raise KgqaError(f"the build was not incremental: {built.get('full_reason')}")
    served_s = since_swap + served_after(server, built["build_id"])
    workers_s = served_s + _workers_ready(server)
    began = time.perf_counter()  # then a fresh engine, as a new server would start one
    store = open_build(data_dir / "builds" / built["build_id"], memory=None)
    opened = time.perf_counter()
    Engine(store)
    return {
        "build_s": round(built["seconds"], 2),  # in the building process, to the swap
        "current_s": round(current_s, 2),  # the build process's start to the swap
        "served_s": round(served_s, 2),  # from the swap to the running server's first answer
        "current_and_served_s": round(current_s + served_s, 2),  # the start to that answer
        "workers_ready_s": round(workers_s, 2),  # ... and to its query workers' readiness
        "fresh_store_open_s": round(opened - began, 2),  # its snapshot into memory
        "fresh_engine_s": round(time.perf_counter() - opened, 2),  # the engine over it
        "server_settled_s": round(settled, 2),  # the wait for the server to be idle, before
        "triples": built["triples"],
        "timings": {k: round(v, 2) for k, v in built["timings"].items()},
    }


def measure_incremental(
    server: RunningServer,
    rebuild: Callable[[], dict[str, Any]],
    data_dir: Path,
    sources: int,
    seed: int,
) -> dict[str, Any]:
    """Add one document and rebuild, then remove it and rebuild, with a server running."""
    written, words = write_document(library_dir(data_dir), sources, seed + 1)
    added = _step(server, rebuild, data_dir)
    for path in written:
        path.unlink()
    removed = _step(server, rebuild, data_dir)
    return {"words": words, "add": added, "remove": removed}
