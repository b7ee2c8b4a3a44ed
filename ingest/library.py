"""The library: the sources `kgqa ingest` adds, in `<data dir>/library/`, read by the build after
the corpus.

An entry is three files named `NNN_<first 16 hex of the text's sha256>`: the stored text (`.txt`,
UTF-8: what quotes and offsets refer to), the original as received (`.orig.<ext>`) and the claims
file (`.claims.yaml`). The build reads claims files only, so an entry appears when its claims file
is renamed into place, last, and is gone once that file is moved away, first. Files are written in
a staging folder inside the library (the same file system), so every rename is atomic.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ingest.metadata import Metadata
from kg.errors import InputError
from kg.files import lock

STAGING_PREFIX = ".staging-"  # an entry being written
WITHDRAWN_PREFIX = ".removed-"  # an entry being removed, until the build without it is current
_NUMBERED = re.compile(r"(\d+)_")


@dataclass(frozen=True)
class NewSource:
    """A source to add: its stored text, the original, what it is and the claims proposed."""

    text: str
    original: bytes
    extension: str
    media_type: str
    metadata: Metadata  # with a title
    claims: list[dict[str, Any]]
    concepts: str = ""  # the Turtle of the concepts it names that the ontology lacks, if any


@dataclass(frozen=True)
class Entry:
    """A source in the library: its slug, title and file names (the claims file last)."""

    slug: str
    title: str
    folder: Path
    files: tuple[str, ...]

    @property
    def claims_path(self) -> Path:
        return self.folder / self.files[-1]


@contextmanager
def library_lock(data_dir: Path) -> Iterator[None]:
    """Hold the library's lock: one ingest or remove at a time; InputError when it is taken."""
    busy = InputError(f"another ingest or remove is running in {data_dir}")
    with lock(data_dir / "library.lock", busy):
        yield


def clear_leftovers(library: Path) -> None:
    """Remove what an interrupted ingest or remove left (the build never reads it)."""
    for prefix in (STAGING_PREFIX, WITHDRAWN_PREFIX):
        for folder in library.glob(prefix + "*"):
            shutil.rmtree(folder, ignore_errors=True)


def _documents(folder: Path) -> list[Path]:
    """The stored texts of a folder (originals kept as `.orig.txt` excluded)."""
    if not folder.is_dir():
        return []
    return [p for p in sorted(folder.glob("*.txt")) if ".orig." not in p.name]


def find_duplicate(text: str, *folders: Path) -> Path | None:
    """A stored text with the same content (same sha256) in any of the folders, or None."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    size = len(text.encode("utf-8"))
    for path in (p for folder in folders for p in _documents(folder)):
        if path.stat().st_size == size and hashlib.sha256(path.read_bytes()).digest() == digest:
            return path
    return None


def next_slug(*folders: Path) -> str:
    """The next free number over the folders' `NNN_...` files, as three digits (or more)."""
    numbers = [
        int(match.group(1))
        for folder in folders
        if folder.is_dir()
        for path in folder.iterdir()
        if (match := _NUMBERED.match(path.name))
    ]
    return f"{max(numbers, default=-1) + 1:03d}"


def _claims_file(slug: str, stem: str, source: NewSource) -> dict[str, Any]:
    meta = source.metadata
    described = {
        "slug": slug,
        "file": f"{stem}.txt",
        "title": meta.title,
        "url": meta.url,
        "publisher": meta.publisher,
        "published": meta.published,
        "original": f"{stem}.orig.{source.extension}",
        "original_sha256": hashlib.sha256(source.original).hexdigest(),
        "media_type": source.media_type,
    }
    return {
        "source": {k: v for k, v in described.items() if v is not None},
        "claims": source.claims,
    }


@dataclass(frozen=True)
class Staged:
    """An entry written into a staging folder, not yet in the library."""

    staging: Path
    entry: Entry


