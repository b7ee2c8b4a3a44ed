"""Shared fixtures: the real corpus built once per session into a temporary data directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.build import BuildReport, build
from kg.resources import bundled_corpus
from kg.store import EmbeddedStore, open_store
from qa.engine import Engine

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
    *args: str, data_dir: Path | None = None, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the installed `kgqa` script as a user would."""
    env = dict(os.environ)
    env.pop("KGQA_DEBUG", None)
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
