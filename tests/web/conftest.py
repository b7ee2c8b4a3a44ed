"""A real server: the app under waitress on a loopback port, for the whole web test session."""

from __future__ import annotations

import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message

import pytest
from waitress.server import create_server

from tests.conftest import Built
from web import create_app


@dataclass(frozen=True)
class Server:
    url: str

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, Message, bytes]:
        return self.request("GET", path, None, headers or {})

    def request(
        self, method: str, path: str, data: bytes | None, headers: dict[str, str]
    ) -> tuple[int, Message, bytes]:
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()


@pytest.fixture(scope="session")
def server(built: Built) -> Iterator[Server]:
    app = create_app({"DATA_DIR": str(built.data_dir), "SPARQL_ROW_LIMIT": 1000})
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    httpd = create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield Server(url=f"http://127.0.0.1:{port}")
    httpd.close()
