"""Readers' flags on claims, as a build reads them: the N-Quads file in the data folder, whose
quads all belong to the flags graph. Writing flags is the web app's (ingest.flags)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.config import flags_path
from kg.errors import BuildError
from kg.vocab import FLAGS_GRAPH


def read_flag_quads(data_dir: Path) -> list[ox.Quad]:
    """The quads of the flags file (none when it does not exist); BuildError when it cannot be
    parsed or holds a quad outside the flags graph, so a hand-edited file never loads other
    graphs into the store."""
    path = flags_path(data_dir)
    if not path.is_file():
        return []
    try:
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    except (SyntaxError, OSError) as exc:
        raise BuildError(f"{path}: unreadable flags file: {exc}") from exc
    graph = ox.NamedNode(str(FLAGS_GRAPH))
    for quad in quads:
        if quad.graph_name != graph:
            raise BuildError(f"{path}: a quad outside the flags graph: {quad}")
    return quads
