"""`kgqa bench --hostile`: the real server under breakout paths and whole-graph downloads."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

from bench.hostile import BREAKOUT, FORMATS, KINDS, REQUEST_S, STAGE_S, requests
from tests.conftest import run_kgqa

GROUP_KEYS = {"requests", "2xx", "4xx", "5xx", "no_response", "cut", "not_sent"}


def test_the_stage_sends_every_breakout_kind_and_format_and_the_downloads() -> None:
    jobs = requests(["000", "001"])
    groups = Counter(group for group, _, _ in jobs)
    assert groups == {"breakout": 200, "download": 20}
    breakouts = {(path, accept) for group, path, accept in jobs if group == "breakout"}
    assert len(breakouts) == len(KINDS) * len(FORMATS)
    for path, accept in breakouts:
        assert " " not in path and "#" not in path  # quoted: the server decodes the IRI
        assert unquote(path.split("?")[0]).endswith("/" + BREAKOUT)
        assert ("?format=" in path) == (accept != "text/html")
    downloads = {path for group, path, _ in jobs if group == "download"}
    assert {"/graph/source/000?format=ttl", "/data/kgqa.nq", "/data/kgqa.ttl"} <= downloads


def test_quick_hostile_bench_finishes_and_reports(tmp_path: Path) -> None:
    done = run_kgqa(
        *("bench", "--quick", "--hostile", "--json", "--load", "0", "--no-rdflib"),
        *("--no-shacl", "--work-dir", str(tmp_path)),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    h = json.loads(done.stdout)["hostile"]
    assert h["rounds"] >= 1
    for group, sent in (("breakout", 200 * h["rounds"]), ("download", 20 * h["rounds"])):
        counts = h[group]
        assert set(counts) >= GROUP_KEYS and counts["requests"] == sent
        answered = sum(counts[c] for c in ("2xx", "3xx", "4xx", "5xx"))
        assert answered + counts["no_response"] + counts["cut"] + counts["not_sent"] == sent
    assert h["cut"] == h["breakout"]["cut"] + h["download"]["cut"]
    assert h["home"]["requests"] >= 1
    for key in ("idle_rss_mb", "peak_rss_mb"):
        assert 0 < h[key]["web"] <= h[key]["with_children"]
    assert h["peak_rss_mb"]["with_children"] >= h["idle_rss_mb"]["with_children"]
    assert isinstance(h["stopped_at_rss_limit"], bool)
    assert h["seconds"] < STAGE_S + REQUEST_S + 40  # the stage ends, whatever the server does
