"""What the views read from (store, engine, query workers), and swapping in a new build while
serving: a build is picked up without a restart, so no answer outlives the build it came from.

Each request pins one Backend (flask.g), so a page never mixes two builds. The `current` link of
the data directory is checked at most ten times a second, on requests and, in `kgqa serve`, by a
watching thread (a new build is opened before anyone asks for it); a new build is opened in a
background thread while the old one keeps serving, then swapped in whole as soon as its engine
and query workers have opened it on disk (about a second at a million triples); the workers then
copy it into memory in the background. The old query workers are closed once queries pinned to
them are past their time limit.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, g

from kg.backend import open_configured_store, store_location
from kg.errors import StoreError
from kg.store import EmbeddedStore, Store, current_build, open_build
from kg.workers import QueryWorkers
from qa.engine import Engine

CHECK_EVERY_S = 0.1  # a readlink: cheap, and a new build is picked up sooner


@dataclass(frozen=True)
class Backend:
    store: Store
    engine: Engine
    workers: QueryWorkers


def open_backend(
    store: Store, workers: int, include_proposed: bool = False, previous: Backend | None = None
) -> Backend:
    """The engine and the query workers over a store opened with later=True: the workers copy it
    into memory when its size calls for it (they run the SPARQL queries); the engine answers from
    its start-up data, so this process keeps the store on disk (pages read a passage or a dump).
    `previous`: the backend it replaces, whose engine the new one takes what it can from."""
    location = store_location(store)
    memory = isinstance(store, EmbeddedStore) and store.memory_planned
    pool = QueryWorkers(location, size=workers, memory=memory)  # they start while the engine does
    try:  # its start-up data, if worked out now, is saved once it serves (Engine.save_later)
        engine = Engine(
            store,
            include_proposed=include_proposed,
            save_later=True,
            previous=previous.engine if previous is not None else None,
        )
    except BaseException:
        pool.close()
        raise
    pool.start_copies()  # now that the engine has started: they would share the cores
    return Backend(store, engine, pool)


def first_backend(data_dir: Path, workers: int, include_proposed: bool = False) -> Backend:
    store = open_configured_store(data_dir, memory=None, later=True)  # serves from disk at once
    found = open_backend(store, workers, include_proposed)
    found.engine.save_start_up_data()
    return found


def backend() -> Backend:
    """The backend this request was pinned to."""
    found: Backend = g.get("kgqa") or current_app.extensions["kgqa"]
    return found


WORKERS_READY_S = 120.0  # at most this long a new build waits for its workers before it serves
SAVE_AFTER_S = 2.0  # a new build's engine start-up data is saved this long after it serves


class Reloader:
    """Watches the data directory's current build and swaps a new one in when it appears."""

    def __init__(
        self, app: Flask, data_dir: Path, workers: int, include_proposed: bool = False
    ) -> None:
        self.app = app
        self.include_proposed = include_proposed
        self.data_dir = data_dir
        self.workers = workers
        self.checked = time.monotonic()
        self.loading: Path | None = None
        self.failed: Path | None = None  # a build that would not open is not tried again
        self.lock = threading.Lock()

    def watch(self) -> None:
        """Check for a new build every CHECK_EVERY_S in a background thread, requests or not."""

        def loop() -> None:
            while True:
                time.sleep(CHECK_EVERY_S)
                try:
                    self.check()
                except Exception as exc:  # e.g. the data folder unreadable for a moment
                    self.app.logger.warning("kgqa: cannot check for a new build: %s", exc)

        threading.Thread(target=loop, name="kgqa-build-watch", daemon=True).start()

    def check(self) -> None:
        now = time.monotonic()
        if now - self.checked < CHECK_EVERY_S:
            return
        self.checked = now
        target = current_build(self.data_dir)
        serving = self.app.extensions["kgqa"].store
        if target is None or not isinstance(serving, EmbeddedStore):
            return
        with self.lock:
            if target in (serving.build_dir, self.loading, self.failed):
                return
            self.loading = target
        threading.Thread(target=self._load, args=(target,), daemon=True).start()

    def _load(self, target: Path) -> None:
        began = time.perf_counter()
        try:
            fresh = open_backend(
                open_build(target, memory=None, later=True),
                self.workers,
                self.include_proposed,
                previous=self.app.extensions["kgqa"],
            )
            engine_s = time.perf_counter() - began
            # the old build keeps serving until the new one's query workers have opened it
            if not fresh.workers.wait_ready(WORKERS_READY_S):
                fresh.workers.close()
                raise StoreError(fresh.workers.failed or "its query workers did not open it")
        except Exception as exc:  # the old build keeps serving until a newer build appears
            self.app.logger.error("kgqa: cannot open the new build %s: %s", target, exc)
            with self.lock:
                self.loading, self.failed = None, target
            return
        old: Backend = self.app.extensions["kgqa"]
        self.app.extensions["kgqa"] = fresh
        self.app.logger.info(
            "kgqa: serving build %s (engine ready in %.2f s, query workers in %.2f s)",
            target.name,
            engine_s,
            time.perf_counter() - began,
        )
        with self.lock:
            self.loading = None
        # saved once the first answers from it are out: they would share the interpreter
        saving = threading.Timer(SAVE_AFTER_S, fresh.engine.save_start_up_data)
        saving.daemon = True
        saving.start()
        # requests pinned to the old build may still be running a query: close its workers later
        grace = float(self.app.config.get("SPARQL_TIMEOUT_S", 10)) + 5
        closing = threading.Timer(grace, old.workers.close)
        closing.daemon = True
        closing.start()
