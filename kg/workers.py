"""Query workers: SPARQL queries run in processes that can be killed, so a time limit holds.

pyoxigraph cannot cancel a query; a query that computes for long before its first row (a large
COUNT over a cartesian product) would burn a core until done. Each worker opens the build's store
read-only and answers one query at a time over a pipe: the job goes in pickled, the answer comes
back as the engine's serialised bytes (kg.serialize), sent as they are after a small header, never
as Python objects. A query that runs past its limit has its worker killed and replaced.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

import pyoxigraph as ox

from kg.config import is_endpoint_url
from kg.errors import KgqaError, QueryError
from kg.rowcut import Cut
from kg.serialize import by_media_type, serialize
from kg.store import Dataset, EmbeddedStore, Store, solutions

GRACE_S = 1.0  # the worker cuts a streaming result itself at the limit; this is for the rest
RESULTS_JSON = "application/sparql-results+json"


class QueryTimeout(KgqaError):
    """A query ran past the time limit and was stopped."""


class WorkersBusy(KgqaError):
    """Every worker stayed busy for as long as a query may run."""


@dataclass(frozen=True)
class QueryJob:
    """One query for a worker: its text, the media types to answer in (for SELECT/ASK and for
    CONSTRUCT/DESCRIBE), the row cap and time limit, IRIs bound to variables, the dataset."""

    query: str
    select: str
    graph: str
    limit: int
    seconds: float
    bindings: tuple[tuple[str, str], ...] = ()
    dataset: Dataset | None = None


def _open(location: str, memory: bool) -> Store:
    """The store at a location: a build's folder or a remote endpoint's URL. A build to be
    copied into memory is opened on disk first; `_serve` starts the copy once it is ready."""
    if is_endpoint_url(location):
        from kg.remote import RemoteStore

        return RemoteStore(location)
    from kg.store import open_build

    return open_build(Path(location), memory=memory, later=True)


def answer(store: Store, job: QueryJob) -> tuple[bytes, str, Cut]:
    """Run a job on a store: (body, media type, cut). A remote store's answer is its engine's
    own bytes when they are within the row cap."""
    from kg.remote import RemoteStore

    bindings = {name: ox.NamedNode(iri) for name, iri in job.bindings}
    formats = (by_media_type(job.select), by_media_type(job.graph))
    if isinstance(store, RemoteStore):
        body, used, cut = store.serialized(
            job.query, formats, job.limit, job.seconds, bindings=bindings, dataset=job.dataset
        )
    else:
        result = store.query(job.query, bindings=bindings, dataset=job.dataset)
        body, used, cut = serialize(result, *formats, job.limit, job.seconds)
    return body, used.media_type, cut


def _serve(location: str, memory: bool, conn: Connection, copy: EventType) -> None:
    """A worker's loop: open the store, then answer jobs until the pipe closes. Ctrl-C is the
    parent's to handle (it closes the pipes); a worker ignores it, so it prints no traceback.
    A store planned in memory is copied there once `copy` is set; until then, and while the
    copy is made (seconds at a million triples), the worker answers from disk."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        store = _open(location, memory)
    except KgqaError as exc:  # e.g. a build removed before the worker opened it: said, once
        conn.send(("failed", str(exc)))
        return
    conn.send(("ready",))  # the time limit starts after it
    if isinstance(store, EmbeddedStore) and store.memory_planned:
        threading.Thread(target=_copy_when, args=(store, copy), daemon=True).start()
    while True:
        try:
            job: QueryJob = conn.recv()
        except (EOFError, OSError):
            return
        try:
            body, media_type, cut = answer(store, job)
        except KgqaError as exc:  # raised again in the caller, same class and message
            conn.send(("error", exc))
        except Exception as exc:
            conn.send(("error", QueryError(f"the query failed: {type(exc).__name__}: {exc}")))
        else:
            conn.send(("ok", media_type, cut))
            conn.send_bytes(body)


def _copy_when(store: EmbeddedStore, copy: EventType) -> None:
    copy.wait()
    store.copy_into_memory()


class QueryWorkers:
    """A fixed number of worker processes over one build's store. A store planned in memory is
    copied there once `start_copies` is called (a server calls it when its engine has started:
    the copies would take the cores from it); workers started later copy it at once."""

    def __init__(self, location: str, size: int = 2, *, memory: bool = False) -> None:
        self.store_path = location
        self.memory = memory
        self.context = mp.get_context("spawn")
        self.idle: queue.Queue[tuple[BaseProcess, Connection]] = queue.Queue()
        self.size = size
        self.ready: set[int] = set()  # pids of workers that have opened the store
        self.failed: str | None = None  # why a worker could not open it
        self.copy = self.context.Event()
        for _ in range(size):
            self.idle.put(self._spawn())

    def _spawn(self) -> tuple[BaseProcess, Connection]:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_serve, args=(self.store_path, self.memory, child, self.copy), daemon=True
        )
        if threading.current_thread() is threading.main_thread():
            # ignored from birth (a spawned child inherits it), so a Ctrl-C while it starts
            # up prints nothing either; workers replaced later set it in _serve
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                process.start()
            finally:
                signal.signal(signal.SIGINT, previous)
        else:
            process.start()
        child.close()
        return process, parent

    def start_copies(self) -> None:
        """Let the workers copy the store into memory (when it is planned there)."""
        self.copy.set()

    def run(self, job: QueryJob) -> tuple[bytes, str, Cut]:
        """(body, media type, cut) for a job; QueryTimeout when it runs past its limit, the
        store's own error (QueryError for a malformed query ...) when it fails."""
        seconds = job.seconds
        worker = self._take(seconds)
        process, conn = worker
        try:
            conn.send(job)
            reply = conn.recv() if conn.poll(seconds + GRACE_S) else None
            if reply is not None and reply[0] == "ok":
                reply = (*reply, conn.recv_bytes())
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
        if reply[0] == "stopped":
            raise WorkersBusy("the query worker stopped; try again")
        if reply[0] == "error":
            raise reply[1]
        return reply[3], reply[1], reply[2]

    def select(
        self, query: str, limit: int, seconds: float, bindings: dict[str, str] | None = None
    ) -> tuple[list[ox.QuerySolution], Cut]:
        """The rows of a SELECT query run by a worker, with their cut."""
        job = QueryJob(query, RESULTS_JSON, RESULTS_JSON, limit, seconds, _pairs(bindings))
        body, _, cut = self.run(job)
        return solutions(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)), cut

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
            message = conn.recv()  # ("ready",) or ("failed", why)
        except (EOFError, OSError):
            return "dead"
        if message[0] != "ready":
            self.failed = str(message[1])
            return "dead"
        assert process.pid is not None
        self.ready.add(process.pid)
        return "ready"

    def wait_ready(self, seconds: float) -> bool:
        """Wait until every worker has opened its store, at most `seconds`; whether they all have
        (False at once when one could not open it: `failed` says why). A server swaps a new
        build in only when its workers can answer (kgqa.web.backend)."""
        deadline = time.monotonic() + seconds
        while len(self.ready) < self.size and time.monotonic() < deadline:
            if self.failed is not None:
                return False
            try:
                worker = self.idle.get(timeout=0.1)
            except queue.Empty:  # every worker is running a query, so each has opened its store
                continue
            if worker[0].pid not in self.ready and self._start_state(worker) == "dead":
                worker[0].join(5)
                worker = self._spawn()
            self.idle.put(worker)
            if len(self.ready) < self.size:
                time.sleep(0.02)
        return len(self.ready) >= self.size

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


def _pairs(bindings: dict[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((bindings or {}).items()))
