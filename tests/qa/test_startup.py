"""The engine's start-up data (qa.startup): saved beside a build once, then read back at each start;
an engine from the saved copy answers exactly as one that works everything out afresh, and a copy
of another build or a damaged one is never used (worked out again and rewritten, no crash)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import srsly  # type: ignore[import-untyped]
import yaml

from kg.build import build
from kg.resources import bundled_corpus
from kg.store import EmbeddedStore, open_store
from qa.engine import Engine
from qa.startup import saved_path
from tests.conftest import Built, add_coach_source, add_copy

ROOT = Path(__file__).resolve().parents[2]
PHRASINGS = Path(__file__).parent / "data" / "phrasings.yaml"


def dev_questions() -> list[str]:
    """The shared dev questions (shared/questions/dev.jsonl beside the checkout), when present."""
    for folder in ROOT.parents:
        path = folder / "shared" / "questions" / "dev.jsonl"
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            return [json.loads(line)["q"] for line in lines if line.strip()]
    return []


def questions() -> list[str]:
    phrasings = yaml.safe_load(PHRASINGS.read_text(encoding="utf-8"))
    bench = (ROOT / "bench" / "questions.txt").read_text(encoding="utf-8").splitlines()
    return [*dev_questions(), *(item["q"] for item in phrasings), *filter(None, bench)]


@pytest.fixture
def copied(built: Built, tmp_path: Path) -> EmbeddedStore:
    """A copy of the built data folder, so its saved start-up data can be broken on purpose."""
    data = tmp_path / "data"
    shutil.copytree(built.data_dir, data, symlinks=True)
    store = open_store(data)
    path = saved_path(store, False)
    assert path is not None
    path.unlink(missing_ok=True)
    return store


def answers(engine: Engine) -> list[object]:
    return [engine.ask(q, cached=False).to_json() for q in questions()]


def test_the_first_engine_saves_and_the_next_reads_the_same_answers(copied: EmbeddedStore) -> None:
    assert len(dev_questions()) in (0, 42) and len(questions()) > 100
    first = Engine(copied)
    assert not first.from_saved and saved_path(copied, False).is_file()  # type: ignore[union-attr]
    again = Engine(copied)
    assert again.from_saved
    afresh = Engine(copied, saved=False)
    assert not afresh.from_saved
    expected = answers(afresh)
    assert answers(again) == expected
    assert answers(first) == expected
    assert [again.interpret(q) for q in questions()] == [afresh.interpret(q) for q in questions()]
    assert (again.coverage, again.sources, again.texts) == (
        afresh.coverage,
        afresh.sources,
        afresh.texts,
    )


def _rewrite_header(path: Path, **changes: object) -> None:
    saved = srsly.msgpack_loads(path.read_bytes())
    saved["header"].update(changes)
    path.write_bytes(srsly.msgpack_dumps(saved))


@pytest.mark.parametrize(
    "change",
    [{"build_id": "20200101T000000-00000000"}, {"fingerprint": "0 kgqa 0.0.0"}],
    ids=["another build", "other code"],
)
def test_a_copy_of_another_build_or_code_is_not_used(
    copied: EmbeddedStore, change: dict[str, str]
) -> None:
    Engine(copied)
    path = saved_path(copied, False)
    assert path is not None
    _rewrite_header(path, **change)
    engine = Engine(copied)
    assert not engine.from_saved
    assert Engine(copied).from_saved  # rewritten for this build
    question = "Does running after leg day help recovery?"
    assert engine.ask(question).to_json() == Engine(copied, saved=False).ask(question).to_json()


@pytest.mark.parametrize(
    "damage", ["truncated", "cut in the header", "flipped", "empty", "garbage", "wrong shape"]
)
def test_a_damaged_copy_is_worked_out_again_without_a_crash(
    copied: EmbeddedStore, damage: str
) -> None:
    Engine(copied)
    path = saved_path(copied, False)
    assert path is not None
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "cut in the header":
        path.write_bytes(data[:9])
    elif damage == "flipped":  # one byte of the payload changed: the digest catches it
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0x55]) + data[middle + 1 :])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "garbage":
        path.write_bytes(b"\x00\xff not msgpack at all" * 10)
    else:  # a whole, well-formed file of the wrong shape: a digest that matches, odd fields
        saved = srsly.msgpack_loads(data)
        payload = srsly.msgpack_dumps({"facets": [[1, 2]], "sources": "x"})
        saved["payload"] = payload
        import hashlib

        saved["header"]["digest"] = hashlib.blake2b(payload, digest_size=16).hexdigest()
        path.write_bytes(srsly.msgpack_dumps(saved))
    engine = Engine(copied)
    assert not engine.from_saved
    assert Engine(copied).from_saved
    question = "Is running after leg day bad for muscle gains?"
    assert engine.ask(question).to_json() == Engine(copied, saved=False).ask(question).to_json()


def test_a_folder_that_cannot_be_written_is_no_error(
    copied: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr("qa.startup.os.replace", refuse)
    engine = Engine(copied)
    assert not engine.from_saved and not Engine(copied).from_saved
    assert engine.ask("Does running after leg day help recovery?").status == "answered"


def _same_data(engine: Engine, afresh: Engine) -> None:
    assert engine.catalog.facets == afresh.catalog.facets
    assert engine.catalog.proposed == afresh.catalog.proposed
    assert [repr(d) for d in engine.catalog.disagreement_list] == [
        repr(d) for d in afresh.catalog.disagreement_list
    ]  # compared by identity otherwise
    assert engine.ranker.claim_words == afresh.ranker.claim_words
    assert engine.ranker.idf == pytest.approx(afresh.ranker.idf)
    assert (engine.corpus_lemmas, engine.sources, engine.coverage) == (
        afresh.corpus_lemmas,
        afresh.sources,
        afresh.coverage,
    )


def _rebuilt_engine(data: Path) -> Engine:
    """An engine over a new incremental build, its data worked out from the base build's; it
    holds the same data and gives the same answers as one that works everything out afresh."""
    assert build(bundled_corpus(), data).incremental is not None
    store = open_store(data)
    engine, afresh = Engine(store), Engine(store, saved=False)
    assert engine.from_base and not afresh.from_base
    _same_data(engine, afresh)
    assert answers(engine) == answers(afresh)
    return engine


def test_an_incremental_build_works_out_only_what_changed_and_answers_as_afresh(
    built: Built, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(built.data_dir, data, symlinks=True)
    Engine(open_store(data))  # the base build's data, saved
    claims = add_coach_source(data)  # every claim proposed: left out, but named as proposed
    assert _rebuilt_engine(data).catalog.proposed
    add_copy(data, "002", "000", "Tempo Journal: A Second Look", "Tempo Journal", "flip")
    added = _rebuilt_engine(data)
    assert {"coach", "002"} <= {s.slug for s in added.sources.values()}
    claims.unlink()  # removed, and 002 replaced by another document
    add_copy(data, "002", "001", "Tempo Journal: A Second Look", "Tempo Journal", "soften")
    changed = _rebuilt_engine(data)
    assert "coach" not in {s.slug for s in changed.sources.values()}
    assert not changed.catalog.proposed


def _without_saved_data(built: Built, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the built data folder whose build has no saved engine data, and where it would
    be saved."""
    data = tmp_path / "data"
    shutil.copytree(built.data_dir, data, symlinks=True)
    path = saved_path(open_store(data), False)
    assert path is not None
    path.unlink(missing_ok=True)
    return data, path


