"""Incremental builds: when only some sources changed since the current build, the new build is
made from the current one rather than from the whole corpus.

What changed is found by hash: each claims file and its document against the current build's
manifest, and the files of concepts added sources propose (`kgqa ingest`): when some were added,
the ontology graph and the concept closure are rewritten and every goal's disagreements
recomputed; when one changed or was removed, the build is full. The current build's on-disk
store is backed up into the new build (hard links), the changed sources' graphs are replaced in
it, and of the inferred graph only the disagreements on the goals the changed claims speak to
are recomputed, over the other sources' claims as the build saved
them (kg.claim_cache), and replaced by their difference. The N-Quads snapshot is the current one's
unchanged parts, copied, and the new parts (kg.snapshot). Only the changed sources are validated,
and of the recomputed disagreements those the current build does not hold alike (by its saved
rows, kg.disagreements), in a thread while the store is written. The result holds the quads a
full build of the same corpus holds (tests/kg/test_incremental.py); kg.build decides which build
to make.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import RDF

from kg.claim_cache import cache_path, link_claims, load_claims, save_claims
from kg.claims import find_claims_files
from kg.disagreements import DisagreementRow, in_order, rows_of, save_rows, saved_rows
from kg.dumps import snapshot_path, write_all
from kg.errors import CorpusError, StoreError
from kg.infer import (
    Disagreement,
    closure_graph,
    disagreement_triples,
    find_disagreements,
    question_goals,
)
from kg.manifest import Written, concept_digests, inputs_digest
from kg.ontology import Ontology, concept_files
from kg.rdf import AnchoredClaim
from kg.shacl import ValidationCache, Validator, check_inferred
from kg.snapshot import (
    CLOSURE_PART,
    DISAGREEMENTS,
    FLAGS_PART,
    ONTOLOGY_PART,
    SnapshotWriter,
    disagreements_part,
    in_graph,
    ontology_quads,
    parse,
    read_part,
    serialize,
    source_part,
)
from kg.sources import SourceResult, check_source, timer
from kg.store import current_build, read_manifest
from kg.vocab import CONCEPT, FLAGS_GRAPH, INFERRED_GRAPH, KGQA, ONTOLOGY_GRAPH
from kg.vocab import source_graph as source_graph_iri

# Past this share of the current build's sources changed, a full build is about as fast.
MAX_CHANGED_SHARE = 0.5
INFERRED = str(INFERRED_GRAPH)
DISAGREEMENT_TYPE = f" <{RDF.type}> <{KGQA.Disagreement}> ".encode()  # a line of each node


@dataclass(frozen=True)
class Plan:
    """What changed since the current build (`base`), in the corpus's build order."""

    base: Path
    base_manifest: dict[str, Any]
    files: list[Path]  # every claims file, in build order
    kept: dict[Path, str]  # an unchanged claims file -> its source's slug
    changed: list[Path]  # new or changed claims files
    dropped: list[str]  # slugs of the base whose claims file is gone or changed
    concepts: list[Path] = field(default_factory=list)  # every file of proposed concepts
    concepts_added: bool = False  # some since the base build: ontology and closure rewritten


