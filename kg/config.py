"""Configuration from the environment (prefix KGQA_), with safe defaults."""

from __future__ import annotations

import os
from pathlib import Path

from kg.resources import bundled_corpus


def data_dir() -> Path:
    """Where builds are stored: KGQA_DATA_DIR, default ./kgqa-data."""
    return Path(os.environ.get("KGQA_DATA_DIR", "kgqa-data"))


def library_dir(data: Path) -> Path:
    """Where `kgqa ingest` keeps the sources it adds (text, original, claims file): built with
    the corpus."""
    return data / "library"


def flags_path(data: Path) -> Path:
    """Readers' flags on claims, as N-Quads in the flags graph: appended by the web app, kept
    across builds, loaded into each build's store."""
    return data / "flags.nq"


def store_url() -> str | None:
    """KGQA_STORE: the URL of an external SPARQL 1.1 query + update endpoint to use instead of the
    embedded store (builds are pushed to it, questions and queries read from it); None if unset."""
    value = os.environ.get("KGQA_STORE", "").strip()
    return value or None


def is_endpoint_url(value: str) -> bool:
    """Whether a store location is an http(s) endpoint URL (else a build folder)."""
    return value.startswith(("http://", "https://"))


def corpus_dir() -> Path:
    """The corpus to build: KGQA_CORPUS, default the corpus shipped with the package."""
    value = os.environ.get("KGQA_CORPUS")
    return Path(value) if value else bundled_corpus()
