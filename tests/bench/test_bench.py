"""`kgqa bench --quick --json`: one real run (synthetic corpus, build, ask, endpoint, rdflib, wrk)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_kgqa

KEYS = {
    "triples", "build_s", "build_triples_per_s", "store_mb", "peak_rss_mb", "ask_p50_ms",
    "ask_p95_ms", "sparql_p50_ms", "rdflib_p50_ms", "oxigraph_raw_p50_ms", "validate_s", "load",
    "engine_start_s", "engine_start_afresh_s", "engine_start_store_open_s", "bulk_load_floor_s",
    "build_over_floor",
}  # fmt: skip


def test_quick_bench_reports_every_figure(tmp_path: Path) -> None:
    done = run_kgqa("bench", "--quick", "--json", "--work-dir", str(tmp_path), timeout=300)
    assert done.returncode == 0, done.stderr
    f = json.loads(done.stdout)
    assert set(f) >= KEYS
    assert 10_000 < f["triples"] < 40_000
    assert f["engine_start_from_saved"] is True  # new processes started from the saved data
    assert f["validate_s"] > 0 and f["shacl"] is True  # SHACL ran and was timed on its own
    assert 0 < f["bulk_load_floor_s"] < f["build_s"]  # the store's own load: part of the build
    assert f["rebuild_validate_s"] < f["validate_s"]  # one changed source, not the corpus
    queries = set(f["oxigraph_raw_p50_ms"])
    assert queries == set(f["sparql_p50_ms"]) == set(f["rdflib_p50_ms"]) and len(queries) >= 5
    assert f["rows"] == f["rdflib_rows"]  # the three engines answered the same queries alike
    assert all(f["rdflib_p50_ms"][q] > f["oxigraph_raw_p50_ms"][q] for q in queries)
    added, removed = f["incremental"]["add"], f["incremental"]["remove"]
    assert f["incremental"]["words"] >= 1_900  # a 2,000-word document, added then removed
    assert added["triples"] > removed["triples"] == f["triples"]  # as it was before
    assert 0 < added["build_s"] < added["current_s"] and added["served_s"] > 0
    for name in ("api_ask", "sparql"):
        load = f["load"][name]
        assert load["requests"] > 0 and load["errors"] == 0 and load["non_2xx"] == 0


def test_bench_refuses_a_used_work_dir(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    done = run_kgqa("bench", "--quick", "--work-dir", str(tmp_path))
    assert done.returncode == 2
    assert "not empty" in done.stderr and len(done.stderr.strip().splitlines()) == 1