def plan_update(corpus: Path, added: tuple[Path, ...], data_dir: Path, shacl: bool) -> Plan | str:
    """What changed since the current build, or why the next build must be a full one."""
    base = current_build(data_dir)
    if base is None:
        return "there is no current build"
    try:
        manifest = read_manifest(base)
    except StoreError:
        return "the current build's manifest is unreadable"
    if "snapshot_parts" not in manifest or "concept_files" not in manifest:
        return "the current build was made before incremental builds"
    if manifest["inputs"] != inputs_digest():
        return "the ontology, the shapes or the build code changed since the current build"
    concepts = [f for folder in added for f in concept_files(folder)]
    now, before = concept_digests(concepts), manifest["concept_files"]
    if any(now.get(name) != digest for name, digest in before.items()):
        return "a file of proposed concepts was changed or removed since the current build"
    if manifest.get("shacl") != shacl:
        return "SHACL validation was " + ("off" if shacl else "on") + " for the current build"
    if not _complete(base, manifest):
        return "the current build is incomplete"
    by_path = {Path(e["claims_file"]): (slug, e) for slug, e in manifest["sources"].items()}
    files = find_claims_files(corpus, *added)
    kept: dict[Path, str] = {}
    changed: list[Path] = []
    for path in files:
        known = by_path.get(path.resolve())
        if known is not None and _unchanged(path, known[1]):
            kept[path] = known[0]
        else:
            changed.append(path)
    dropped = sorted(set(manifest["sources"]) - set(kept.values()))
    if max(len(changed), len(dropped)) > MAX_CHANGED_SHARE * len(manifest["sources"]):
        return f"{max(len(changed), len(dropped))} of {len(manifest['sources'])} sources changed"
    return Plan(base, manifest, files, kept, changed, dropped, concepts, now != before)


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _unchanged(claims_file: Path, entry: dict[str, Any]) -> bool:
    return bool(
        _sha256(claims_file) == entry.get("claims_sha256")
        and _sha256(claims_file.parent / str(entry.get("file"))) == entry.get("sha256")
    )


def _complete(base: Path, manifest: dict[str, Any]) -> bool:
    """Whether the build has every file an incremental build reads."""
    ends = [end for _, end in manifest["snapshot_parts"].values()]
    snapshot = snapshot_path(base)
    return (
        snapshot.is_file()
        and snapshot.stat().st_size == max(ends, default=0)
        and (base / "oxigraph" / "CURRENT").is_file()
        and all(cache_path(base, slug).is_file() for slug in manifest["sources"])
    )


