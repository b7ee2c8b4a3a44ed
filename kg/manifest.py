"""The build manifest (manifest.json in each build): what the build holds and how it was made.

Besides the counts and timings it records what an incremental build needs to reuse the build:
each source's claims file and document with their hashes, where each part of the N-Quads
snapshot lies (kg.snapshot), the files of concepts added sources proposed with their hashes, and a
digest of everything else the graph is made from (ontology, shapes, the build's code,
pyoxigraph's version): when that digest changes, the next build is full.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import __version__
from kg.resources import ontology_path, shapes_path
from kg.snapshot import Span


@dataclass(frozen=True)
class Written:
    """What a build wrote into its directory, full or incremental."""

    sources: dict[str, dict[str, Any]]  # slug -> manifest entry (kg.sources.SourceResult)
    claims: int
    disagreements: int
    quads: int
    parts: dict[str, Span]
    validation_skipped: int
    incremental: dict[str, Any] | None = None  # base build and what changed; None for full
    full_reason: str | None = None  # why a full build was made


def inputs_digest() -> str:
    """A digest of what every graph depends on besides the corpus and the concepts added sources
    proposed: the ontology, the shapes, the build code, pyoxigraph's version."""
    digest = hashlib.sha256(ox.__version__.encode())
    code = sorted(Path(__file__).parent.glob("*.py"))
    for path in (ontology_path(), shapes_path(), *code):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def concept_digests(concepts: Sequence[Path]) -> dict[str, str]:
    """Each file of concepts added sources proposed (kg.ontology.concept_files), by name: its
    SHA-256. A file added since a build allows an incremental build; one changed or removed
    does not (another source's claims may name its concepts)."""
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in concepts}


def manifest(
    build_id: str,
    written: Written,
    seconds: float,
    timings: dict[str, float],
    shacl: bool,
    concepts: Sequence[Path] = (),
) -> dict[str, Any]:
    return {
        "build_id": build_id,
        "kgqa_version": __version__,
        "inputs": inputs_digest(),
        "concept_files": concept_digests(concepts),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "sources": written.sources,
        "claims": written.claims,
        "quads": written.quads,
        "disagreements": written.disagreements,
        "validation_skipped_sources": written.validation_skipped,
        "seconds": round(seconds, 3),
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "shacl": shacl,
        "incremental": written.incremental or False,
        **({"full_reason": written.full_reason} if written.full_reason else {}),
        "snapshot_parts": {k: list(v) for k, v in written.parts.items()},
    }
