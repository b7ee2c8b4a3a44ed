"""Shared fixtures: the real corpus built once per session into a temporary data directory."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
from waitress.server import create_server

from kg.build import BuildReport, build
from kg.resources import bundled_corpus
from kg.store import EmbeddedStore, open_store
from qa.engine import Engine
from web import create_app

KGQA = str(Path(sys.executable).parent / "kgqa")


@dataclass(frozen=True)
class Built:
    """The real corpus, built."""

    data_dir: Path
    report: BuildReport


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    data_dir = tmp_path_factory.mktemp("data")
    return Built(data_dir=data_dir, report=build(bundled_corpus(), data_dir))


@pytest.fixture(scope="session")
def store(built: Built) -> Iterator[EmbeddedStore]:
    yield open_store(built.data_dir)


@pytest.fixture(scope="session")
def texts() -> dict[str, str]:
    """Verbatim text of each bundled document, by source slug (the file name's prefix)."""
    return {
        p.name.split("_", 1)[0]: p.read_text(encoding="utf-8")
        for p in sorted(bundled_corpus().glob("*.txt"))
    }


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled corpus, to break on purpose."""
    target = tmp_path / "corpus"
    shutil.copytree(bundled_corpus(), target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


def run_kgqa(
    *args: str,
    data_dir: Path | None = None,
    stdin: str | None = None,
    timeout: float = 120,
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the installed `kgqa` script as a user would."""
    env = dict(os.environ, **(extra_env or {}))
    env.pop("KGQA_TRACEBACK", None)
    if data_dir is not None:
        env["KGQA_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [KGQA, *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=env,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def engine(store: EmbeddedStore) -> Engine:
    """The question-answering engine over the real graph (built once: spaCy pipeline, labels)."""
    return Engine(store)


@dataclass(frozen=True)
class Server:
    """A real server (the app under waitress) on a loopback port."""

    url: str

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
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


COACH_TEXT = (
    "Coach Dana's notes on the day after squats.\n\n"
    "Swimming after leg day improves recovery. An easy swim may also relieve soreness. "
    "I would not run hard the next morning.\n"
)
COACH_CLAIMS = [
    {
        "id": "swim-recovery",
        "kind": "effect",
        "quote": "Swimming after leg day improves recovery.",
        "summary": "swimming after leg day improves recovery",
        "activities": ["swimming"],
        "context": ["leg-day"],
        "goals": ["recovery"],
        "direction": "improves",
        "hedge": "certain",
        "status": "proposed",
        "confidence": 0.8,
    },
    {
        "id": "swim-soreness",
        "kind": "effect",
        "quote": "An easy swim may also relieve soreness.",
        "summary": "an easy swim may relieve soreness",
        "activities": ["swimming"],
        "goals": ["soreness-relief"],
        "direction": "improves",
        "hedge": "possible",
        "caveats": {"condition": ["low-intensity"]},
        "status": "proposed",
        "confidence": 0.6,
    },
    {
        "id": "no-hard-run",
        "kind": "recommendation",
        "quote": "I would not run hard the next morning.",
        "summary": "do not run hard the morning after leg day",
        "activities": ["running"],
        "stance": "discouraged",
        "hedge": "likely",
        "caveats": {"condition": ["high-intensity"]},
        "status": "proposed",
        "confidence": 0.5,
    },
]


def add_coach_source(data_dir: Path) -> Path:
    """A document of our own in the data folder's library, as `kgqa ingest` leaves it: every
    claim proposed. Returns its claims file."""
    import yaml

    from kg.config import library_dir

    library = library_dir(data_dir)
    library.mkdir(parents=True, exist_ok=True)
    (library / "900_coach.txt").write_text(COACH_TEXT, encoding="utf-8")
    data = {
        "source": {
            "slug": "coach",
            "file": "900_coach.txt",
            "title": "Coach Dana's notes",
            "published": "2026-11-01",
        },
        "claims": COACH_CLAIMS,
    }
    path = library / "900_coach.claims.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path
