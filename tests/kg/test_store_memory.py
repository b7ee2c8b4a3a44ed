"""A build opened in memory (what servers do) answers exactly as the same build on disk."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.errors import StoreError
from kg.store import open_store
from kg.vocab import with_prefixes
from qa.engine import Engine
from tests.conftest import Built

QUERY = with_prefixes(
    "SELECT ?claim ?quote WHERE { ?claim kgqa:citation/oa:hasSelector/oa:exact ?quote }"
)


def named(store: ox.Store) -> set[ox.Quad]:
    return {q for q in store if not isinstance(q.subject, ox.BlankNode | ox.Triple)
            and not isinstance(q.object, ox.BlankNode)}  # fmt: skip


def test_memory_copy_holds_the_same_quads_and_answers(built: Built) -> None:
    disk = open_store(built.data_dir)
    memory = open_store(built.data_dir, memory=True)
    assert (disk.in_memory, memory.in_memory) == (False, True)
    assert len(memory.store) == len(disk.store)
    assert named(memory.store) == named(disk.store)  # blank nodes get new ids at every load
    assert sorted(map(str, memory.query(QUERY))) == sorted(map(str, disk.query(QUERY)))  # type: ignore[arg-type]
    question = "does running after leg day kill my gains?"
    assert Engine(memory).ask(question).to_json() == Engine(disk).ask(question).to_json()


def test_size_decides_unless_told(built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    assert open_store(built.data_dir, memory=None).in_memory  # 8k quads: small
    monkeypatch.setenv("KGQA_MEMORY_MAX_QUADS", "0")
    assert not open_store(built.data_dir, memory=None).in_memory
    monkeypatch.setenv("KGQA_MEMORY_MAX_QUADS", "lots")
    with pytest.raises(StoreError, match="whole number"):
        open_store(built.data_dir, memory=None)
