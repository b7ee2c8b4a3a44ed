"""Load a running server with wrk (a real load generator) for a bounded time, on loopback."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from kg.errors import KgqaError

SCRIPT = """
local paths = {%s}
local headers = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "seconds": %%.3f, "p50_ms": %%.3f, "p95_ms": %%.3f, "errors": %%d, "non_2xx": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    base_url: str,
    paths: list[str],
    seconds: int,
    connections: int = 8,
    accept: str | None = None,
) -> dict[str, Any]:
    """Requests per second, p50/p95 latency and errors of GET requests cycling through paths
    (with an Accept header when given)."""
    if not wrk_available():
        raise KgqaError("wrk is not installed (apt-get install wrk), or pass --load 0")
    listed = ", ".join(json.dumps(p) for p in paths)  # URL-encoded paths: plain ASCII
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "paths.lua"
        headers = f'["Accept"] = {json.dumps(accept)}' if accept else ""
        script.write_text(SCRIPT % (listed, headers))
        done = subprocess.run(
            [
                *("wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"),
                *("-s", str(script), base_url),
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
        )
    lines = [line for line in done.stdout.splitlines() if line.startswith('{"requests"')]
    if done.returncode != 0 or not lines:
        raise KgqaError(f"wrk failed: {(done.stderr or done.stdout).strip()[:200]}")
    figures: dict[str, Any] = json.loads(lines[-1])
    figures["rps"] = round(figures["requests"] / figures["seconds"], 1)
    return figures
