"""The N-Quads snapshot of a build (dumps/kgqa.nq: the dump, and what stores and servers load),
written as consecutive parts: the ontology, each source's graph, the concept closure, and the
disagreements of each goal. The build records the byte span of every part (manifest
`snapshot_parts`), so an incremental build copies the parts that did not change from the
previous snapshot, in the kernel, and serialises only the others."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.errors import BuildError
from kg.resources import ontology_path, shapes_path
from kg.vocab import ONTOLOGY_GRAPH

ONTOLOGY_PART = "ontology"
CLOSURE_PART = "closure"
FLAGS_PART = "flags"  # readers' flags (kg.flags), written afresh by every build
DISAGREEMENTS = "disagreements/"  # then the goal, or WHETHER
WHETHER = "-"  # the goal key of disagreements on whether to do an activity at all

Span = tuple[int, int]  # [start, end) in bytes


def source_part(slug: str) -> str:
    return f"source/{slug}"


def disagreements_part(goal: str | None) -> str:
    return f"{DISAGREEMENTS}{goal or WHETHER}"


def in_graph(triples: Iterable[ox.Triple], graph: str) -> Iterable[ox.Quad]:
    name = ox.NamedNode(graph)
    return (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)


def ontology_quads(concepts: Sequence[Path] = ()) -> list[ox.Quad]:
    """The ontology, the shapes and the concepts added sources proposed, as the ontology graph."""
    quads: list[ox.Quad] = []
    for path in (ontology_path(), shapes_path(), *concepts):
        triples = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        quads += in_graph(triples, str(ONTOLOGY_GRAPH))
    return quads


class SnapshotWriter:
    """Writes a snapshot part by part, each serialised or copied from an earlier snapshot, and
    records where each part lies. Every write names its offset: copy_file_range with an offset
    leaves the file position where it was."""

    def __init__(self, path: Path, sink: Callable[[bytes], None] | None = None) -> None:
        """`sink`: given every serialised part as it is written (kg.loading.StreamingLoad.add)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.sink = sink
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        self.parts: dict[str, Span] = {}
        self._end = 0

    def __enter__(self) -> SnapshotWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)

    def write(self, part: str, quads: Iterable[ox.Quad]) -> None:
        self.write_bytes(part, serialize(quads))

    def write_bytes(self, part: str, nquads: bytes) -> None:
        if self.sink is not None:
            self.sink(nquads)
        data = memoryview(nquads)
        start = self._end
        while data:
            written = os.pwrite(self.fd, data, self._end)
            data = data[written:]
            self._end += written
        self.parts[part] = (start, self._end)

    def copy(self, part: str, source: int, span: Span) -> None:
        """The part as it lies at span in the open file `source`."""
        if self.sink is not None:
            self.sink(read_part(source, span))
        begin, end = span
        start = self._end
        while begin < end:
            try:
                copied = os.copy_file_range(source, self.fd, end - begin, begin, self._end)
            except OSError:  # a file system without it: read and write
                copied = os.pwrite(self.fd, os.pread(source, min(end - begin, 1 << 24), begin),
                                   self._end)  # fmt: skip
            if copied == 0:
                raise BuildError(f"{self.path.name}: the previous snapshot ends before {part}")
            begin += copied
            self._end += copied
        self.parts[part] = (start, self._end)


def serialize(quads: Iterable[ox.Quad]) -> bytes:
    """Quads as N-Quads, a line each: one quad is always written as the same line, so parts can
    be compared line by line."""
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def read_part(source: int, span: Span) -> bytes:
    """The N-Quads of one part of an open snapshot."""
    begin, end = span
    data = os.pread(source, end - begin, begin)
    if len(data) != end - begin:
        raise BuildError("the previous snapshot is shorter than its manifest says")
    return data


def parse(lines: Iterable[bytes]) -> list[ox.Quad]:
    return list(ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_QUADS))
