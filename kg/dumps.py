"""Dumps of a build (TriG, N-Quads, JSON-LD, Turtle), written on first request and then kept.

The build writes only the N-Quads one (SNAPSHOT: it loads its store from it, and servers load
their in-memory copy from it); the others cost more than the rest of the build at a million
triples.
Each is written to a temporary file and renamed into place, so a reader never sees half a dump and
two processes asking at once both end with the same complete file.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError
from kg.vocab import PREFIXES

SNAPSHOT = "kgqa.nq"
DUMPS: dict[str, tuple[ox.RdfFormat, str, str]] = {
    "kgqa.trig": (ox.RdfFormat.TRIG, "application/trig", "TriG: every named graph"),
    "kgqa.nq": (ox.RdfFormat.N_QUADS, "application/n-quads", "N-Quads: every named graph"),
    "kgqa.jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json", "JSON-LD: every named graph"),
    "kgqa.ttl": (ox.RdfFormat.TURTLE, "text/turtle", "Turtle: the union of all graphs"),
}


def snapshot_path(build_dir: Path) -> Path:
    """The build's N-Quads snapshot, written by every build."""
    return build_dir / "dumps" / SNAPSHOT


def dump_path(build_dir: Path, store: ox.Store, name: str) -> Path:
    """The path of the named dump of this build, writing it first if it is not there yet."""
    fmt = DUMPS[name][0]
    path = build_dir / "dumps" / name
    if path.is_file():
        return path
    path.parent.mkdir(exist_ok=True)
    partial = path.with_name(f".{name}.{uuid.uuid4().hex[:8]}")
    try:
        if fmt.supports_datasets:
            store.dump(str(partial), format=fmt, prefixes=PREFIXES)
        else:  # Turtle: the union of every graph, each triple once
            triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store}
            ox.serialize(triples, str(partial), format=fmt, prefixes=PREFIXES)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"cannot write the dump {name}: {exc}") from exc
    return path


def write_all(build_dir: Path, store: ox.Store) -> list[Path]:
    return [dump_path(build_dir, store, name) for name in DUMPS]
