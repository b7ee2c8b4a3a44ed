"""Each source's anchored claims as a build read them, saved beside the build (one JSON file a
source), so an incremental build infers over the other sources without re-reading their claims
files. Only the build writes these files; an unchanged source's file is hard-linked into the next
build."""

from __future__ import annotations

import json
import os
from dataclasses import fields
from pathlib import Path
from typing import Any

from kg.anchor import Anchor
from kg.claims import ClaimSpec, Quantity
from kg.errors import BuildError
from kg.rdf import AnchoredClaim

FOLDER = "claims"
_FIELDS = tuple(f.name for f in fields(ClaimSpec))
_TUPLES = tuple(i for i, f in enumerate(fields(ClaimSpec)) if str(f.type).startswith("tuple"))
_QUANTITY = _FIELDS.index("quantity")


def cache_path(build_dir: Path, slug: str) -> Path:
    return build_dir / FOLDER / f"{slug}.json"


def save_claims(build_dir: Path, slug: str, claims: list[AnchoredClaim]) -> None:
    path = cache_path(build_dir, slug)
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps([_claim_record(c) for c in claims], separators=(",", ":")))


def link_claims(previous: Path, build_dir: Path, slug: str) -> None:
    """The previous build's file for an unchanged source, hard-linked (copied across devices)."""
    target = cache_path(build_dir, slug)
    target.parent.mkdir(exist_ok=True)
    try:
        os.link(cache_path(previous, slug), target)
    except OSError:
        target.write_bytes(cache_path(previous, slug).read_bytes())


def load_claims(build_dir: Path, slug: str) -> list[AnchoredClaim]:
    """A source's anchored claims; BuildError when the build did not save them."""
    try:
        records = json.loads(cache_path(build_dir, slug).read_text(encoding="utf-8"))
        return [_claim(slug, r) for r in records]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BuildError(
            f"{build_dir.name}: cannot read the saved claims of {slug}: {exc}"
        ) from exc


def _claim_record(claim: AnchoredClaim) -> list[Any]:
    """A claim as a JSON array: its ClaimSpec's fields in order, then its anchor."""
    spec = [getattr(claim.spec, name) for name in _FIELDS]
    quantity = claim.spec.quantity
    if quantity is not None:
        spec[_QUANTITY] = [getattr(quantity, f.name) for f in fields(Quantity)]
    a = claim.anchor
    return [*spec, a.start, a.end, a.prefix, a.suffix]


def _claim(slug: str, record: list[Any]) -> AnchoredClaim:
    spec = record[: len(_FIELDS)]
    for index in _TUPLES:
        spec[index] = tuple(spec[index])
    if spec[_QUANTITY] is not None:
        spec[_QUANTITY] = Quantity(*spec[_QUANTITY])
    anchor = Anchor(*record[len(_FIELDS) :])
    return AnchoredClaim(spec=ClaimSpec(*spec), source_slug=slug, anchor=anchor)
