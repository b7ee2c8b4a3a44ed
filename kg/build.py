"""`kgqa build` and `kgqa validate`: corpus -> anchored claims -> RDF -> SHACL -> inference -> store."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.claim_cache import save_claims
from kg.claims import find_claims_files
from kg.config import library_dir
from kg.disagreements import rows_of, save_rows
from kg.dumps import snapshot_path, write_all
from kg.errors import CorpusError
from kg.flags import read_flag_quads
from kg.incremental import Plan, plan_update, prepare_update
from kg.infer import Disagreement, closure_graph, disagreement_triples, find_disagreements
from kg.loading import StreamingLoad
from kg.manifest import Written, manifest
from kg.ontology import Ontology, concept_files, load_ontology
from kg.shacl import ValidationCache, Validator, check_inferred
from kg.snapshot import (
    CLOSURE_PART,
    FLAGS_PART,
    ONTOLOGY_PART,
    SnapshotWriter,
    disagreements_part,
    in_graph,
    ontology_quads,
    source_part,
)
from kg.sources import SourceResult, read_source, timer, validate_sources
from kg.store import build_lock, open_build, staged_build, write_manifest
from kg.vocab import INFERRED_GRAPH
from kg.vocab import source_graph as source_graph_iri

INFERRED = str(INFERRED_GRAPH)


@dataclass
class CheckedCorpus:
    """Everything a build computes before it writes the store."""

    sources: list[SourceResult]
    disagreements: list[Disagreement]
    ontology: Ontology
    timings: dict[str, float] = field(default_factory=dict)
    validation_skipped: int = 0  # sources unchanged since they last passed validation

    @property
    def claim_count(self) -> int:
        return sum(len(s.claims) for s in self.sources)

    def inferred(self) -> Iterator[ox.Triple]:
        """The inferred graph, generated afresh at each call: at millions of disagreements it
        is cheaper to make twice than to hold."""
        yield from disagreement_triples(self.ontology, self.disagreements)
        yield from closure_graph(self.ontology)


@dataclass(frozen=True)
class BuildReport:
    """What a build produced, as `kgqa build` reports it."""

    build_id: str
    build_dir: Path
    sources: int
    claims: int
    triples: int
    disagreements: int
    seconds: float
    timings: dict[str, float]
    incremental: dict[str, Any] | None = None  # the base build and the sources that changed
    full_reason: str | None = None  # why the build was full


def check_corpus(
    corpus: Path,
    ontology: Ontology,
    validator: Validator | None,
    cache: ValidationCache | None = None,
    added: tuple[Path, ...] = (),
    on_source: Callable[[SourceResult], None] | None = None,
) -> CheckedCorpus:
    """Read, anchor, map and validate every source (the corpus's, then those of the `added`
    folders), then infer over the reviewed claims; raises on the first problem (kg.sources).
    `on_source` is given each source as soon as it is read (not yet validated); without a
    validator, the triples it was given are not kept."""
    timings: dict[str, float] = {}
    sources: list[SourceResult] = []
    slugs: dict[str, Path] = {}
    for path in find_claims_files(corpus, *added):
        source = read_source(path, ontology, timings)
        if source.slug in slugs:
            raise CorpusError(
                f"{path.name}: source slug {source.slug!r} is used by {slugs[source.slug].name} too"
            )
        slugs[source.slug] = path
        if on_source is not None:
            on_source(source)
            if validator is None:  # written, and nothing will validate them: let them go
                source = source.without_triples()
        sources.append(source)
    with timer(timings, "validate_s"):
        sources = validate_sources(sources, validator, cache)
    all_claims = [c for s in sources for c in s.claims if not c.spec.proposed]
    with timer(timings, "infer_s"):
        disagreements = find_disagreements(ontology, all_claims)
    skipped = sum(not s.validated for s in sources)
    checked = CheckedCorpus(sources, disagreements, ontology, timings, validation_skipped=skipped)
    if validator is not None:
        with timer(timings, "validate_s"):
            check_inferred(validator, cache, list(checked.inferred()))
    return checked


def write_disagreements(
    snapshot: SnapshotWriter, ontology: Ontology, disagreements: Iterable[Disagreement]
) -> None:
    """The disagreements into the snapshot, one part per goal (in the order of the parts)."""
    by_part: dict[str, list[Disagreement]] = defaultdict(list)
    for d in disagreements:
        by_part[disagreements_part(d.goal)].append(d)
    for part in sorted(by_part):
        snapshot.write(part, in_graph(disagreement_triples(ontology, by_part[part]), INFERRED))


def _build_full(
    build_dir: Path,
    corpus: Path,
    ontology: Ontology,
    validator: Validator | None,
    cache: ValidationCache | None,
    added: tuple[Path, ...],
    dumps: bool,
    concepts: Sequence[Path],
    flags: list[ox.Quad],
) -> tuple[CheckedCorpus, Written]:
    """Check the corpus and write its store as it goes: the N-Quads snapshot (dumps/kgqa.nq: the
    dump, and what servers load into memory) part by part, each part bulk-loaded into the on-disk
    store in a thread as soon as it is written (kg.loading), so that reading, mapping, validation
    and inference overlap with the load; then each source's claims for the next incremental
    build."""
    with (
        StreamingLoad(build_dir / "oxigraph") as load,
        SnapshotWriter(snapshot_path(build_dir), sink=load.add) as snapshot,
    ):
        snapshot.write(ONTOLOGY_PART, ontology_quads(concepts))
        wrote: dict[str, float] = {}

        def write_source(s: SourceResult) -> None:
            with timer(wrote, "store_s"):
                snapshot.write(
                    source_part(s.slug), in_graph(s.triples, str(source_graph_iri(s.slug)))
                )

        checked = check_corpus(corpus, ontology, validator, cache, added, on_source=write_source)
        timings = checked.timings
        timings["store_s"] = wrote.get("store_s", 0.0)
        with timer(timings, "store_s"):
            snapshot.write(CLOSURE_PART, in_graph(closure_graph(checked.ontology), INFERRED))
            write_disagreements(snapshot, checked.ontology, checked.disagreements)
            snapshot.write(FLAGS_PART, flags)
            store = load.finish()
    with timer(timings, "store_s"):
        store.optimize()  # compacted: aggregate queries run about 1.5x faster
        count = len(store)
        if dumps:
            write_all(build_dir, store)
        store.flush()
        del store
        for s in checked.sources:
            save_claims(build_dir, s.slug, s.claims)
        save_rows(build_dir, rows_of(checked.ontology, checked.disagreements))
    return checked, Written(
        sources={s.slug: s.manifest_entry() for s in checked.sources},
        claims=checked.claim_count,
        disagreements=len(checked.disagreements),
        quads=count,
        parts=snapshot.parts,
        validation_skipped=checked.validation_skipped,
    )


def build(
    corpus: Path,
    data_dir: Path,
    *,
    dumps: bool = False,
    shacl: bool = True,
    push_to: str | None = None,
    full: bool = False,
) -> BuildReport:
    """Build the graph of a corpus (and of the data folder's library) into a new store under
    data_dir and make it current. When only some sources changed since the current build (their
    claims file or document, by hash), only they and the disagreements they take part in are
    rebuilt (kg.incremental); `full` forces a full build, which is also made when there is no
    current build or the ontology, shapes or code changed.

    With dumps, write the dumps now instead of on first request. `shacl=False` is for benchmarks
    at sizes where validation would take hours; the manifest records it. With push_to (an
    external SPARQL endpoint), the build's graphs replace the previous build's there too, before
    the local build is made current: a push that fails leaves the local store as it was."""
    began = time.perf_counter()
    added = (library_dir(data_dir),)
    concepts = [f for folder in added for f in concept_files(folder)]  # proposed by added sources
    ontology = load_ontology(extra=concepts)
    validator = Validator.from_files(ontology) if shacl else None
    cache = ValidationCache.for_data_dir(data_dir)
    flags = read_flag_quads(data_dir)
    with build_lock(data_dir):
        plan = "a full build was asked for" if full else plan_update(corpus, added, data_dir, shacl)
        with staged_build(data_dir) as partial:
            if isinstance(plan, Plan):
                update = prepare_update(plan, ontology, validator, cache)
                timings = update.timings
                with timer(timings, "store_s"):
                    written = update.write(partial, dumps, flags)
                with timer(timings, "validate_wait_s"):  # checked while the store was written
                    update.checked()
            else:
                checked, written = _build_full(
                    partial, corpus, ontology, validator, cache, added, dumps, concepts, flags
                )
                timings = checked.timings
                written = replace(written, full_reason=plan)
            build_id = partial.name.removesuffix(".partial")
            if push_to is not None:
                with timer(timings, "push_s"):
                    _push(partial, push_to, build_id)
            seconds = time.perf_counter() - began
            write_manifest(partial, manifest(build_id, written, seconds, timings, shacl, concepts))
    return BuildReport(
        build_id=build_id,
        build_dir=data_dir / "builds" / build_id,
        sources=len(written.sources),
        claims=written.claims,
        triples=written.quads,
        disagreements=written.disagreements,
        seconds=seconds,
        timings=timings,
        incremental=written.incremental,
        full_reason=written.full_reason,
    )


def _push(build_dir: Path, endpoint: str, build_id: str) -> None:
    from kg.remote import push_dataset  # only builds for an external store need it

    push_dataset(endpoint, open_build(build_dir).store, build_id=build_id)


def validate(corpus: Path, added: tuple[Path, ...] = ()) -> CheckedCorpus:
    """Everything a build checks, without writing a store."""
    ontology = load_ontology()
    return check_corpus(corpus, ontology, Validator.from_files(ontology), added=added)
