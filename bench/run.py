"""One benchmark run: synthesise a corpus of about N triples (or copy one), build it, ask, query,
load; with --hostile, a hostile load on the server (bench.hostile); then a document added and
removed by incremental builds while a server runs (bench.incremental); with --peer virtuoso, the
same build, queries, questions and load on a Virtuoso of its own (bench.peer).

Everything is measured side by side on the same data in one run: the project's build, ask
pipeline and SPARQL endpoint (a real `kgqa serve` on loopback) against the same queries on
pyoxigraph called directly (the floor) and on rdflib's in-memory Dataset (what a user would
write instead).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from bench.ask import engine_start_s, questions, warm_ask_ms
from bench.child import build_in_child
from bench.hostile import run_hostile
from bench.incremental import measure_incremental
from bench.load import run_wrk
from bench.measure import (
    QueryTimeout,
    children_peak_rss_mb,
    descendants,
    directory_mb,
    percentile,
    process_peak_rss_mb,
    repeat_ms,
    start_ticks,
    time_queries,
    timed_ms,
    wait_idle,
)
from kg.dumps import snapshot_path
from kg.errors import KgqaError
from kg.examples import examples
from kg.store import open_build
from kg.vocab import with_prefixes

# The synthetic corpus's size in triples grows linearly with its claims: about 40 triples a claim,
# disagreements included (measured: 2,000 claims -> 80,998 triples; 20,000 -> 786,114).
TRIPLES_PER_CLAIM = 39.3
CLAIMS_PER_SOURCE = 100
EXAMPLES = ("01-disagreements", "02-claims-by-hedge", "05-claims-per-goal-and-stance")
SERVER_START_S = 600
SETTLE_S = 120  # at most this long a step waits for the server to be idle
RESULTS_JSON = "application/sparql-results+json"


@dataclass(frozen=True)
class Options:
    triples: int
    work_dir: Path
    seed: int = 1
    shacl: bool = True
    rdflib: bool = True
    load_seconds: int = 10
    ask_rounds: int = 5
    query_runs: int = 20
    rdflib_runs: int = 3
    hostile: bool = False
    hostile_max_growth_mb: int = 4096  # the hostile stage stops the server past this growth
    corpus: Path | None = None  # a corpus to copy and build instead of a synthetic one
    peer: str | None = None  # "virtuoso": the same build, queries and load on it too


def corpus_shape(triples: int) -> tuple[int, int]:
    """(sources, claims per source) for a synthetic corpus of about `triples` triples."""
    claims = max(40, round(triples / TRIPLES_PER_CLAIM))
    sources = max(2, math.ceil(claims / CLAIMS_PER_SOURCE))
    return sources, math.ceil(claims / sources)


def queries() -> dict[str, str]:
    """The benchmark's SPARQL queries: three of the documented examples and the bench's own."""
    found = {example.name: example.query for example in examples() if example.name in EXAMPLES}
    for path in sorted(files("bench").joinpath("queries").iterdir(), key=lambda p: p.name):
        if path.name.endswith(".rq"):
            found[path.name.removesuffix(".rq")] = path.read_text(encoding="utf-8")
    return {name: with_prefixes(text) for name, text in found.items()}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`kgqa serve` with its production settings, in its own process, on a loopback port."""

    def __init__(self, data_dir: Path, extra_env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        kgqa = str(Path(sys.executable).parent / "kgqa")
        env = dict(os.environ, KGQA_DATA_DIR=str(data_dir), **(extra_env or {}))
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close): its stderr
        self.process = subprocess.Popen(
            [kgqa, "serve", "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.errors,
        )
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.errors.seek(0)
                last = self.errors.read().decode("utf-8", "replace").strip().splitlines()[-1:]
                raise KgqaError(f"kgqa serve exited while starting: {''.join(last)}")
            try:  # ready when the engine answers and every query worker has opened the store
                self.get("/api/sources")
                ready, size = self.workers_ready()
                if ready == size:
                    return
            except (OSError, KgqaError):
                pass
            time.sleep(0.2)
        self.close()
        raise KgqaError("kgqa serve did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, accept: str = "application/json") -> bytes:
        return http_get(self.port, path, accept)

    def build_of(self, path: str) -> str:
        """The build that answered a GET (its X-KGQA-Build header); "" for an error."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", path, headers={"Accept": "application/json"})
            response = conn.getresponse()
            response.read()
        finally:
            conn.close()
        return (response.getheader("X-KGQA-Build") or "") if response.status == 200 else ""

    def workers_ready(self) -> tuple[int, int]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", "/sparql?query=ASK%7B%7D", headers={"Accept": "application/json"})
            response = conn.getresponse()
            response.read()
        finally:
            conn.close()
        ready, _, size = (response.getheader("X-KGQA-Workers-Ready") or "0/1").partition("/")
        return int(ready), int(size)

    def settle(self) -> float:
        """Wait until the server is idle (its copies into memory made), at most SETTLE_S."""
        return wait_idle(self.process.pid, SETTLE_S)

    def close(self) -> None:
        """Stop the server, then any process it started that outlives it; safe to call twice."""
        started = {pid: start_ticks(pid) for pid in descendants(self.process.pid)}
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
        deadline = time.monotonic() + 10  # its query workers end when their pipe closes
        while time.monotonic() < deadline and any(start_ticks(p) == t for p, t in started.items()):
            time.sleep(0.1)
        for pid, ticks in started.items():
            if ticks is not None and start_ticks(pid) == ticks:  # the same process, not a new one
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        self.errors.close()


def http_get(port: int, path: str, accept: str = "application/json") -> bytes:
    """The body of GET path on a loopback port; QueryTimeout for a 503, KgqaError for another
    status than 200."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Accept": accept})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status == 503:
        raise QueryTimeout(f"GET {path[:60]}: HTTP 503: {body[:200]!r}")
    if response.status != 200:
        raise KgqaError(f"GET {path[:60]}: HTTP {response.status}: {body[:200]!r}")
    return body


