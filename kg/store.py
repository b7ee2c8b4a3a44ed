"""The store: Oxigraph on disk, built in a fresh directory and swapped in only when complete.

Layout of a data directory:

    builds/<build-id>/oxigraph/   the Oxigraph store of one complete build
    builds/<build-id>/dumps/      TriG, N-Quads, Turtle and JSON-LD dumps of it
    builds/<build-id>/claims/     each source's anchored claims, for the next incremental build
    builds/<build-id>/manifest.json
    builds/<build-id>/engine/     the question engine's start-up data, saved by qa (qa.startup)
    builds/<build-id>.partial/    a build under way (or one that was interrupted)
    current -> builds/<build-id>  replaced atomically when a build succeeds
    build.lock                    held by the build under way

Readers open `current` read-only, so a build never blocks them and a failed or interrupted
build leaves the previous store untouched. A server opens a build on disk at once and, once its
engine has started, copies the build into memory in the background when it is small enough
(`open_build(..., later=True)`, then `copy_into_memory`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from kg.dumps import snapshot_path
from kg.errors import BuildError, QueryError, StoreError
from kg.files import lock
from kg.sparql_text import check_nesting, readable_syntax_error
from kg.vocab import BASE, PREFIXES

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Bindings = Mapping[str, ox.NamedNode]  # variable name -> the IRI bound to it
KEEP_BUILDS = 2  # the current build and the one before it, for readers still holding it open


def current_link(data_dir: Path) -> Path:
    return data_dir / "current"


def current_build(data_dir: Path) -> Path | None:
    """The directory of the current build, or None when nothing has been built."""
    link = current_link(data_dir)
    if not link.is_symlink():
        return None
    target = link.resolve()
    return target if (target / "manifest.json").is_file() else None


def read_manifest(build_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{build_dir}: unreadable build manifest: {exc}") from exc
    if not isinstance(data, dict):
        raise StoreError(f"{build_dir}: unreadable build manifest")
    return data


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a request names (the protocol's default-graph-uri and named-graph-uri):
    the default graph is the merge of `default`, and only `named` answer GRAPH; a graph the
    store does not hold is empty."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


class Store(Protocol):
    """What the engine, the catalogue and the web read from: the embedded store or a remote one.

    Every query is parsed with the project's prefixes predeclared and relative IRIs resolved
    against BASE; values are bound by variable (`bindings`), never pasted into the text. The
    default graph is the union of all graphs unless a `dataset` is given."""

    @property
    def build_id(self) -> str: ...

    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = True,
        bindings: Bindings | None = None,
        dataset: Dataset | None = None,
    ) -> QueryResult: ...

    def select(self, query: str, bindings: Bindings | None = None) -> list[ox.QuerySolution]: ...


def parser_options(bindings: Bindings | None) -> dict[str, Any]:
    """How every query is parsed, in pyoxigraph's terms: the base IRI, the predeclared
    prefixes, and the values bound to variables."""
    return {
        "base_iri": BASE,
        "prefixes": PREFIXES,
        "substitutions": {ox.Variable(k): v for k, v in (bindings or {}).items()},
    }


def malformed(query: str, error: SyntaxError) -> QueryError:
    """The QueryError for a query the parser refused, its position in the query as written."""
    return QueryError(f"malformed query: {readable_syntax_error(query, str(error))}")


def solutions(result: QueryResult) -> list[ox.QuerySolution]:
    """The rows of a SELECT result; [] for another query form."""
    return list(result) if isinstance(result, ox.QuerySolutions) else []


@dataclass
class EmbeddedStore:
    """A read-only handle on a build's Oxigraph store: on disk, or an in-memory copy of it (5 to 20
    times faster to query, about 400 bytes of memory a triple; what servers use)."""

    build_dir: Path
    store: ox.Store
    in_memory: bool = False
    copying: threading.Thread | None = None  # the copy into memory under way (open_build later)
    memory_later: bool = False  # to be copied into memory when `copy_into_memory` is called

    @property
    def memory_planned(self) -> bool:
        """In memory, or to be copied there."""
        return self.in_memory or self.memory_later

    def copy_into_memory(self) -> None:
        """Start the copy into memory that open_build(..., later=True) planned, in a background
        thread (called once what the server needs at start is ready: they would share the cores)."""
        if self.memory_later and not self.in_memory and self.copying is None:
            self.copying = threading.Thread(
                target=self._copy_into_memory, name="kgqa-memory-copy", daemon=True
            )
            self.copying.start()

    def _copy_into_memory(self) -> None:
        """Load the snapshot into a new in-memory store and swap it in; a query under way finishes
        on the store it began on. A copy that fails leaves the build served from disk."""
        try:
            self.store = _memory_copy(self.build_dir)
            self.in_memory = True
        except StoreError as exc:
            logging.getLogger(__name__).warning("kgqa: serving from disk: %s", exc)
        finally:
            self.copying = None

    @property
    def build_id(self) -> str:
        return self.build_dir.name

    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = True,
        bindings: Bindings | None = None,
        dataset: Dataset | None = None,
    ) -> QueryResult:
        """Run a SPARQL query (see Store)."""
        check_nesting(sparql)
        graphs: dict[str, Any] = {"use_default_graph_as_union": union_default_graph}
        if dataset is not None:
            graphs = {
                "default_graph": [ox.NamedNode(g) for g in dataset.default],
                "named_graphs": [ox.NamedNode(g) for g in dataset.named],
            }
        try:
            return self.store.query(sparql, **parser_options(bindings), **graphs)
        except SyntaxError as exc:
            raise malformed(sparql, exc) from exc
        except RuntimeError as exc:  # e.g. a binding for a variable the SELECT does not project
            raise QueryError(f"cannot run this query: {_one_line(str(exc))}") from exc
        except OSError as exc:
            raise StoreError(f"cannot read the store: {_one_line(str(exc))}") from exc

    def select(self, query: str, bindings: Bindings | None = None) -> list[ox.QuerySolution]:
        """The rows of a SELECT query; [] for another query form."""
        return solutions(self.query(query, bindings=bindings))


def term_text(term: object) -> str | None:
    """The lexical value of a query solution's term (IRI, literal, blank node), None if unbound."""
    return None if term is None else str(getattr(term, "value", term))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def open_store(
    data_dir: Path, *, memory: bool | None = False, later: bool = False
) -> EmbeddedStore:
    """Open the current build read-only; StoreError when there is none yet. memory=None: in
    memory when the build has at most KGQA_MEMORY_MAX_QUADS quads; later: see open_build."""
    build_dir = current_build(data_dir)
    if build_dir is None:
        raise StoreError(f"no graph has been built in {data_dir}: run `kgqa build` first")
    return open_build(build_dir, memory=memory, later=later)


