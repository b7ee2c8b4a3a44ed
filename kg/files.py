"""Files of the data folder: exclusive locks across processes (a build, the library, a file's
writers, a dump) and writes that replace a file atomically (a temporary file beside it, then a
rename)."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from kg.errors import KgqaError


@contextlib.contextmanager
def lock(path: Path, busy: KgqaError | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the file `path` for the block: wait until its holder is done, or,
    given `busy`, raise that at once when another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (fcntl.LOCK_NB if busy is not None else 0))
        except BlockingIOError as exc:
            assert busy is not None
            raise busy from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def locked(path: Path) -> contextlib.AbstractContextManager[None]:
    """Hold the lock of `<path>.lock`, which serialises the writers of `path`."""
    return lock(path.with_name(path.name + ".lock"))


def temporary_beside(path: Path) -> Path:
    """A name beside path that no reader of the folder takes for a data file."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_atomically(path: Path, data: bytes) -> None:
    """Replace path with data: readers see the old file or the new one, never a part."""
    temporary = temporary_beside(path)
    try:
        with open(temporary, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