@dataclass
class Update:
    """An incremental build, computed and checked (but for its recomputed disagreements, whose
    check may still run: `checked`), ready to write into a staged build."""

    plan: Plan
    ontology: Ontology
    sources: dict[Path, SourceResult]  # the changed sources, by claims file
    goals: set[str | None]  # the goals whose disagreements are recomputed
    disagreements: list[Disagreement]  # the recomputed ones
    timings: dict[str, float] = field(default_factory=dict)
    checking: Future[None] | None = None  # their SHACL check, under way
    rows: list[DisagreementRow] = field(default_factory=list)  # the recomputed ones as rows
    base_rows: list[DisagreementRow] | None = None  # the base build's saved rows

    def checked(self) -> None:
        """Wait for the recomputed disagreements' check; raises BuildError if they fail it."""
        if self.checking is not None:
            self.checking.result()

    def write(self, build_dir: Path, dumps: bool, flags: list[ox.Quad]) -> Written:
        """The new build's store, snapshot and saved claims, from the base build's; readers'
        flags (`flags`) replace the base's."""
        base, parts = self.plan.base, self.plan.base_manifest["snapshot_parts"]
        store_dir = build_dir / "oxigraph"
        ox.Store.read_only(str(base / "oxigraph")).backup(str(store_dir))
        store = ox.Store(str(store_dir))
        for slug in self.plan.dropped:
            store.remove_graph(ox.NamedNode(_graph(slug)))
        for s in self.sources.values():
            store.bulk_extend(list(in_graph(s.triples, _graph(s.slug))))
        store.remove_graph(ox.NamedNode(str(FLAGS_GRAPH)))
        store.bulk_extend(flags)
        ontology: list[ox.Quad] | None = None  # the ontology graph, when it changed
        if self.plan.concepts_added:
            ontology = ontology_quads(self.plan.concepts)
            store.remove_graph(ox.NamedNode(str(ONTOLOGY_GRAPH)))
            store.bulk_extend(ontology)
        fd = os.open(snapshot_path(base), os.O_RDONLY)
        try:
            replaced = self._goal_parts()
            if self.plan.concepts_added:  # the closure has the new concepts' broader ones
                closure = in_graph(closure_graph(self.ontology), INFERRED)
                replaced[CLOSURE_PART] = serialize(closure)
            before = [read_part(fd, parts[part]) for part in replaced if part in parts]
            old = {line for data in before for line in data.splitlines()}
            new = {line for data in replaced.values() for line in data.splitlines()}
            for quad in parse(old - new):
                store.remove(quad)
            store.bulk_extend(parse(new - old))
            written_parts = self._write_snapshot(build_dir, fd, parts, replaced, flags, ontology)
        finally:
            os.close(fd)
        store.flush()
        count = len(store)
        if dumps:
            write_all(build_dir, store)
        del store
        self._save_rows(build_dir)
        old_count = sum(data.count(DISAGREEMENT_TYPE) for data in before)
        return self._written(build_dir, count, written_parts, old_count)

    def _save_rows(self, build_dir: Path) -> None:
        """The base build's disagreement rows on the goals not recomputed, and the recomputed
        ones; none when the base saved none (the store is then read)."""
        if self.base_rows is None:
            return
        goals = {None if g is None else f"{CONCEPT}{g}" for g in self.goals}
        kept = [row for row in self.base_rows if row.goal not in goals]
        save_rows(build_dir, in_order(kept + self.rows))

    def _goal_parts(self) -> dict[str, bytes]:
        """The snapshot's disagreement parts the update replaces, each as its new N-Quads
        (none when the goal no longer has a disagreement)."""
        by_part: dict[str, list[Disagreement]] = {disagreements_part(g): [] for g in self.goals}
        for d in self.disagreements:
            by_part[disagreements_part(d.goal)].append(d)
        return {
            part: serialize(in_graph(disagreement_triples(self.ontology, found), INFERRED))
            for part, found in by_part.items()
        }

    def _write_snapshot(
        self,
        build_dir: Path,
        base: int,
        parts: dict[str, Any],
        replaced: dict[str, bytes],
        flags: list[ox.Quad],
        ontology: list[ox.Quad] | None,
    ) -> dict[str, tuple[int, int]]:
        """The base snapshot's parts, copied, with the changed sources', the replaced closure and
        disagreement parts and a changed ontology written in their place, in the order a full
        build writes them."""
        with SnapshotWriter(snapshot_path(build_dir)) as snapshot:
            if ontology is None:
                snapshot.copy(ONTOLOGY_PART, base, parts[ONTOLOGY_PART])
            else:
                snapshot.write(ONTOLOGY_PART, ontology)
            for path in self.plan.files:
                if path in self.plan.kept:
                    part = source_part(self.plan.kept[path])
                    snapshot.copy(part, base, parts[part])
                else:
                    s = self.sources[path]
                    snapshot.write(source_part(s.slug), in_graph(s.triples, _graph(s.slug)))
            if CLOSURE_PART in replaced:
                snapshot.write_bytes(CLOSURE_PART, replaced[CLOSURE_PART])
            else:
                snapshot.copy(CLOSURE_PART, base, parts[CLOSURE_PART])
            goal_parts = {p for p in {*parts, *replaced} if p.startswith(DISAGREEMENTS)}
            for part in sorted(p for p in goal_parts if p in parts or replaced[p]):
                if part not in replaced:
                    snapshot.copy(part, base, parts[part])
                elif replaced[part]:
                    snapshot.write_bytes(part, replaced[part])
            snapshot.write(FLAGS_PART, flags)
        return snapshot.parts

    def _written(
        self, build_dir: Path, quads: int, parts: dict[str, tuple[int, int]], old_count: int
    ) -> Written:
        plan = self.plan
        entries: dict[str, dict[str, Any]] = {}
        for path in plan.files:
            if path in plan.kept:
                slug = plan.kept[path]
                link_claims(plan.base, build_dir, slug)
                entries[slug] = plan.base_manifest["sources"][slug]
            else:
                s = self.sources[path]
                save_claims(build_dir, s.slug, s.claims)
                entries[s.slug] = s.manifest_entry()
        changed = sorted(s.slug for s in self.sources.values())
        return Written(
            sources=entries,
            claims=sum(int(e["claims"]) for e in entries.values()),
            disagreements=int(plan.base_manifest["disagreements"])
            - old_count
            + len(self.disagreements),
            quads=quads,
            parts=parts,
            validation_skipped=len(entries) - sum(s.validated for s in self.sources.values()),
            incremental={
                "base": plan.base.name,
                "changed": changed,
                "removed": sorted(set(plan.dropped) - set(changed)),
                "recomputed_goals": sorted(g or "(whether to do it)" for g in self.goals),
            },
        )