def sparql_get(port: int, default_graph: str | None = None) -> Callable[[str], bytes]:
    """A query's SPARQL JSON results from the /sparql of a server on a loopback port, by GET
    (with `default_graph` as its default-graph-uri, when given)."""
    return lambda text: http_get(port, _sparql_path(text, default_graph), RESULTS_JSON)


def _sparql_path(text: str, default_graph: str | None) -> str:
    dataset = "" if default_graph is None else "&default-graph-uri=" + quote(default_graph)
    return "/sparql?query=" + quote(text) + dataset


def _p50(times: list[float]) -> float:
    return round(percentile(times, 0.5), 3)


def measure_ask(data_dir: Path, opts: Options) -> dict[str, Any]:
    from kg.store import open_store
    from qa.engine import Engine

    began = time.perf_counter()
    store = open_store(data_dir, memory=None)  # as the server opens it
    engine = Engine(store)  # no start-up data saved yet: worked out, and saved
    afresh_s = time.perf_counter() - began
    starts = [engine_start_s(data_dir) for _ in range(3)]  # from the saved data, new processes
    best = min(starts, key=lambda found: found["total_s"])
    asked = questions()
    fresh = [t for times in warm_ask_ms(engine, asked, opts.ask_rounds).values() for t in times]
    cached: list[float] = []
    for question in asked:
        cached += timed_ms(partial(engine.ask, question), 3)
    return {
        "engine_start_s": round(float(best["total_s"]), 3),
        "engine_start_store_open_s": round(float(best["open_s"]), 3),
        "engine_start_from_saved": all(found["from_saved"] for found in starts),
        "engine_start_runs_s": [round(float(found["total_s"]), 3) for found in starts],
        "engine_start_store_in_memory_s": round(float(best["memory_s"]), 3),
        "engine_start_cpu_s": round(min(float(found["cpu_s"]) for found in starts), 3),
        "engine_start_afresh_s": round(afresh_s, 3),
        "ask_p50_ms": _p50(fresh),
        "ask_p95_ms": round(percentile(fresh, 0.95), 3),
        "ask_cached_p50_ms": _p50(cached),
        "questions": len(asked),
        "store_in_memory": store.in_memory,
    }