def _add_second_look(data: Path) -> EmbeddedStore:
    """A second copy of one bundled source added, and the incremental build of it opened."""
    add_copy(data, "002", "000", "Tempo Journal: A Second Look", "Tempo Journal", "flip")
    assert build(bundled_corpus(), data).incremental is not None
    return open_store(data)


def test_without_the_base_builds_data_everything_is_worked_out(
    built: Built, tmp_path: Path
) -> None:
    data, _ = _without_saved_data(built, tmp_path)
    store = _add_second_look(data)
    engine = Engine(store)
    assert not engine.from_base and not engine.from_saved
    _same_data(engine, Engine(store, saved=False))


def test_a_server_engine_saves_its_data_when_told(copied: EmbeddedStore) -> None:
    path = saved_path(copied, False)
    assert path is not None
    engine = Engine(copied, save_later=True)
    assert not engine.from_saved and not path.exists()  # a server saves once the build serves
    engine.save_start_up_data()
    assert path.is_file() and Engine(copied).from_saved


def test_an_engine_replacing_a_servers_takes_its_data_and_ontology(
    built: Built, tmp_path: Path
) -> None:
    data, path = _without_saved_data(built, tmp_path)
    serving = Engine(open_store(data), save_later=True)  # a server's: its data not saved yet
    assert not path.exists()
    store = _add_second_look(data)
    engine = Engine(store, previous=serving)
    assert engine.from_base  # from the serving engine's data: the base build saved none
    assert engine.ontology is serving.ontology and engine.hints is serving.hints
    afresh = Engine(store, saved=False)
    _same_data(engine, afresh)
    assert answers(engine) == answers(afresh)
