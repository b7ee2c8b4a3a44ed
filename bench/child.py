"""A build in a child process, as `kgqa build` runs one: this module imports little, so that the
spawned child starts as fast as the command does (importing the bench would add a second)."""

from __future__ import annotations

import multiprocessing
import queue
from pathlib import Path
from typing import Any

from kg.errors import KgqaError


def _child_build(corpus: Path, data_dir: Path, shacl: bool, out: Any) -> None:
    from kg.build import build

    try:
        report = build(corpus, data_dir, shacl=shacl)
        out.put({"triples": report.triples, "claims": report.claims, "seconds": report.seconds,
                 "timings": report.timings, "sources": report.sources,
                 "disagreements": report.disagreements, "build_id": report.build_id,
                 "incremental": report.incremental, "full_reason": report.full_reason})  # fmt: skip
    except Exception as exc:  # reported to the parent as one line
        out.put(f"{type(exc).__name__}: {exc}")


def build_in_child(corpus: Path, data_dir: Path, shacl: bool) -> dict[str, Any]:
    """Build in a child process (spawned: a forked one can deadlock in the store's threads), so that
    its peak memory is measured on its own."""
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    child = ctx.Process(target=_child_build, args=(corpus, data_dir, shacl, results))
    child.start()
    try:
        result = results.get(timeout=6 * 3600)
    except queue.Empty as exc:
        child.kill()
        raise KgqaError("the build did not finish") from exc
    child.join()
    if isinstance(result, str):
        raise KgqaError(f"build failed: {result}")
    return dict(result)