def _graph(slug: str) -> str:
    return str(source_graph_iri(slug))


def prepare_update(
    plan: Plan, ontology: Ontology, validator: Validator | None, cache: ValidationCache | None
) -> Update:
    """Read, anchor, map and validate the changed sources, and recompute the disagreements they
    take part in; raises on the first problem, before anything is written."""
    timings: dict[str, float] = {}
    sources = {p: check_source(p, ontology, validator, cache, timings) for p in plan.changed}
    _check_slugs(plan, sources)
    with timer(timings, "saved_claims_s"):
        kept = [c for slug in plan.kept.values() for c in load_claims(plan.base, slug)]
        before = [c for slug in plan.dropped for c in load_claims(plan.base, slug)]
    with timer(timings, "infer_s"):
        after = [c for s in sources.values() for c in s.claims]
        # new concepts may relate claims anew: then every goal's disagreements are recomputed
        speaking = kept + before + after if plan.concepts_added else before + after
        goals = question_goals(ontology, _reviewed(speaking))
        disagreements = find_disagreements(ontology, _reviewed(kept + after), goals)
    rows, base_rows = rows_of(ontology, disagreements), saved_rows(plan.base)
    checking = None
    if validator is not None:  # in a thread while the build writes (pyrudof lets go of the GIL)
        changed = _changed(disagreements, rows, base_rows)
        inferred = list(disagreement_triples(ontology, changed))
        pool = ThreadPoolExecutor(1, thread_name_prefix="kgqa-shacl")
        checking = pool.submit(_check_inferred, validator, cache, inferred, timings)
        pool.shutdown(wait=False)  # the check goes on; Update.checked waits for it
    return Update(plan, ontology, sources, goals, disagreements, timings, checking, rows, base_rows)


def _changed(
    disagreements: list[Disagreement],
    rows: list[DisagreementRow],
    base_rows: list[DisagreementRow] | None,
) -> list[Disagreement]:
    """The recomputed disagreements the base build does not hold alike (all of them when it
    saved no rows): only they are checked. The shapes of a disagreement read only its own node,
    its sides' and the ontology, and the base's passed its check, so one it holds alike passes."""
    if base_rows is None:
        return disagreements
    before = {row.iri: astuple(row) for row in base_rows}
    same = {row.iri for row in rows if before.get(row.iri) == astuple(row)}
    return [d for d in disagreements if str(d.iri) not in same]


def _check_inferred(
    validator: Validator,
    cache: ValidationCache | None,
    inferred: list[ox.Triple],
    timings: dict[str, float],
) -> None:
    with timer(timings, "validate_inferred_s"):
        check_inferred(validator, cache, inferred)


def _reviewed(claims: list[AnchoredClaim]) -> list[AnchoredClaim]:
    """The claims inference reads: proposed ones wait for review."""
    return [c for c in claims if not c.spec.proposed]


def _check_slugs(plan: Plan, sources: dict[Path, SourceResult]) -> None:
    """A CorpusError, as a full build gives it, when two claims files name one slug."""
    seen: dict[str, Path] = {}
    for path in plan.files:
        slug = plan.kept[path] if path in plan.kept else sources[path].slug
        if slug in seen:
            raise CorpusError(f"{path.name}: source slug {slug!r} is used by {seen[slug].name} too")
        seen[slug] = path
