"""Small measuring tools: percentiles, timing a call, resident memory, directory sizes."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable
from pathlib import Path


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


def process_peak_rss_mb(pid: int) -> float:
    """A running process's peak resident set (VmHWM), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def directory_mb(path: Path) -> float:
    total = 0
    for root, _, names in os.walk(path):
        total += sum((Path(root) / n).stat().st_size for n in names)
    return total / 1e6
