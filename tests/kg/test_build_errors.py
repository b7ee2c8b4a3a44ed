"""Bad input stops the build with one clear line and leaves the previous store as it was."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import KGQA, run_kgqa

CLAIMS_000 = "000_0f5f9aaa0e20614c.claims.yaml"
DOC_000 = "000_0f5f9aaa0e20614c.txt"


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """A data directory holding one good build, and its stats."""
    data_dir = tmp_path_factory.mktemp("store")
    result = run_kgqa("build", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return data_dir, _stats(data_dir)


def _stats(data_dir: Path) -> dict[str, object]:
    result = run_kgqa("stats", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    stats: dict[str, object] = json.loads(result.stdout)
    return stats


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def _first_claim(path: Path) -> tuple[str, str]:
    """The id and quote line of the first claim in a claims file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    claim_id = next(
        line.split(":", 1)[1].strip() for line in lines if line.strip().startswith("- id:")
    )
    quote = next(line for line in lines if line.strip().startswith("quote:"))
    return claim_id, quote


def _break_yaml(corpus: Path) -> str:
    (corpus / CLAIMS_000).write_text("source: {slug: '000'\nclaims: [\n", encoding="utf-8")
    return "malformed YAML"


def _unknown_concept(corpus: Path) -> str:
    path = corpus / CLAIMS_000
    _edit(path, "activities: [running", "activities: [parkour")
    return "unknown activity `parkour`"


def _missing_quote(corpus: Path) -> str:
    path = corpus / CLAIMS_000
    claim_id, quote_line = _first_claim(path)
    line = _line_of(path, "- id: " + claim_id)
    _edit(
        path,
        quote_line,
        quote_line.replace("quote: ", "quote: XX ", 1).replace('quote: XX "', 'quote: "XX ', 1),
    )
    return f"{CLAIMS_000}:{line}: claim `{claim_id}`: quote not found"


def _duplicate_id(corpus: Path) -> str:
    path = corpus / CLAIMS_000
    claim_id, _ = _first_claim(path)
    text = path.read_text(encoding="utf-8")
    first = text.index("  - id: ")
    second = text.index("  - id: ", first + 1)
    third = text.find("  - id: ", second + 1)
    block = text[first:second]
    path.write_text(text[:third] + block + text[third:], encoding="utf-8")
    return f"claim `{claim_id}`: duplicate claim id"


def _not_utf8(corpus: Path) -> str:
    path = corpus / DOC_000
    path.write_bytes(path.read_bytes().replace(b"Debunking", b"D\xe9bunking", 1))
    return f"{DOC_000}: not UTF-8 (invalid byte 0xe9 at byte offset 1)"


BREAKERS: dict[str, Callable[[Path], str]] = {
    "malformed-yaml": _break_yaml,
    "unknown-concept": _unknown_concept,
    "quote-not-in-document": _missing_quote,
    "duplicate-claim-id": _duplicate_id,
    "document-not-utf8": _not_utf8,
}


@pytest.mark.parametrize("case", sorted(BREAKERS))
def test_bad_corpus_gives_one_line_error_and_keeps_previous_store(
    case: str, corpus_copy: Path, good_build: tuple[Path, dict[str, object]]
) -> None:
    data_dir, before = good_build
    expected = BREAKERS[case](corpus_copy)
    result = run_kgqa("build", "--corpus", str(corpus_copy), data_dir=data_dir)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kgqa: error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.stderr
    assert _stats(data_dir) == before
    assert not list((data_dir / "builds").glob("*.partial"))


def test_missing_quote_error_shows_the_closest_passage(corpus_copy: Path, tmp_path: Path) -> None:
    path = corpus_copy / CLAIMS_000
    _edit(
        path, "could potentially hinder muscle development", "could maybe hinder muscle development"
    )
    result = run_kgqa("build", "--corpus", str(corpus_copy), data_dir=tmp_path)
    assert result.returncode == 2
    assert (
        "closest passage: 'Running after a leg day could potentially hinder muscle development"
        in result.stderr
    )


def test_interrupted_build_leaves_previous_store_and_is_cleaned_up(
    good_build: tuple[Path, dict[str, object]],
) -> None:
    data_dir, before = good_build
    current = (data_dir / "current").resolve()
    env = dict(os.environ, KGQA_DATA_DIR=str(data_dir))
    proc = subprocess.Popen(
        [KGQA, "build"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    try:
        while not list((data_dir / "builds").glob("*.partial")):
            assert proc.poll() is None, "the build finished before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.002)
        proc.send_signal(signal.SIGSTOP)  # caught writing its new store
        assert (data_dir / "current").resolve() == current
        assert _stats(data_dir) == before  # readers are not blocked by the build
        proc.kill()
    finally:
        proc.kill()
        proc.wait()
    assert (data_dir / "current").resolve() == current
    assert _stats(data_dir) == before
    assert list((data_dir / "builds").glob("*.partial"))  # the leftover ...
    rebuilt = run_kgqa("build", data_dir=data_dir)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert not list((data_dir / "builds").glob("*.partial"))  # ... is removed by the next build
    assert (data_dir / "current").resolve() != current
    after = _stats(data_dir)
    assert {k: v for k, v in after.items() if k != "build_id"} == {
        k: v for k, v in before.items() if k != "build_id"
    }


def test_a_second_concurrent_build_is_refused(good_build: tuple[Path, dict[str, object]]) -> None:
    data_dir, _ = good_build
    before = _stats(data_dir)
    with open(data_dir / "build.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = run_kgqa("build", data_dir=data_dir)
    assert result.returncode == 2
    assert result.stderr.strip() == f"kgqa: error: another build is running in {data_dir}"
    assert _stats(data_dir) == before


def test_stats_before_any_build_says_to_build(tmp_path: Path) -> None:
    result = run_kgqa("stats", data_dir=tmp_path)
    assert result.returncode == 2
    assert "run `kgqa build` first" in result.stderr