def measure_raw(build_dir: Path, memory: bool, opts: Options) -> dict[str, Any]:
    """Each query on pyoxigraph directly (in memory or on disk, as the server holds the build),
    its results serialised as SPARQL JSON: p50, p95, rows (see time_queries)."""
    store = open_build(build_dir, memory=memory).store

    def run(text: str) -> bytes:
        result = store.query(text, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        return bytes(result.serialize(format=ox.QueryResultsFormat.JSON) or b"")

    return time_queries(queries(), run, opts.query_runs)


def measure_endpoint(server: Server, opts: Options) -> dict[str, Any]:
    """Each query through `/sparql`; None for one the server stops at its time limit (503)."""
    return time_queries(queries(), sparql_get(server.port), opts.query_runs)


def by_figure(timed: dict[str, Any], figure: str) -> dict[str, Any]:
    """One figure (p50_ms, p95_ms, rows) of each query timed by time_queries; None for a query
    stopped at the time limit."""
    return {name: None if f is None else f[figure] for name, f in timed.items()}


def measure_rdflib(build_dir: Path, opts: Options) -> dict[str, Any]:
    """The same queries on rdflib's in-memory Dataset (default graph = union), loaded from
    N-Quads; its peak memory is measured in a child process."""
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    child = ctx.Process(target=_rdflib_child, args=(build_dir, opts, results))
    child.start()
    result = results.get(timeout=6 * 3600)
    child.join()
    if isinstance(result, str):
        raise KgqaError(f"rdflib run failed: {result}")
    return dict(result)


def _rdflib_child(build_dir: Path, opts: Options, out: Any) -> None:
    try:
        from rdflib import Dataset

        began = time.perf_counter()
        dataset = Dataset(default_union=True)
        dataset.parse(str(snapshot_path(build_dir)), format="nquads")
        load_s = time.perf_counter() - began
        times, rows = {}, {}
        for name, text in queries().items():

            def run(text: str = text) -> bytes:
                return bytes(dataset.query(text).serialize(format="json") or b"")

            times[name] = _p50(repeat_ms(run, opts.rdflib_runs, budget_s=120))
            rows[name] = len(json.loads(run())["results"]["bindings"])
        out.put({"rdflib_p50_ms": times, "rdflib_rows": rows, "rdflib_load_s": round(load_s, 2),
                 "rdflib_peak_rss_mb": round(process_peak_rss_mb(os.getpid()))})  # fmt: skip
    except Exception as exc:
        out.put(f"{type(exc).__name__}: {exc}")


def measure_load(server: Server, seconds: int, answered: list[str]) -> dict[str, Any]:
    """wrk on /api/ask (the benchmark questions) and on /sparql (the queries the endpoint
    answered within its time limit)."""
    return {
        "api_ask": run_wrk(server.url, ask_paths(), seconds),
        "sparql": run_wrk(server.url, sparql_paths(answered), seconds, accept=RESULTS_JSON),
    }


def ask_paths() -> list[str]:
    return ["/api/ask?q=" + quote(q) for q in questions()]


def sparql_paths(names: list[str], default_graph: str | None = None) -> list[str]:
    return [_sparql_path(queries()[name], default_graph) for name in names]


def touch_one_source(corpus: Path) -> None:
    """Change one claim's summary in the first claims file, as an editor would."""
    path = sorted(corpus.glob("*.claims.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  summary: ", "  summary: (revised) ", 1), encoding="utf-8")


DISAGREEMENT_TRIPLES = """SELECT (COUNT(*) AS ?n) WHERE { GRAPH <%s> { ?s ?p ?o .
  FILTER (STRSTARTS(STR(?s), "%s")) } }"""


def disagreement_triples(build_dir: Path) -> int:
    """Triples about disagreement nodes and their sides, counted in the built store."""
    from kg.vocab import DISAGREEMENT, INFERRED_GRAPH

    query = DISAGREEMENT_TRIPLES % (INFERRED_GRAPH, DISAGREEMENT)
    return int(open_build(build_dir).select(query)[0]["n"].value)


def bulk_load_floor(build_dir: Path, work_dir: Path, build_s: float) -> dict[str, Any]:
    """pyoxigraph's own bulk load of the build's N-Quads snapshot into a new store: the floor the
    build is compared with (the whole build: with SHACL on, the store loads while it validates,
    so build_s - validate_s is no build without SHACL); the compaction the build does, apart."""
    target = Path(tempfile.mkdtemp(prefix="floor-", dir=work_dir))
    try:
        began = time.perf_counter()
        store = ox.Store(str(target))
        store.bulk_load(path=str(snapshot_path(build_dir)), format=ox.RdfFormat.N_QUADS)
        loaded = time.perf_counter()
        store.optimize()
        optimized = time.perf_counter()
        del store
    finally:
        shutil.rmtree(target, ignore_errors=True)
    floor = loaded - began
    return {
        "bulk_load_floor_s": round(floor, 2),
        "bulk_load_optimize_s": round(optimized - loaded, 2),
        "build_over_floor": round(build_s / floor, 2),
    }


def run(opts: Options) -> dict[str, Any]:
    from kg.ontology import load_ontology
    from kg.store import current_build
    from kg.synth import SynthSpec, write_corpus

    corpus, data_dir = opts.work_dir / "corpus", opts.work_dir / "data"
    if (corpus.exists() and any(corpus.iterdir())) or data_dir.exists():
        raise KgqaError(f"{opts.work_dir}: not empty; give a new --work-dir")
    sources, per_source = corpus_shape(opts.triples)
    if opts.corpus is not None:
        shutil.copytree(opts.corpus, corpus)  # copied: a rebuild edits one of its sources
    else:
        write_corpus(load_ontology(), SynthSpec(sources, per_source, opts.seed), corpus)
    built = build_in_child(corpus, data_dir, opts.shacl)
    build_rss = children_peak_rss_mb()
    build_dir = current_build(data_dir)
    assert build_dir is not None
    timings = built["timings"]
    validate_s = timings.get("validate_s", 0.0)
    figures: dict[str, Any] = {
        "triples": built["triples"],
        "sources": built["sources"],
        "claims": built["claims"],
        "disagreements": built["disagreements"],
        "shacl": opts.shacl,
        "build_s": round(built["seconds"], 2),
        "validate_s": round(validate_s, 2),
        "build_triples_per_s": round(built["triples"] / (built["seconds"] - validate_s)),
        "build_with_shacl_triples_per_s": round(built["triples"] / built["seconds"]),
        "build_timings_s": {k: round(v, 2) for k, v in timings.items()},
        "store_mb": round(directory_mb(build_dir / "oxigraph"), 1),
        "peak_rss_mb": round(build_rss),
        "disagreement_triples": disagreement_triples(build_dir),
    }
    figures |= bulk_load_floor(build_dir, opts.work_dir, built["seconds"])
    figures |= measure_ask(data_dir, opts)
    raw = measure_raw(build_dir, figures["store_in_memory"], opts)
    figures["oxigraph_raw_p50_ms"], figures["oxigraph_raw_p95_ms"], figures["rows"] = (
        by_figure(raw, "p50_ms"), by_figure(raw, "p95_ms"), by_figure(raw, "rows")
    )  # fmt: skip
    server = Server(data_dir)
    try:
        endpoint = measure_endpoint(server, opts)
        figures["sparql_p50_ms"], figures["sparql_p95_ms"], figures["sparql_rows"] = (
            by_figure(endpoint, "p50_ms"), by_figure(endpoint, "p95_ms"), by_figure(endpoint, "rows")
        )  # fmt: skip
        answered = [n for n, t in figures["sparql_p50_ms"].items() if t is not None]
        if opts.load_seconds > 0:
            figures["load"] = measure_load(server, opts.load_seconds, answered)
        if opts.peer == "virtuoso":  # beside the embedded server, which it compares answers with
            from bench.peer import run_peer

            figures["peer"] = run_peer(build_dir, server, raw, endpoint, answered, opts)
        figures["server_peak_rss_mb"] = round(process_peak_rss_mb(server.process.pid))
        if opts.hostile:  # last: it may leave the server busy, or stop it
            figures["hostile"] = run_hostile(
                server.port, server.process.pid, server.close, opts.hostile_max_growth_mb
            )
    finally:
        server.close()
    if opts.rdflib:
        figures |= measure_rdflib(build_dir, opts)
    server = Server(data_dir)  # a new build prunes older ones: this stage comes after the others
    try:
        rebuild = partial(build_in_child, corpus, data_dir, opts.shacl)
        figures["incremental"] = measure_incremental(server, rebuild, data_dir, sources, opts.seed)
    finally:
        server.close()
    if opts.shacl:  # a rebuild after one changed source: its cost should be about that source
        touch_one_source(corpus)
        rebuilt = build_in_child(corpus, data_dir, True)
        figures["rebuild_one_source_s"] = round(rebuilt["seconds"], 2)
        figures["rebuild_validate_s"] = round(rebuilt["timings"].get("validate_s", 0.0), 2)
    return figures