def open_build(
    build_dir: Path, *, memory: bool | None = False, later: bool = False
) -> EmbeddedStore:
    """Open one build: its on-disk store read-only, or a copy in memory loaded from its N-Quads
    snapshot (memory=None decides by size). With later, the on-disk store is opened at once and
    the copy into memory (seconds at a million quads) is left to `copy_into_memory`, which makes
    it in a background thread while the on-disk store answers and swaps it in when complete."""
    snapshot = snapshot_path(build_dir)
    if memory is None:
        quads = int(read_manifest(build_dir).get("quads", 0))
        memory = quads <= memory_max_quads() and snapshot.is_file()
    if memory and not later:
        return EmbeddedStore(build_dir=build_dir, store=_memory_copy(build_dir), in_memory=True)
    try:
        store = ox.Store.read_only(str(build_dir / "oxigraph"))
    except OSError as exc:
        raise StoreError(f"{build_dir}: cannot open the store: {_one_line(str(exc))}") from exc
    return EmbeddedStore(build_dir=build_dir, store=store, memory_later=bool(memory))


def _memory_copy(build_dir: Path) -> ox.Store:
    """A build in memory, loaded from its N-Quads snapshot."""
    try:
        store = ox.Store()
        store.bulk_load(path=str(snapshot_path(build_dir)), format=ox.RdfFormat.N_QUADS)
    except (OSError, SyntaxError) as exc:
        raise StoreError(f"{build_dir}: cannot open the store: {_one_line(str(exc))}") from exc
    return store


def memory_max_quads() -> int:
    """KGQA_MEMORY_MAX_QUADS: the largest build a server copies into memory (default 5,000,000,
    about 2 GB a process); 0 keeps every build on disk."""
    value = os.environ.get("KGQA_MEMORY_MAX_QUADS", "5000000").replace("_", "")
    if not value.isdigit():
        raise StoreError(f"KGQA_MEMORY_MAX_QUADS must be a whole number, not {value!r}")
    return int(value)


@contextlib.contextmanager
def build_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data directory's build lock; BuildError when another build holds it."""
    with lock(data_dir / "build.lock", BuildError(f"another build is running in {data_dir}")):
        yield


def new_build_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:8]


@contextlib.contextmanager
def staged_build(data_dir: Path) -> Iterator[Path]:
    """A fresh `.partial` directory to build into; swapped in as `current` only on success.

    The caller must hold the build lock. Leftovers of interrupted builds are removed first.
    """
    builds = data_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    for leftover in builds.glob("*.partial"):
        shutil.rmtree(leftover, ignore_errors=True)
    build_id = new_build_id()
    partial = builds / f"{build_id}.partial"
    partial.mkdir()
    try:
        yield partial
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    final = builds / build_id
    partial.rename(final)
    _swap_current(data_dir, final)
    _prune(builds, keep=final)


def _swap_current(data_dir: Path, final: Path) -> None:
    tmp = data_dir / f".current-{uuid.uuid4().hex[:8]}"
    os.symlink(os.path.relpath(final, data_dir), tmp)
    os.replace(tmp, current_link(data_dir))  # atomic on POSIX
    fd = os.open(data_dir, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune(builds: Path, keep: Path) -> None:
    complete = sorted(p for p in builds.iterdir() if p.is_dir() and not p.name.endswith(".partial"))
    for old in complete[:-KEEP_BUILDS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def write_manifest(build_dir: Path, manifest: dict[str, Any]) -> None:
    (build_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
