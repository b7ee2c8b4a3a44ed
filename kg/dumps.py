"""Dumps of a build (TriG, N-Quads, JSON-LD, Turtle; and each named graph alone), written on
first request and then kept.

The build writes only the N-Quads one (SNAPSHOT: it loads its store from it, and servers load
their in-memory copy from it); the others cost more than the rest of the build at a million
triples. Every dump is written by streaming the store's quads into the file, never holding the
graph in memory, to a temporary file renamed into place: a reader never sees half a dump, and
writers of the same dump wait for each other (a file lock) instead of all writing it.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError
from kg.files import lock
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
    if fmt.supports_datasets:
        return _written(path, lambda target: store.dump(target, format=fmt, prefixes=PREFIXES))
    # Turtle: the union of every graph (a triple in two graphs is written twice: the same graph)
    triples = (q.triple for q in store)
    return _written(path, lambda target: _serialize(triples, target, fmt))


GRAPH_EXTENSIONS = {
    ox.RdfFormat.TURTLE: "ttl",
    ox.RdfFormat.N_TRIPLES: "nt",
    ox.RdfFormat.JSON_LD: "jsonld",
    ox.RdfFormat.RDF_XML: "rdf",
}


def graph_dump_path(build_dir: Path, store: ox.Store, graph: str, fmt: ox.RdfFormat) -> Path | None:
    """The path of one named graph's dump in an RDF syntax, written first if it is not there
    yet; None when the store has no such graph."""
    name = ox.NamedNode(graph)
    key = hashlib.sha256(graph.encode("utf-8")).hexdigest()[:20]
    path = build_dir / "dumps" / "graphs" / f"{key}.{GRAPH_EXTENSIONS[fmt]}"
    if path.is_file():
        return path
    if next(iter(store.quads_for_pattern(None, None, None, name)), None) is None:
        return None
    triples = (q.triple for q in store.quads_for_pattern(None, None, None, name))
    return _written(path, lambda target: _serialize(triples, target, fmt))


def _serialize(triples: Iterable[ox.Triple], target: str, fmt: ox.RdfFormat) -> None:
    ox.serialize(triples, target, format=fmt, prefixes=PREFIXES)


def _written(path: Path, write: Callable[[str], object]) -> Path:
    """path, after write(temporary path) made it, unless it is there already."""
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with lock(path.with_name(f".{path.name}.lock")):
        if path.is_file():  # written by whoever held the lock before
            return path
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
        try:
            write(str(partial))
            os.replace(partial, path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise StoreError(f"cannot write the dump {path.name}: {exc}") from exc
    return path


def write_all(build_dir: Path, store: ox.Store) -> list[Path]:
    return [dump_path(build_dir, store, name) for name in DUMPS]
