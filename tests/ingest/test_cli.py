"""`kgqa ingest` and `kgqa remove`, run as a user runs them, against a real build.

Every format goes from a file (or a local URL) to a built source whose proposed quotes are the
stored text at their offsets; every bad input is one line, exit 2, and changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from kg.build import build
from kg.config import library_dir
from kg.resources import bundled_corpus
from kg.store import current_build, open_store
from tests.conftest import KGQA, run_kgqa
from tests.ingest import samples
from tests.ingest.samples import Page, web_server

CLAIM_BASE = "https://w3id.org/kgqa/claim/"
CITATIONS = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX kgqa: <https://w3id.org/kgqa/ontology#>
SELECT ?claim ?exact ?start ?end ?status WHERE { GRAPH ?g {
  ?claim kgqa:citation ?target . ?target oa:hasSelector ?q, ?p .
  ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end .
  OPTIONAL { ?claim kgqa:reviewStatus ?status }
  FILTER(STRSTARTS(STR(?claim), ?prefix)) } }
"""


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    pages = {
        "/article": Page(samples.HTML.encode()),
        "/image": Page(samples.PNG, "image/png"),
    }
    with web_server(pages) as url:
        yield url


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the bundled corpus built: the state every ingest starts from."""
    folder = tmp_path_factory.mktemp("data")
    build(bundled_corpus(), folder)
    return folder


def snapshot(data: Path) -> tuple[object, ...]:
    """What an ingest must leave alone when it fails: the library's files (all, hidden ones too,
    with their content) and the current build."""
    library = library_dir(data)
    files = sorted(
        (str(p.relative_to(library)), p.read_bytes() if p.is_file() else b"")
        for p in (library.rglob("*") if library.is_dir() else [])
    )
    builds = sorted(p.name for p in (data / "builds").iterdir())
    return tuple(files), current_build(data), tuple(builds)


def _citations(data: Path, slug: str) -> list[tuple[str, str, int, int, str]]:
    store = open_store(data)
    query = CITATIONS.replace("?prefix", f'"{CLAIM_BASE}{slug}/"')
    return [
        (r[0].value, r[1].value, int(r[2].value), int(r[3].value), r[4].value if r[4] else "")
        for r in store.select(query)
    ]


def _added(stdout: str) -> str:
    assert stdout.startswith("added "), stdout
    return stdout.split()[1]


def _proposed(stdout: str) -> int:
    found = re.search(r": (\d+) proposed claims", stdout)
    assert found, stdout
    return int(found.group(1))


def _source(data: Path, slug: str) -> tuple[dict[str, object], Path]:
    (claims,) = library_dir(data).glob(f"{slug}_*.claims.yaml")
    return yaml.safe_load(claims.read_text(encoding="utf-8")), claims.parent


def _assert_built_with_exact_offsets(data: Path, slug: str, proposed: int) -> dict[str, object]:
    content, folder = _source(data, slug)
    source = content["source"]
    assert isinstance(source, dict)
    text = (folder / source["file"]).read_text(encoding="utf-8")
    assert source["file"] == f"{slug}_{hashlib.sha256(text.encode()).hexdigest()[:16]}.txt"
    citations = _citations(data, slug)
    assert len(citations) == proposed > 0
    for _, exact, start, end, status in citations:
        assert text[start:end] == exact
        assert status.endswith("#Proposed")
    return source


@pytest.mark.parametrize(
    ("name", "data", "title"),
    [
        ("notes.txt", samples.TEXT.encode(), "Notes from the track"),
        ("notes.md", samples.MARKDOWN.encode(), "A coach's notes on running after squats"),
        ("page.html", samples.HTML.encode(), "Should you run after leg day?"),
        ("notes.pdf", samples.text_pdf(), "Track notes (PDF)"),
    ],
)
def test_each_format_becomes_a_built_source_with_exact_offsets(
    data_dir: Path, tmp_path: Path, name: str, data: bytes, title: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = run_kgqa("ingest", str(path), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    slug = _added(result.stdout)
    proposed = _proposed(result.stdout)
    assert f'"{title}"' in result.stdout and f"next: kgqa review {slug}" in result.stdout
    source = _assert_built_with_exact_offsets(data_dir, slug, proposed)
    assert source["title"] == title
    original = library_dir(data_dir) / str(source["original"])
    assert original.read_bytes() == data
    assert source["original_sha256"] == hashlib.sha256(data).hexdigest()


def test_a_url_is_fetched_and_options_override_the_metadata(data_dir: Path, site: str) -> None:
    page = samples.HTML.replace("leg day.", "leg day, as a rule.")  # a text not added yet
    with web_server({"/other": Page(page.encode())}) as url:
        result = run_kgqa(
            "ingest", f"{url}/other", "--title", "Coach's rule", "--published", "2024-01-02",
            data_dir=data_dir,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    slug = _added(result.stdout)
    source = _assert_built_with_exact_offsets(data_dir, slug, _proposed(result.stdout))
    assert source["title"] == "Coach's rule"
    assert source["published"] == "2024-01-02"
    assert source["url"] == "https://coach.example/run-after-leg-day"
    assert source["publisher"] == "Coach Blog"
    assert source["media_type"] == "text/html"


@pytest.mark.parametrize("command", ["ingest", "remove"])
def test_the_commands_have_help(command: str) -> None:
    result = run_kgqa(command, "--help")
    assert result.returncode == 0
    assert f"Usage: kgqa {command}" in result.stdout


def test_ingest_then_remove_by_title_leaves_the_corpus_alone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = tmp_path / "notes.txt"
    path.write_text(samples.TEXT, encoding="utf-8")
    added = run_kgqa("ingest", str(path), "--title", "Track notes", data_dir=data)
    assert added.returncode == 0, added.stderr
    assert _added(added.stdout) == "002"
    again = run_kgqa("ingest", str(path), data_dir=data)
    assert again.returncode == 2
    assert "already in the library: same text as 002_" in again.stderr
    removed = run_kgqa("remove", "track NOTES", data_dir=data)
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.startswith('removed 002 "Track notes"')
    assert "2 sources" in removed.stdout
    assert list(library_dir(data).iterdir()) == []
    assert not _citations(data, "002")


@pytest.mark.parametrize(
    ("name", "data", "args", "message"),
    [
        ("empty.txt", b"", (), "the document is empty"),
        ("image.png", samples.PNG, (), "binary data, not a text document"),
        ("latin.txt", "Caf\u00e9 running".encode("latin-1"), (), "not UTF-8"),
        ("huge.txt", b"running. " * 600_000, (), "larger than the limit of 5 MB"),
        ("menu.html", samples.HTML_WITHOUT_TEXT.encode(), (), "no main text could be extracted"),
        ("secret.pdf", samples.encrypted_pdf(), (), "the PDF is encrypted"),
        ("scan.pdf", samples.blank_pdf(), (), "the PDF has no text layer"),
        ("broken.pdf", b"%PDF-1.7\ntruncated", (), "not a readable PDF"),
        ("weather.txt", b"It rained all day. The sky was grey.", (), "no claims found"),
        ("notes.txt", samples.TEXT.encode(), ("--title", " "), "invalid --title"),
        ("notes.txt", samples.TEXT.encode(), ("--url", "not a url"), "invalid --url"),
        ("notes.txt", samples.TEXT.encode(), ("--published", "May 2023"), "invalid --published"),
    ],
)
def test_a_bad_document_is_one_line_and_changes_nothing(
    data_dir: Path,
    tmp_path: Path,
    name: str,
    data: bytes,
    args: tuple[str, ...],
    message: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    _assert_refused(data_dir, ["ingest", str(path), *args], message)


def test_a_duplicate_of_a_corpus_document_is_refused(data_dir: Path, tmp_path: Path) -> None:
    corpus_text = sorted(bundled_corpus().glob("000_*.txt"))[0]
    copy = tmp_path / "copy.txt"
    shutil.copyfile(corpus_text, copy)
    _assert_refused(
        data_dir, ["ingest", str(copy)], f"already in the corpus: same text as {corpus_text.name}"
    )


@pytest.mark.parametrize(
    ("path", "message"),
    [("/missing", "HTTP error 404"), ("/image", "not a text document (content type image/png)")],
)
def test_a_bad_url_is_one_line_and_changes_nothing(
    data_dir: Path, site: str, path: str, message: str
) -> None:
    _assert_refused(data_dir, ["ingest", site + path], message)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("999", "no added source '999'"),
        ("000", "is a source of the corpus"),
        ("Should I Run After Leg Day?", "is a source of the corpus"),
    ],
)
def test_remove_refuses_unknown_and_corpus_sources(
    data_dir: Path, source: str, message: str
) -> None:
    _assert_refused(data_dir, ["remove", source], message)


def _assert_refused(data_dir: Path, args: list[str], message: str) -> None:
    before = snapshot(data_dir)
    result = run_kgqa(*args, data_dir=data_dir)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("kgqa: error: ")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert snapshot(data_dir) == before


def test_a_failed_build_takes_the_new_entry_back(data_dir: Path, corpus_copy: Path) -> None:
    """The library entry is in place before the build; a build that fails removes it again."""
    claims = sorted(corpus_copy.glob("001_*.claims.yaml"))[0]
    claims.write_text(
        claims.read_text(encoding="utf-8").replace("Absolutely, running", "Absolutely, swimming"),
        encoding="utf-8",
    )
    path = corpus_copy.parent / "notes.txt"
    path.write_text(samples.TEXT.replace("Notes", "Unbuilt notes"), encoding="utf-8")
    before = snapshot(data_dir)
    result = run_kgqa("ingest", str(path), "--corpus", str(corpus_copy), data_dir=data_dir)
    assert result.returncode == 2
    assert "quote not found" in result.stderr
    assert snapshot(data_dir) == before


def test_an_interrupted_ingest_leaves_library_and_build_as_they_were(
    data_dir: Path, tmp_path: Path
) -> None:
    """Interrupted (Ctrl-C) while the new graph is being built, after the entry was written."""
    path = tmp_path / "notes.txt"
    path.write_text(samples.TEXT.replace("Notes", "Other notes"), encoding="utf-8")
    before = snapshot(data_dir)
    env = dict(os.environ, KGQA_DATA_DIR=str(data_dir))
    process = subprocess.Popen(
        [KGQA, "ingest", str(path)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    builds = data_dir / "builds"
    deadline = time.monotonic() + 60
    while not any(builds.glob("*.partial")) and process.poll() is None:
        assert time.monotonic() < deadline, "the build never started"
        time.sleep(0.005)
    assert process.poll() is None, "the ingest ended before it could be interrupted"
    assert any(library_dir(data_dir).glob("*.claims.yaml"))  # the entry was in place
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.decode().strip() == "kgqa: interrupted"
    assert snapshot(data_dir) == before


def test_a_failed_build_puts_a_removed_entry_back(tmp_path: Path, corpus_copy: Path) -> None:
    data = tmp_path / "data"
    path = tmp_path / "notes.txt"
    path.write_text(samples.TEXT, encoding="utf-8")
    assert run_kgqa("ingest", str(path), data_dir=data).returncode == 0
    claims = sorted(corpus_copy.glob("001_*.claims.yaml"))[0]
    claims.write_text(
        claims.read_text(encoding="utf-8").replace("Absolutely, running", "Absolutely, swimming"),
        encoding="utf-8",
    )
    before = snapshot(data)
    result = run_kgqa("remove", "002", "--corpus", str(corpus_copy), data_dir=data)
    assert result.returncode == 2
    assert "quote not found" in result.stderr
    assert snapshot(data) == before
