"""Small measuring tools: percentiles, timing a call or a set of SPARQL queries, resident memory
(of a process and of the processes it started), directory sizes."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from kg.errors import KgqaError


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed_ms(call: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds per call, over runs calls."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return times


def repeat_ms(call: Callable[[], object], runs: int, budget_s: float = 30.0) -> list[float]:
    """Milliseconds of up to `runs` calls after a warm-up call, within about budget_s: a query
    that takes minutes is timed once (its warm-up) rather than `runs` times."""
    first = timed_ms(call, 1)[0]
    if first > budget_s * 500:
        return [first]
    return timed_ms(call, max(1, min(runs, int(budget_s * 1000 / max(first, 1e-3)))))


def children_peak_rss_mb() -> float:
    """The largest resident set of any finished child process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _status_mb(pid: int, field: str) -> float:
    """A field of /proc/<pid>/status given in KiB, in MB; 0 for a process that has gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def process_peak_rss_mb(pid: int) -> float:
    """A running process's peak resident set (VmHWM), from /proc."""
    return _status_mb(pid, "VmHWM")


def rss_mb(pid: int) -> float:
    """A process's resident set now (VmRSS); 0 once it has gone."""
    return _status_mb(pid, "VmRSS")


def descendants(pid: int) -> list[int]:
    """The processes a process started, and theirs, from /proc/<pid>/task/*/children."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                pids = [int(p) for p in children.read_text().split()]
            except OSError:  # the thread or the process has just ended
                continue
            found += pids
            todo += pids
    return found


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (the state first); None once the
    process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None


def start_ticks(pid: int) -> int | None:
    """When a running process started (clock ticks since boot), to tell it from a later one that
    reuses its pid; None once it has ended (a zombie has ended)."""
    fields = _stat(pid)
    return None if fields is None or fields[0] == "Z" else int(fields[19])


def cpu_ticks(pid: int) -> int:
    """CPU time a process and the processes it started have used (clock ticks), 0 once ended."""
    found = (_stat(one) for one in (pid, *descendants(pid)))
    return sum(int(f[11]) + int(f[12]) for f in found if f is not None)  # utime, stime


IDLE_SHARE = 0.05  # of one core: a process tree using less is idle
IDLE_STEP_S = 0.5


def wait_idle(pid: int, seconds: float) -> float:
    """Wait until a process and its children are idle (IDLE_SHARE of a core over IDLE_STEP_S),
    at most `seconds`; the seconds waited."""
    tick = os.sysconf("SC_CLK_TCK")
    began = time.perf_counter()
    before = cpu_ticks(pid)
    while time.perf_counter() - began < seconds:
        time.sleep(IDLE_STEP_S)
        now = cpu_ticks(pid)
        if now - before <= IDLE_SHARE * IDLE_STEP_S * tick:
            break
        before = now
    return time.perf_counter() - began


def available_mb() -> float:
    """Memory the system can still give out (MemAvailable)."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return 0.0


def directory_mb(path: Path) -> float:
    total = 0
    for root, _, names in os.walk(path):
        total += sum((Path(root) / n).stat().st_size for n in names)
    return total / 1e6


class QueryTimeout(KgqaError):
    """A server stopped a query at its time limit (HTTP 503)."""


def sparql_rows(body: bytes) -> int:
    """The number of rows of a SPARQL JSON SELECT result."""
    return len(json.loads(body)["results"]["bindings"])


XSD = "http://www.w3.org/2001/XMLSchema#"
# Oxigraph keeps an xsd:nonNegativeInteger as xsd:integer, Virtuoso does not: compare numbers.
NUMBERS = {
    XSD + name
    for name in (
        "integer",
        "decimal",
        "double",
        "float",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}


def _term_key(term: dict[str, str]) -> tuple[str, ...]:
    """A JSON result term as engines agree on it: blank node labels, plain xsd:string, the
    lexical form of numbers and Virtuoso's 1/0 booleans made one."""
    kind, value, datatype = term["type"], term["value"], term.get("datatype", "")
    if kind == "bnode":
        return ("bnode",)
    if kind == "uri":
        return ("uri", value)
    if datatype in NUMBERS:
        with contextlib.suppress(ArithmeticError):
            return ("number", str(Decimal(value).normalize()))
    if datatype == XSD + "boolean":
        return ("boolean", {"1": "true", "0": "false"}.get(value, value))
    datatype = "" if datatype == XSD + "string" else datatype
    return ("literal", value, datatype, term.get("xml:lang", ""))


def rows_digest(body: bytes) -> str:
    """A short digest of a SPARQL JSON SELECT result's rows as a multiset (order ignored), to
    tell whether two engines gave the same rows."""
    rows = sorted(
        repr(sorted((name, _term_key(term)) for name, term in row.items()))
        for row in json.loads(body)["results"]["bindings"]
    )
    return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()[:12]


def time_queries(
    texts: dict[str, str], run: Callable[[str], bytes], runs: int, *, keep_errors: bool = False
) -> dict[str, dict[str, Any] | None]:
    """p50 and p95 milliseconds, rows and their digest for each query, run by run(text) ->
    SPARQL JSON (see repeat_ms); None for a query whose run raises QueryTimeout; with
    keep_errors, {"error": message} for one that raises another KgqaError."""
    found: dict[str, dict[str, Any] | None] = {}
    for name, text in texts.items():
        last: list[bytes] = []

        def call(text: str = text, last: list[bytes] = last) -> None:
            last[:] = [run(text)]

        try:
            times = repeat_ms(call, runs)
        except QueryTimeout:
            found[name] = None
            continue
        except KgqaError as exc:
            if not keep_errors:
                raise
            found[name] = {"error": str(exc)}
            continue
        found[name] = {
            "p50_ms": round(percentile(times, 0.5), 3),
            "p95_ms": round(percentile(times, 0.95), 3),
            "rows": sparql_rows(last[0]),
            "digest": rows_digest(last[0]),
        }
    return found
