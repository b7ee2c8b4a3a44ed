"""`kgqa serve` stops on Ctrl-C with one line, not a traceback from each query worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from tests.conftest import KGQA, Built


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_answering(url: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:  # a SPARQL query: answered by a query worker, so the workers are up too
            with urllib.request.urlopen(url + "/sparql?query=ASK%7B%7D", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError("kgqa serve did not answer")


def test_ctrl_c_stops_the_server_with_one_line(built: Built) -> None:
    port = _free_port()
    env = dict(os.environ, KGQA_DATA_DIR=str(built.data_dir))
    env.pop("KGQA_TRACEBACK", None)
    server = subprocess.Popen(
        [KGQA, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        _wait_until_answering(f"http://127.0.0.1:{port}", server)
        os.killpg(server.pid, signal.SIGINT)  # what Ctrl-C sends: the server and its workers
        _, stderr = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert server.returncode in (0, 130)
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert lines[0].startswith("kgqa: serving on")
    assert lines[1:] == ["kgqa: stopped"]
