"""The store loaded while its snapshot is written (kg.loading), on the bundled build's snapshot."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import kg.loading
from kg.dumps import snapshot_path
from kg.loading import StreamingLoad
from kg.store import current_build, read_manifest
from tests.conftest import Built


def parts(built: Built) -> list[bytes]:
    """The bundled build's snapshot, part by part (a part holds every quad of its blank nodes:
    bulk_load names a blank node afresh in each call)."""
    build_dir = current_build(built.data_dir)
    assert build_dir is not None
    data = snapshot_path(build_dir).read_bytes()
    spans = sorted(read_manifest(build_dir)["snapshot_parts"].values())
    return [data[start:end] for start, end in spans]


def canonical(store: ox.Store) -> set[str]:
    """The store's quads with its blank nodes named canonically: equal sets, isomorphic stores."""
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(q) for q in dataset}


def test_loaded_in_many_chunks_as_in_one(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kg.loading, "CHUNK_BYTES", 1_000)  # a bulk load per part
    pieces = parts(built)
    with StreamingLoad(tmp_path / "streamed") as load:
        for piece in pieces:
            load.add(piece)
        streamed = load.finish()
    whole = ox.Store(str(tmp_path / "whole"))
    whole.bulk_load(b"".join(pieces), format=ox.RdfFormat.N_QUADS)
    assert len(pieces) > 5 and len(streamed) == len(whole) > 7000
    assert canonical(streamed) == canonical(whole)


def test_a_loader_failure_is_raised_to_the_writer(built: Built, tmp_path: Path) -> None:
    with StreamingLoad(tmp_path / "store") as load:
        load.add(b"<a> <b> this is not N-Quads .\n" * 10)
        with pytest.raises(SyntaxError):
            load.finish()
    assert not load._thread.is_alive()


def test_a_failing_writer_leaves_no_loader_running(built: Built, tmp_path: Path) -> None:
    load = StreamingLoad(tmp_path / "store")
    with pytest.raises(RuntimeError, match="the build failed"), load:
        for piece in parts(built)[:10]:
            load.add(piece)
        raise RuntimeError("the build failed")
    assert not load._thread.is_alive()
