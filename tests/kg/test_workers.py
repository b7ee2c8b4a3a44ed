"""Query workers: the time limit covers running a query, not a worker opening its store."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from kg.workers import QueryJob, QueryTimeout, QueryWorkers, WorkersBusy
from tests.conftest import Built

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/kgqa/ontology#Claim> }"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def job(query: str, seconds: float) -> QueryJob:
    return QueryJob(query, "application/sparql-results+json", "text/turtle", 100, seconds)


def test_an_opening_worker_is_busy_not_timed_out_then_answers(built: Built) -> None:
    workers = QueryWorkers(str(built.report.build_dir), size=1, memory=True)
    try:
        assert workers.ready_count == 0
        with pytest.raises(WorkersBusy, match="still opening"):
            workers.run(job(QUERY, 0.05))  # spawning and loading take longer than 50 ms
        for _ in range(100):  # then the same limit is enough for the query itself
            try:
                body, _, _ = workers.run(job(QUERY, 0.05))
                break
            except WorkersBusy:
                time.sleep(0.1)
        assert workers.ready_count == 1
        count = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
        assert count >= 70  # the real corpus's claims
        with pytest.raises(QueryTimeout):
            workers.run(job(CARTESIAN, 0.3))
        assert workers.ready_count == 0  # the stopped worker's replacement is opening the store
    finally:
        workers.close()


def test_workers_over_a_build_that_is_gone_say_so_at_once(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    workers = QueryWorkers(str(tmp_path / "removed-build"), size=2)
    try:
        began = time.monotonic()
        assert not workers.wait_ready(60)
        assert time.monotonic() - began < 30  # not the whole minute
        assert "cannot open the store" in (workers.failed or "")
    finally:
        workers.close()
    assert "Traceback" not in capfd.readouterr().err  # the worker said why, and ended
