"""`kgqa bench --peer virtuoso` on the bundled corpus: the same rows from raw pyoxigraph, the
embedded endpoint, Virtuoso itself and kgqa over Virtuoso, and the Virtuoso gone afterwards.
Skipped when Virtuoso is not installed (the pure parts run everywhere)."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.measure import start_ticks
from bench.peer import buffer_settings, compare_queries, split_by_graph, table_lines
from bench.run import queries
from bench.virtuoso import virtuoso_installed
from kg.resources import bundled_corpus
from kg.vocab import UNION_GRAPH
from tests.conftest import run_kgqa

TARGETS = {"oxigraph", "endpoint", "virtuoso", "kgqa_virtuoso"}


@pytest.mark.skipif(not virtuoso_installed(), reason="Virtuoso (virtuoso-t, isql-vt) not installed")
def test_peer_bench_gives_equal_rows_and_stops_virtuoso(tmp_path: Path) -> None:
    done = run_kgqa(
        *("bench", "--quick", "--json", "--no-rdflib", "--no-shacl", "--load", "1"),
        *("--corpus", str(bundled_corpus()), "--peer", "virtuoso", "--work-dir", str(tmp_path)),
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    peer = json.loads(done.stdout)["peer"]
    assert peer["rows_equal"] is True and peer["mismatches"] == []
    assert set(peer["queries"]) == set(queries())
    for figures in peer["queries"].values():
        assert set(figures["rows"]) == set(figures["p50_ms"]) == TARGETS
        assert len(set(figures["rows"].values())) == 1
    assert sum(q["rows"]["virtuoso"] for q in peer["queries"].values()) > 0
    assert peer["ask"]["answers_differ"] == [] and peer["ask"]["questions"] >= 20
    assert peer["quads"] > 5000 and peer["graphs"] >= 3
    for target in ("virtuoso", "kgqa_virtuoso"):
        for load in peer["load"][target].values():
            assert load["requests"] > 0 and load["errors"] == 0 and load["non_2xx"] == 0
    assert peer["stopped"] and peer["folder_removed"]
    assert start_ticks(peer["pid"]) is None  # checked here too, not only by the bench
    assert not Path(peer["folder"]).exists()


def test_buffers_grow_with_the_data_within_the_free_memory() -> None:
    assert buffer_settings(1_000, free_mb=20_000)["NumberOfBuffers"] == 10_000  # the default
    million = buffer_settings(1_000_000, free_mb=20_000)
    assert (
        10_000 < million["NumberOfBuffers"] < buffer_settings(10_000_000, 20_000)["NumberOfBuffers"]
    )
    assert million["MaxDirtyBuffers"] == million["NumberOfBuffers"] * 3 // 4
    capped = buffer_settings(100_000_000, free_mb=1_000)["NumberOfBuffers"]
    assert capped * 8192 <= 1_000e6 * 0.5


def test_snapshot_is_split_one_file_per_graph(tmp_path: Path) -> None:
    snapshot = tmp_path / "kgqa.nq"
    lines = [
        '<https://e.org/s> <https://e.org/p> "a <https://e.org/x> . b" <https://e.org/g1> .\n',
        "<https://e.org/s> <https://e.org/p> _:b1 <https://e.org/g2> .\n",
        "_:b1 <https://e.org/p> <https://e.org/o> <https://e.org/g2> .\n",
        "<https://e.org/s> <https://e.org/q> <https://e.org/o> <https://e.org/g1> .\n",
    ]
    snapshot.write_text("".join(lines), encoding="utf-8")
    (tmp_path / "out").mkdir()
    counts = split_by_graph(snapshot, tmp_path / "out")
    assert counts == {"https://e.org/g1": 2, "https://e.org/g2": 2}
    written = sorted(p.read_text(encoding="utf-8") for p in (tmp_path / "out").glob("g*.nq"))
    assert written == sorted([lines[0] + lines[3], lines[1] + lines[2]])
    # each graph's triples again in the union graph, in a file of their own (blank node labels
    # are scoped to a file by the loader, so the union's _:b1 is one node, as in g2)
    unions = [
        list(ox.parse(path=str(p), format=ox.RdfFormat.N_QUADS))
        for p in sorted((tmp_path / "out").glob("u*.nq"))
    ]
    assert [len(u) for u in unions] == [2, 2]
    assert {q.graph_name.value for u in unions for q in u} == {str(UNION_GRAPH)}
    assert [q.object for q in unions[0]] == [ox.Literal("a <https://e.org/x> . b"),
                                             ox.NamedNode("https://e.org/o")]  # fmt: skip


def test_a_row_mismatch_is_reported() -> None:
    def timed(rows: int, digest: str = "d") -> dict[str, object]:
        return {"p50_ms": 1.0, "p95_ms": 2.0, "rows": rows, "digest": digest}

    name = next(iter(queries()))
    found = compare_queries(
        {
            "oxigraph": {name: timed(3)},
            "endpoint": {name: timed(3)},
            "virtuoso": {name: timed(4)},
            "kgqa_virtuoso": {name: None},
        }
    )[name]
    assert "virtuoso 4" in found["mismatch"] and "kgqa_virtuoso: time limit" in found["mismatch"]
    same_count = compare_queries({t: {name: timed(3, t)} for t in TARGETS})[name]
    assert "different rows" in same_count["mismatch"]


def test_without_kgqa_over_virtuoso_the_other_figures_are_kept() -> None:
    """When kgqa over Virtuoso does not start, Virtuoso's own figures are still compared and
    printed, and the stage says what was not measured."""
    figures = {"p50_ms": 1.0, "p95_ms": 2.0, "rows": 3, "digest": "d"}
    name = next(iter(queries()))
    three = {t: {name: figures} for t in ("oxigraph", "endpoint", "virtuoso")}
    found = compare_queries(three)[name]
    assert found["mismatch"] == "" and set(found["rows"]) == set(three)
    peer = {
        "engine": "Virtuoso",
        "settings": {"NumberOfBuffers": 10_000, "MaxDirtyBuffers": 7_500},
        **{"load_s": 1.0, "quads": 9, "graphs": 2, "quads_per_s": 9, "split_s": 0.1},
        **{"db_mb": 1.0, "peak_rss_mb": 100, "stopped": True, "folder_removed": True},
        "queries": {name: found},
        "rows_equal": True,
        "mismatches": [],
        "kgqa_virtuoso_error": "kgqa serve exited while starting: no answer within 30 s",
    }
    text = "\n".join(table_lines(peer, None))
    assert "kgqa over virtuoso: not measured: kgqa serve exited" in text
    assert f"{name:30}" in text and "rows equal on all targets: yes" in text
