"""Query workers: SPARQL queries run in processes that can be killed, so a time limit holds.

pyoxigraph cannot cancel a query; a query that computes for long before its first row (a large
COUNT over a cartesian product) would burn a core until done. Each worker opens the build's store
read-only and answers one query at a time over a pipe; a query that runs past its limit has its
worker killed and replaced.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from kg.config import is_endpoint_url
from kg.errors import KgqaError, QueryError
from kg.serialize import execute

MALFORMED = "malformed query: "
GRACE_S = 1.0  # the worker cuts a streaming result itself at the limit; this is for the rest


class QueryTimeout(KgqaError):
    """A query ran past the time limit and was stopped."""


class WorkersBusy(KgqaError):
    """Every worker stayed busy for as long as a query may run."""


Job = tuple[
    str, str, str, int, float
]  # query, SELECT media type, graph media type, row cap, seconds


def _serve(location: str, memory: bool, conn: Connection) -> None:
    """A worker's loop: open the store (a build's folder, read-only or copied into memory, or a
    remote endpoint's URL), answer jobs until the pipe closes."""

    if is_endpoint_url(location):
        from kg.remote import RemoteStore

        remote = RemoteStore(location)

        def run(query: str) -> object:
            try:
                return remote.query(query)
            except QueryError as exc:  # a malformed query: the same reply as the embedded store's
                if str(exc).startswith(MALFORMED):
                    raise SyntaxError(str(exc).removeprefix(MALFORMED)) from exc
                raise

    else:
        from kg.store import open_build

        store = open_build(Path(location), memory=memory).store

        def run(query: str) -> object:
            return store.query(query, use_default_graph_as_union=True)

    conn.send(("ready",))  # opening a large build takes a while: the time limit starts after it
    while True:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", *execute(run, *job)))
        except SyntaxError as exc:
            conn.send(("syntax", " ".join(str(exc).split())))
        except Exception as exc:  # reported to the caller, who raises it as a query error
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class QueryWorkers:
    """A fixed number of worker processes over one build's store."""

    def __init__(self, location: str, size: int = 2, *, memory: bool = False) -> None:
        self.store_path = location
        self.memory = memory
        self.context = mp.get_context("spawn")
        self.idle: queue.Queue[tuple[BaseProcess, Connection]] = queue.Queue()
        self.size = size
        self.ready: set[int] = set()  # pids of workers that have opened the store
        for _ in range(size):
            self.idle.put(self._spawn())

    def _spawn(self) -> tuple[BaseProcess, Connection]:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_serve, args=(self.store_path, self.memory, child), daemon=True
        )
        process.start()
        child.close()
        return process, parent

    def run(self, job: Job) -> tuple[bytes, str, str | None]:
        """(body, media type, cut) for a job; QueryTimeout when it runs past its limit."""
        seconds = job[4]
        worker = self._take(seconds)
        process, conn = worker
        try:
            conn.send(job)
            reply = conn.recv() if conn.poll(seconds + GRACE_S) else None
        except (EOFError, OSError, BrokenPipeError):
            reply = ("stopped", "")
        if reply is None or reply[0] == "stopped":
            self.ready.discard(process.pid or 0)
            process.kill()
            process.join(5)
            self.idle.put(self._spawn())
            if reply is None:
                raise QueryTimeout(
                    f"the query ran past the time limit of {seconds:g} s and was stopped"
                )
        else:
            self.idle.put(worker)
        if reply[0] == "syntax":
            raise QueryError(f"malformed query: {reply[1]}")
        if reply[0] == "stopped":
            raise WorkersBusy("the query worker stopped; try again")
        if reply[0] == "error":
            raise QueryError(f"the query failed: {reply[1]}")
        return reply[1], reply[2], reply[3]

    def _take(self, seconds: float) -> tuple[BaseProcess, Connection]:
        """An idle worker that has opened its store, waiting up to `seconds` for one; a worker
        still opening its store (a large build takes a minute) is passed over, not waited on."""
        deadline = time.monotonic() + seconds
        opening = False
        while True:
            try:
                worker = self.idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty as exc:
                raise WorkersBusy(
                    f"every query worker stayed busy for {seconds:g} s; try again"
                ) from exc
            state = "ready" if worker[0].pid in self.ready else self._start_state(worker)
            if state == "ready":
                return worker
            if state == "dead":
                worker[0].join(5)
                self.idle.put(self._spawn())
            else:
                self.idle.put(worker)
                opening = True
            if time.monotonic() >= deadline:
                raise WorkersBusy(
                    "the query workers are still opening the store; try again shortly"
                    if opening
                    else "the query workers could not open the store; try again"
                )
            time.sleep(0.02)

    def _start_state(self, worker: tuple[BaseProcess, Connection]) -> str:
        """ "ready", "opening" (still) or "dead"."""
        process, conn = worker
        try:
            if not conn.poll(0):
                return "opening"
            conn.recv()  # ("ready",)
        except (EOFError, OSError):
            return "dead"
        assert process.pid is not None
        self.ready.add(process.pid)
        return "ready"

    @property
    def ready_count(self) -> int:
        """How many workers have opened the store (reported in the X-KGQA-Workers-Ready header)."""
        return len(self.ready)

    def close(self) -> None:
        while not self.idle.empty():
            process, conn = self.idle.get_nowait()
            conn.close()
            process.kill()
            process.join(5)
