"""`kgqa bench --hostile`: the real `kgqa serve` that bench started, under hostile load on loopback.

In parallel (a bounded thread pool): GETs of linked-data paths whose IRI tries to break out of
the server's queries (`/concept/x> } ?a ?b ?c . ...`, as RDF and as HTML) and whole-graph
downloads, while one loop requests the home page; the burst is sent again until the home page
has been timed HOME_SAMPLES times (or the stage's time is up). Reported: the server's resident memory idle and
at its peak (the web process alone and with its child processes, sampled every 50 ms), the home
page's latency during the load (a request cut at the time limit counts as the limit), responses
by status class, and requests cut at the time limit.

The stage always ends: every request has a time limit, no request starts after the stage's own
limit, and if the server's memory grows by more than a bound the stage stops the server (the
process bench started) rather than let it take the machine.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import quote

from bench.measure import available_mb, descendants, percentile, rss_mb
from kg.dumps import DUMPS

BREAKOUT = "x> } ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } #"
KINDS = ("concept", "claim", "effect", "disagreement", "authority", "graph", "source")
FORMATS = ("ttl", "nt", "jsonld", "")  # "": as HTML
BREAKOUT_REQUESTS = 200
DOWNLOAD_REQUESTS = 20
THREADS = 16
REQUEST_S = 30.0  # a request not finished by then is cut and counted
STAGE_S = 90.0  # no request starts later than this
SAMPLE_S = 0.05
HOME_SAMPLES = 100  # the burst is sent again until the home page has been timed this often
CLASSES = ("2xx", "3xx", "4xx", "5xx")


@dataclass(frozen=True)
class Outcome:
    status: int | None = None  # None: no response
    ms: float = 0.0
    cut: bool = False  # not finished within REQUEST_S
    sent: bool = True


def breakout_paths() -> list[tuple[str, str]]:
    """(path, Accept) of BREAKOUT_REQUESTS GETs: the breakout IRI under every kind of
    linked-data path, in every RDF format and as HTML, taken in turn."""
    tail = quote(BREAKOUT, safe="")
    every = [
        (f"/{kind}/{tail}" + (f"?format={fmt}" if fmt else ""), "*/*" if fmt else "text/html")
        for kind in KINDS
        for fmt in FORMATS
    ]
    return [every[i % len(every)] for i in range(BREAKOUT_REQUESTS)]


def download_paths(slugs: list[str]) -> list[tuple[str, str]]:
    """(path, Accept) of DOWNLOAD_REQUESTS whole-graph downloads: named graphs and dumps."""
    every = [
        "/graph/inferred?format=nt",
        *(f"/graph/source/{quote(slug)}?format=ttl" for slug in slugs),
        *(f"/data/{name}" for name in DUMPS),
        "/graph/ontology?format=ttl",
        "/graph/inferred?format=ttl",
    ]
    return [(every[i % len(every)], "*/*") for i in range(DOWNLOAD_REQUESTS)]


def requests(slugs: list[str]) -> list[tuple[str, str, str]]:
    """(group, path, Accept) of every request of the stage, the downloads spread evenly among
    the breakouts."""
    breakouts, downloads = breakout_paths(), download_paths(slugs)
    step = len(breakouts) // len(downloads)
    found = []
    for i, (path, accept) in enumerate(breakouts):
        if i % step == 0 and i // step < len(downloads):
            found.append(("download", *downloads[i // step]))
        found.append(("breakout", path, accept))
    return found


def fetch(port: int, path: str, accept: str) -> Outcome:
    """GET path on loopback and read the whole body, within REQUEST_S."""
    began = time.monotonic()
    deadline = began + REQUEST_S
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_S)
    try:
        conn.request("GET", path, headers={"Accept": accept})
        sock = conn.sock  # each wait for the server is bounded by the time left
        assert sock is not None
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        response = conn.getresponse()
        while response.read(1 << 16):
            if time.monotonic() > deadline:
                raise TimeoutError
            sock.settimeout(max(0.01, deadline - time.monotonic()))
        return Outcome(status=response.status, ms=(time.monotonic() - began) * 1000)
    except TimeoutError:
        return Outcome(ms=REQUEST_S * 1000, cut=True)
    except (OSError, http.client.HTTPException):  # refused, reset: the server is down or full
        return Outcome(ms=(time.monotonic() - began) * 1000)
    finally:
        conn.close()


def source_slugs(port: int) -> list[str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_S)
    try:
        conn.request("GET", "/api/sources", headers={"Accept": "application/json"})
        return [source["slug"] for source in json.loads(conn.getresponse().read())]
    finally:
        conn.close()


class MemorySampler(threading.Thread):
    """Samples the resident memory of a process and of its descendants every SAMPLE_S; calls
    on_limit once if the two together pass limit_mb."""

    def __init__(self, pid: int, limit_mb: float, on_limit: Callable[[], None]) -> None:
        super().__init__(daemon=True)
        self.pid, self.limit_mb, self.on_limit = pid, limit_mb, on_limit
        self.peak_web, self.peak_with_children = tree_rss_mb(pid)
        self.limit_reached = False
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_S):
            web, with_children = tree_rss_mb(self.pid)
            self.peak_web = max(self.peak_web, web)
            self.peak_with_children = max(self.peak_with_children, with_children)
            if with_children > self.limit_mb and not self.limit_reached:
                self.limit_reached = True
                self.on_limit()


def tree_rss_mb(pid: int) -> tuple[float, float]:
    """(the process's resident memory, with its descendants'), in MB."""
    web = rss_mb(pid)
    return web, web + sum(rss_mb(child) for child in descendants(pid))


def _home_loop(port: int, done: threading.Event, outcomes: list[Outcome]) -> None:
    while not done.is_set():
        outcomes.append(fetch(port, "/", "text/html"))
        done.wait(0.02)


def _fetch_before(port: int, last_start: float, job: tuple[str, str, str]) -> Outcome:
    if time.monotonic() > last_start:
        return Outcome(sent=False)
    return fetch(port, job[1], job[2])


def run_hostile(
    port: int, pid: int, stop_server: Callable[[], None], max_growth_mb: float
) -> dict[str, Any]:
    """The hostile stage against the server on port (process pid); stop_server stops it if its
    memory grows by more than max_growth_mb (or half the memory available, if less)."""
    jobs = requests(source_slugs(port))
    idle_web, idle_with_children = tree_rss_mb(pid)
    growth = min(max_growth_mb, available_mb() / 2)
    sampler = MemorySampler(pid, idle_with_children + growth, stop_server)
    home: list[Outcome] = []
    home_done = threading.Event()
    home_thread = threading.Thread(target=_home_loop, args=(port, home_done, home), daemon=True)
    began = time.monotonic()
    sampler.start()
    home_thread.start()
    outcomes: list[Outcome] = []
    rounds = 0
    with ThreadPoolExecutor(THREADS) as pool:
        while rounds == 0 or (len(home) < HOME_SAMPLES and time.monotonic() < began + STAGE_S):
            outcomes += pool.map(partial(_fetch_before, port, began + STAGE_S), jobs)
            rounds += 1
    jobs = jobs * rounds
    home_done.set()
    home_thread.join(REQUEST_S + 5)
    sampler.done.set()
    sampler.join()
    groups = {
        group: summary([o for job, o in zip(jobs, outcomes, strict=True) if job[0] == group])
        for group in ("breakout", "download")
    }
    waited = [o.ms for o in home if o.status is not None or o.cut]  # a cut one: the limit
    return {
        **groups,
        "status": {c: sum(g[c] for g in groups.values()) for c in CLASSES},
        "cut": sum(o.cut for o in outcomes),
        "rounds": rounds,
        "request_limit_s": REQUEST_S,
        "home": summary(home)
        | {
            "p50_ms": round(percentile(waited, 0.5), 1) if waited else None,
            "p95_ms": round(percentile(waited, 0.95), 1) if waited else None,
        },
        "idle_rss_mb": {"web": round(idle_web), "with_children": round(idle_with_children)},
        "peak_rss_mb": {
            "web": round(sampler.peak_web),
            "with_children": round(sampler.peak_with_children),
        },
        "rss_limit_mb": round(sampler.limit_mb),
        "stopped_at_rss_limit": sampler.limit_reached,
        "seconds": round(time.monotonic() - began, 1),
    }


def summary(outcomes: list[Outcome]) -> dict[str, int]:
    """Requests, responses by status class, no response, cut at the time limit, not sent."""
    counts = {c: 0 for c in CLASSES}
    for o in outcomes:
        if o.status is not None:
            counts[f"{o.status // 100}xx"] = counts.get(f"{o.status // 100}xx", 0) + 1
    return {
        "requests": len(outcomes),
        **counts,
        "no_response": sum(o.sent and o.status is None and not o.cut for o in outcomes),
        "cut": sum(o.cut for o in outcomes),
        "not_sent": sum(not o.sent for o in outcomes),
    }


def table_lines(h: dict[str, Any]) -> list[str]:
    cut = f"cut at {h['request_limit_s']:g} s"

    def counts(s: dict[str, int]) -> str:
        return ", ".join(f"{c} {s[c]}" for c in CLASSES) + (
            f", no response {s['no_response']}, {cut} {s['cut']}, not sent {s['not_sent']}"
        )

    home, idle, peak = h["home"], h["idle_rss_mb"], h["peak_rss_mb"]
    stopped = f"; stopped: the server passed {h['rss_limit_mb']:,} MB"
    return [
        f"hostile ({h['seconds']} s, {h['rounds']} bursts): {h['breakout']['requests']} breakout GETs: "
        f"{counts(h['breakout'])}",
        f"  {h['download']['requests']} whole-graph downloads: {counts(h['download'])}",
        f"  home page during the load: {home['requests']} requests, p50 {home['p50_ms']} ms, "
        f"p95 {home['p95_ms']} ms, no response {home['no_response']}, {cut} {home['cut']}",
        f"  server RSS idle {idle['web']:,} MB (with children {idle['with_children']:,} MB), "
        f"peak {peak['web']:,} MB ({peak['with_children']:,} MB)"
        + (stopped if h["stopped_at_rss_limit"] else ""),
    ]
