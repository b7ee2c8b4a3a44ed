"""`kgqa bench --peer virtuoso`: the bench's build, queries, questions and load on a Virtuoso the
bench starts for the run, side by side with the embedded store.

The Virtuoso (scripts/virtuoso, in a temporary folder, on free loopback ports) gets buffers sized
from the build's quads and the free memory, and is loaded with its bulk loader (`ld_dir` +
`rdf_loader_run`) from the build's N-Quads snapshot, one file per named graph, with the union
graph and the meta graph a push would write. Then, against (a) the embedded endpoint (measured by
bench.run, beside raw pyoxigraph), (b) Virtuoso's own /sparql, its default graph the union graph,
and (c) `kgqa serve` with KGQA_STORE on that Virtuoso:
the same queries (p50, p95, rows and a digest of the rows, compared), the same questions, the same
wrk load. The server is stopped and its folder removed at the end, on errors and on Ctrl-C too.
"""

from __future__ import annotations

import contextlib
import json
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

import pyoxigraph as ox

from bench.ask import questions, warm_ask_ms
from bench.load import run_wrk
from bench.measure import available_mb, percentile, process_peak_rss_mb, start_ticks, time_queries
from bench.run import (
    RESULTS_JSON,
    Options,
    Server,
    ask_paths,
    queries,
    sparql_get,
    sparql_paths,
)
from bench.virtuoso import Virtuoso
from kg.dumps import snapshot_path
from kg.errors import KgqaError
from kg.remote import META, meta_triples
from kg.vocab import UNION_GRAPH

PAGE_BYTES = 8192  # Virtuoso's buffer: one database page
BYTES_PER_QUAD = 130  # database size per quad, measured: 1M quads -> ~122 MB (bench.peer)
MIN_BUFFERS = 10_000  # the package's default (80 MB)
MEMORY_SHARE = 0.4  # of the memory available at start: the kgqa servers need the rest
LOADERS = 2  # rdf_loader_run sessions in parallel: one per core here
TARGETS = ("oxigraph", "endpoint", "virtuoso", "kgqa_virtuoso")


