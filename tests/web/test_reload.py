"""A running server picks up a new build without a restart; no answer outlives its build."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import yaml

from kg.build import build
from kg.config import library_dir
from tests.conftest import Server, running
from web import create_app

QUESTION = "/api/ask?q=does+running+after+leg+day+kill+my+gains"


def served(server: Server, path: str, build_id: str) -> bytes:
    """The body of `path` once the server answers it from the build (it answers 200 from the
    old build meanwhile); at most 60 s."""
    deadline = time.monotonic() + 60
    while True:
        status, headers, body = server.get(path)
        assert status == 200
        if headers["X-KGQA-Build"] == build_id:
            return body
        assert time.monotonic() < deadline, f"build {build_id} was not served"
        time.sleep(0.2)


def _add_900(corpus: Path, data: Path) -> None:
    """The second bundled source, again, added to the library as source 900."""
    library = library_dir(data)
    library.mkdir()
    claims = yaml.safe_load(next(corpus.glob("001_*.claims.yaml")).read_text())
    claims["source"] |= {"slug": "900", "file": "900.txt"}
    del claims["source"]["aliases"]
    (library / "900.claims.yaml").write_text(yaml.safe_dump(claims), encoding="utf-8")
    shutil.copyfile(next(corpus.glob("001_*.txt")), library / "900.txt")


def test_a_new_build_is_served_without_a_restart(corpus_copy: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = build(corpus_copy, data)
    app = create_app({"DATA_DIR": str(data), "SPARQL_WORKERS": 1})
    try:
        with running(app) as server:
            status, headers, _ = server.get(QUESTION)
            assert status == 200 and headers["X-KGQA-Build"] == first.build_id
            claims = corpus_copy / "000_0f5f9aaa0e20614c.claims.yaml"
            text = claims.read_text(encoding="utf-8")
            claims.write_text(text.replace('summary: "', 'summary: "REVISED ', 1), encoding="utf-8")
            second = build(corpus_copy, data)
            served(server, QUESTION, second.build_id)
            assert app.extensions["kgqa"].workers.ready_count == 1  # swapped in once it can answer
            _, _, body = server.get("/api/claims?source=000")
            assert any(c["summary"].startswith("REVISED ") for c in json.loads(body))
            status, headers, _ = server.get(
                "/sparql?query=ASK%7B%7D", {"Accept": "application/json"}
            )
            assert status == 200 and headers["X-KGQA-Build"] == second.build_id
    finally:
        app.extensions["kgqa"].workers.close()


def test_an_incremental_build_is_served_without_a_restart(
    corpus_copy: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    first = build(corpus_copy, data, shacl=False)
    app = create_app({"DATA_DIR": str(data), "SPARQL_WORKERS": 1})
    try:
        with running(app) as server:
            _, headers, body = server.get("/api/sources")
            assert headers["X-KGQA-Build"] == first.build_id
            assert sorted(s["slug"] for s in json.loads(body)) == ["000", "001"]
            _add_900(corpus_copy, data)
            second = build(corpus_copy, data, shacl=False)
            assert second.incremental and second.incremental["changed"] == ["900"]
            body = served(server, "/api/sources", second.build_id)
            assert sorted(s["slug"] for s in json.loads(body)) == ["000", "001", "900"]
            _, _, body = server.get("/api/claims?source=900")
            assert len(json.loads(body)) == second.claims - first.claims
    finally:
        app.extensions["kgqa"].workers.close()


def test_a_watching_server_opens_a_new_build_before_anyone_asks(
    corpus_copy: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    build(corpus_copy, data, shacl=False)
    app = create_app({"DATA_DIR": str(data), "SPARQL_WORKERS": 1})
    try:
        app.extensions["kgqa_reloader"].watch()  # as `kgqa serve` does
        _add_900(corpus_copy, data)
        second = build(corpus_copy, data, shacl=False)
        deadline = time.monotonic() + 60
        while app.extensions["kgqa"].store.build_id != second.build_id:  # no request made
            assert time.monotonic() < deadline, "the new build was not opened"
            time.sleep(0.1)
        assert app.extensions["kgqa"].engine.from_base  # from the engine it replaced
    finally:
        app.extensions["kgqa"].workers.close()