def stage(library: Path, slug: str, source: NewSource) -> Staged:
    """Write an entry's files (text, original, new concepts if any, claims) into a new staging
    folder inside the library."""
    stem = f"{slug}_{hashlib.sha256(source.text.encode('utf-8')).hexdigest()[:16]}"
    library.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=library))
    concepts = (concepts_name(stem),) if source.concepts else ()
    names = (f"{stem}.txt", f"{stem}.orig.{source.extension}", *concepts, f"{stem}.claims.yaml")
    claims = yaml.safe_dump(
        _claims_file(slug, stem, source), sort_keys=False, allow_unicode=True, width=100
    )
    try:
        (staging / names[0]).write_bytes(source.text.encode("utf-8"))
        (staging / names[1]).write_bytes(source.original)
        if concepts:
            (staging / concepts[0]).write_text(source.concepts, encoding="utf-8")
        (staging / names[-1]).write_text(claims, encoding="utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    title = source.metadata.title or ""
    return Staged(staging=staging, entry=Entry(slug, title, staging, names))


def _move(names: tuple[str, ...], origin: Path, target: Path) -> None:
    """Rename files from origin to target in order; on failure, move back what was moved."""
    moved: list[str] = []
    try:
        for name in names:
            (origin / name).rename(target / name)
            moved.append(name)
    except BaseException:
        for name in reversed(moved):
            (target / name).rename(origin / name)
        raise


def commit(staged: Staged) -> Entry:
    """Move a staged entry into the library, its claims file last; the staging folder goes."""
    library = staged.staging.parent
    _move(staged.entry.files, staged.staging, library)
    staged.staging.rmdir()
    entry = staged.entry
    return Entry(entry.slug, entry.title, library, entry.files)


def abandon(staged: Staged) -> None:
    shutil.rmtree(staged.staging, ignore_errors=True)


def withdraw(entry: Entry) -> Path:
    """Move an entry out of the library into a folder of its own, its claims file first."""
    held = Path(tempfile.mkdtemp(prefix=WITHDRAWN_PREFIX, dir=entry.folder))
    present = tuple(n for n in reversed(entry.files) if (entry.folder / n).exists())
    try:
        _move(present, entry.folder, held)
    except BaseException:
        held.rmdir()
        raise
    return held


def restore(held: Path, entry: Entry) -> None:
    """Put a withdrawn entry back, its claims file last."""
    _move(tuple(n for n in entry.files if (held / n).exists()), held, entry.folder)
    held.rmdir()


def purge(held: Path) -> None:
    shutil.rmtree(held, ignore_errors=True)


def _described(path: Path) -> dict[str, Any]:
    """A claims file's `source` mapping, read leniently (a broken file can still be removed)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    source = data.get("source") if isinstance(data, dict) else None
    return source if isinstance(source, dict) else {}


def concepts_name(stem: str) -> str:
    """The file of the new concepts an entry names (`kg.ontology.concept_files` finds it)."""
    return f"{stem}.concepts.ttl"


def _beside(name: Any) -> str | None:
    return name if isinstance(name, str) and name and Path(name).name == name else None


def entries(library: Path) -> list[Entry]:
    """Every source in the library, in file name order."""
    found = []
    for path in sorted(library.glob("*.claims.yaml")) if library.is_dir() else []:
        source = _described(path)
        number = _NUMBERED.match(path.name)
        slug = str(source.get("slug") or (number.group(1) if number else path.name))
        names = [_beside(source.get("file")), _beside(source.get("original"))]
        concepts = concepts_name(path.name.removesuffix(".claims.yaml"))
        names.append(concepts if (library / concepts).exists() else None)
        files = (*(n for n in names if n is not None), path.name)
        found.append(Entry(slug, str(source.get("title") or ""), library, files))
    return found


def _names(source: dict[str, Any]) -> set[str]:
    keys = (source.get("slug"), source.get("title"), source.get("short_title"))
    aliases = source.get("aliases")
    aliases = aliases if isinstance(aliases, list) else []
    return {str(n).casefold() for n in (*keys, *aliases) if n is not None}


def find_entry(name: str, library: Path, corpus: Path) -> Entry:
    """The library source named by slug or title; InputError for a corpus source or no source."""
    wanted = name.strip().casefold()
    added = entries(library)
    for match in (
        [e for e in added if e.slug.casefold() == wanted],
        [e for e in added if e.title.casefold() == wanted],
    ):
        if len(match) == 1:
            return match[0]
        if len(match) > 1:
            slugs = ", ".join(e.slug for e in match)
            raise InputError(
                f"{len(match)} added sources are named {name!r} ({slugs}); give a slug"
            )
    for path in sorted(corpus.glob("*.claims.yaml")) if corpus.is_dir() else []:
        if wanted in _names(_described(path)):
            raise InputError(
                f"{name!r} is a source of the corpus ({corpus}), not one added with "
                "`kgqa ingest`; only added sources can be removed"
            )
    known = "; ".join(f"{e.slug} {e.title!r}" for e in added) or "none has been added"
    raise InputError(f"no added source {name!r} (added sources: {known})")