def buffer_settings(quads: int, free_mb: float) -> dict[str, int]:
    """NumberOfBuffers for twice the database the quads make (room for the loader and query
    working sets), at most MEMORY_SHARE of the free memory, at least the package's default;
    MaxDirtyBuffers three quarters of it, as in the package's own table."""
    wanted = 2 * quads * BYTES_PER_QUAD // PAGE_BYTES
    cap = int(free_mb * 1e6 * MEMORY_SHARE / PAGE_BYTES)
    buffers = max(MIN_BUFFERS, min(wanted, cap))
    return {"NumberOfBuffers": buffers, "MaxDirtyBuffers": buffers * 3 // 4}


def split_by_graph(snapshot: Path, folder: Path) -> dict[str, int]:
    """The snapshot's quads written one file per named graph (folder/gNNNNN.nq, appended to when
    a graph comes back), and each file's triples again in the union graph (uNNNNN.nq: the
    loader scopes blank node labels to a file, as a push scopes them to a request), for the bulk
    loader; quads per graph IRI. Every quad of a build is in a named graph, its IRI the last
    term of the line."""
    counts: dict[str, int] = {}
    numbers: dict[str, int] = {}
    current = ""  # the graph being written
    files: list[TextIO] = []  # its file, and its file in the union graph
    in_union = f" <{UNION_GRAPH}> .\n"
    try:
        with snapshot.open(encoding="utf-8") as lines:
            for line in lines:
                head = line.rstrip().removesuffix(".").rstrip()
                if not head or head.startswith("#"):
                    continue
                triple, _, graph = head.rpartition(" <")
                graph = graph.removesuffix(">")
                if graph != current:
                    _close(files)
                    number = numbers.setdefault(graph, len(numbers))
                    files = [
                        (folder / f"{kind}{number:05}.nq").open("a", encoding="utf-8")
                        for kind in ("g", "u")
                    ]
                    current = graph
                files[0].write(line)
                files[1].write(triple + in_union)
                counts[graph] = counts.get(graph, 0) + 1
    finally:
        _close(files)
    return counts


def _close(files: list[TextIO]) -> None:
    for file in files:
        file.close()


def bulk_load(virtuoso: Virtuoso, snapshot: Path, build_id: str) -> dict[str, Any]:
    """Load the snapshot, its union graph and the meta graph (the build id, its graphs and the
    union graph) with the bulk loader: LOADERS rdf_loader_run sessions in parallel, then a
    checkpoint; seconds and counts."""
    folder = virtuoso.folder / "load"
    folder.mkdir()
    began = time.perf_counter()
    graphs = split_by_graph(snapshot, folder)
    meta = (ox.Quad(t.subject, t.predicate, t.object, META) for t in meta_triples(build_id, graphs))
    ox.serialize(meta, str(folder / "meta.nq"), format=ox.RdfFormat.N_QUADS)
    split_s = time.perf_counter() - began
    virtuoso.isql(f"ld_dir('{folder}', '*.nq', 'https://w3id.org/kgqa/graph/none');")
    began = time.perf_counter()
    sessions = [virtuoso.isql_process("rdf_loader_run();") for _ in range(LOADERS)]
    for session in sessions:
        virtuoso.finish(session)
    virtuoso.isql("checkpoint;")
    load_s = time.perf_counter() - began
    failed = virtuoso.isql(
        "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;"
    )
    if "0 Rows." not in failed:
        raise KgqaError(f"Virtuoso's bulk loader failed on some files: {failed.strip()[-400:]}")
    return {
        "quads": sum(graphs.values()),
        "graphs": len(graphs),
        "split_s": round(split_s, 2),
        "load_s": round(load_s, 2),
        "quads_per_s": round(sum(graphs.values()) / load_s),
        "db_mb": round((virtuoso.folder / "virtuoso.db").stat().st_size / 1e6, 1),
    }


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt meanwhile, so that cleanup runs as on Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_peer(
    build_dir: Path,
    server: Server,
    raw: dict[str, Any],
    endpoint: dict[str, Any],
    answered: list[str],
    opts: Options,
) -> dict[str, Any]:
    """The peer stage, with the embedded endpoint (server) still running."""
    snapshot = snapshot_path(build_dir)
    quads = sum(1 for _ in snapshot.open("rb"))
    settings = buffer_settings(2 * quads, available_mb())  # the graphs and their union
    with terminate_as_interrupt(), Virtuoso(settings) as virtuoso:
        figures: dict[str, Any] = {"engine": virtuoso.version(), "settings": settings}
        figures["folder"], figures["pid"] = str(virtuoso.folder), virtuoso.pid
        figures |= bulk_load(virtuoso, snapshot, build_dir.name)
        direct = time_queries(
            queries(),
            sparql_get(virtuoso.http_port, str(UNION_GRAPH)),
            opts.query_runs,
            keep_errors=True,
        )
        by_target = {"oxigraph": raw, "endpoint": endpoint, "virtuoso": direct}
        with tempfile.TemporaryDirectory(prefix="kgqa-peer-") as empty:
            try:
                over = Server(Path(empty), extra_env={"KGQA_STORE": virtuoso.url})
            except KgqaError as exc:  # Virtuoso's own figures are kept; kgqa over it is not run
                figures["kgqa_virtuoso_error"] = str(exc)
            else:
                try:
                    by_target["kgqa_virtuoso"] = time_queries(
                        queries(), sparql_get(over.port), opts.query_runs, keep_errors=True
                    )
                    figures |= _questions_and_load(server, over, virtuoso, answered, opts)
                finally:
                    over.close()
        figures["queries"] = compare_queries(by_target)
        figures["peak_rss_mb"] = round(process_peak_rss_mb(virtuoso.pid))
    figures["stopped"] = start_ticks(virtuoso.pid) is None
    figures["folder_removed"] = not virtuoso.folder.exists()
    mismatches = [
        f"{name}: {q['mismatch']}" for name, q in figures["queries"].items() if q["mismatch"]
    ]
    figures["rows_equal"], figures["mismatches"] = not mismatches, mismatches
    return figures


def _questions_and_load(
    server: Server, over: Server, virtuoso: Virtuoso, answered: list[str], opts: Options
) -> dict[str, Any]:
    """kgqa over Virtuoso (`over`): its answers against the embedded server's, and its load."""
    found: dict[str, Any] = {"ask": measure_questions(server, over, virtuoso.url, opts)}
    if opts.load_seconds > 0:
        found["load"] = peer_load(virtuoso, over, opts.load_seconds, answered)
    found["kgqa_virtuoso_peak_rss_mb"] = round(process_peak_rss_mb(over.process.pid))
    return found


def compare_queries(by_target: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per query: rows, p50, p95 on each target, and what differs (rows or their digest; an
    error or a time limit); '' when all agree."""
    found = {}
    for name in queries():
        figures = {t: by_target[t].get(name) for t in TARGETS if t in by_target}
        answered = {t: f for t, f in figures.items() if f is not None and "error" not in f}
        problems = [f"{t}: {'time limit' if f is None else f['error']}"
                    for t, f in figures.items() if t not in answered]  # fmt: skip
        counts = {t: f["rows"] for t, f in answered.items()}
        if len(set(counts.values())) > 1:
            problems.append("rows " + ", ".join(f"{t} {n}" for t, n in counts.items()))
        elif len({f["digest"] for f in answered.values()}) > 1:
            problems.append("same row counts, different rows: " + ", ".join(
                f"{t} {f['digest']}" for t, f in answered.items()))  # fmt: skip
        found[name] = {
            "rows": {t: f["rows"] for t, f in answered.items()},
            "p50_ms": {t: f["p50_ms"] for t, f in answered.items()},
            "p95_ms": {t: f["p95_ms"] for t, f in answered.items()},
            "mismatch": "; ".join(problems),
        }
    return found


def measure_questions(embedded: Server, over: Server, url: str, opts: Options) -> dict[str, Any]:
    """The engine over Virtuoso in this process (start, warm p50/p95, cache bypassed, as
    bench.run measures the embedded one), and /api/ask compared on both servers."""
    from kg.remote import RemoteStore
    from qa.engine import Engine

    began = time.perf_counter()
    engine = Engine(RemoteStore(url))
    start_s = time.perf_counter() - began
    asked = questions()
    times = [t for ts in warm_ask_ms(engine, asked, opts.ask_rounds).values() for t in ts]
    differing = [
        q for q in dict.fromkeys(asked)
        if json.loads(embedded.get("/api/ask?q=" + quote(q))) != json.loads(over.get("/api/ask?q=" + quote(q)))
    ]  # fmt: skip
    return {
        "engine_start_s": round(start_s, 3),
        "p50_ms": round(percentile(times, 0.5), 3),
        "p95_ms": round(percentile(times, 0.95), 3),
        "questions": len(set(asked)),
        "answers_differ": differing,
    }


def peer_load(
    virtuoso: Virtuoso, over: Server, seconds: int, answered: list[str]
) -> dict[str, Any]:
    """wrk as bench.run loads the embedded server: /sparql on Virtuoso itself; /api/ask and
    /sparql on kgqa over Virtuoso."""
    base = f"http://127.0.0.1:{virtuoso.http_port}"
    return {
        "virtuoso": {
            "sparql": run_wrk(
                base, sparql_paths(answered, str(UNION_GRAPH)), seconds, accept=RESULTS_JSON
            )
        },
        "kgqa_virtuoso": {
            "api_ask": run_wrk(over.url, ask_paths(), seconds),
            "sparql": run_wrk(over.url, sparql_paths(answered), seconds, accept=RESULTS_JSON),
        },
    }


def table_lines(peer: dict[str, Any], embedded_load: dict[str, Any] | None) -> list[str]:
    """The peer stage in the bench's text style."""
    s = peer["settings"]
    lines = [
        "",
        f"peer {peer['engine']}: bulk load {peer['load_s']} s ({peer['quads']:,} quads in "
        f"{peer['graphs']} graphs, {peer['quads_per_s']:,} quads/s; split {peer['split_s']} s), "
        f"NumberOfBuffers {s['NumberOfBuffers']:,}, MaxDirtyBuffers {s['MaxDirtyBuffers']:,}, "
        f"database {peer['db_mb']} MB, peak RSS {peer['peak_rss_mb']:,} MB",
        f"{'query p50/p95 ms':30} {'rows':>6} {'oxigraph':>15} {'endpoint':>15} "
        f"{'virtuoso':>15} {'kgqa+virtuoso':>15}",
    ]
    for name, q in peer["queries"].items():
        cells = [
            f"{q['p50_ms'][t]:.1f}/{q['p95_ms'][t]:.1f}" if t in q["p50_ms"] else "-"
            for t in TARGETS
        ]
        rows = q["rows"].get("oxigraph", "-")
        lines.append(f"{name:30} {rows:>6} " + " ".join(f"{c:>15}" for c in cells))
    lines.append(
        "rows equal on all targets: " + ("yes" if peer["rows_equal"] else "NO: " + "; ".join(peer["mismatches"]))
    )  # fmt: skip
    if "kgqa_virtuoso_error" in peer:
        lines.append(f"kgqa over virtuoso: not measured: {peer['kgqa_virtuoso_error']}")
    else:
        a = peer["ask"]
        lines.append(
            f"ask over virtuoso: engine start {a['engine_start_s']} s, p50 {a['p50_ms']} ms, "
            f"p95 {a['p95_ms']} ms; /api/ask answers as the embedded server's: "
            f"{a['questions'] - len(a['answers_differ'])}/{a['questions']}"
        )
    loads = {("endpoint", k): v for k, v in (embedded_load or {}).items()}
    for target, by_path in peer.get("load", {}).items():
        loads |= {(target, k): v for k, v in by_path.items()}
    for (target, path), load in loads.items():
        lines.append(
            f"load {target} {path}: {load['rps']} req/s, p50 {load['p50_ms']} ms, "
            f"p95 {load['p95_ms']} ms, errors {load['errors']}, non-2xx {load['non_2xx']}"
        )
    lines.append(
        f"virtuoso stopped: {'yes' if peer['stopped'] else 'NO'}, "
        f"folder removed: {'yes' if peer['folder_removed'] else 'NO'}"
    )
    return lines
