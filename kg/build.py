"""`kgqa build` and `kgqa validate`: corpus -> anchored claims -> RDF -> SHACL -> inference -> store."""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import __version__
from kg.anchor import QuoteAmbiguous, QuoteNotFound, anchor_quote
from kg.claims import SourceSpec, find_claims_files, read_claims_file
from kg.config import library_dir
from kg.dumps import snapshot_path, write_all
from kg.errors import CorpusError
from kg.flags import read_flag_quads
from kg.infer import Disagreement, closure_graph, disagreement_triples, find_disagreements
from kg.ontology import Ontology, concept_files, load_ontology
from kg.rdf import AnchoredClaim, Document, source_graph
from kg.resources import ontology_path, shapes_path
from kg.shacl import ValidationCache, Validator
from kg.store import build_lock, open_build, staged_build, write_manifest
from kg.vocab import INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.vocab import source_graph as source_graph_iri


@dataclass(frozen=True)
class SourceResult:
    """One source after anchoring and mapping."""

    document: Document
    claims: list[AnchoredClaim]
    triples: list[ox.Triple]


@dataclass
class CheckedCorpus:
    """Everything a build computes before it writes the store."""

    sources: list[SourceResult]
    disagreements: list[Disagreement]
    ontology: Ontology
    timings: dict[str, float] = field(default_factory=dict)
    validation_skipped: int = 0  # sources unchanged since they last passed validation
    concept_files: tuple[
        Path, ...
    ] = ()  # added sources' proposed concepts, stored with the ontology

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


def read_document(spec: SourceSpec) -> Document:
    """The verbatim document a claims file names; CorpusError if missing or not UTF-8."""
    path = spec.document_path
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{spec.claims_path.name}: document {spec.file}: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{spec.file}: not UTF-8 (invalid byte 0x{raw[exc.start]:02x} at byte offset {exc.start})"
        ) from exc
    return Document(spec=spec, text=text, sha256=hashlib.sha256(raw).hexdigest())


def anchor_claims(doc: Document) -> list[AnchoredClaim]:
    """Anchor every claim's quote; CorpusError naming claims file, line, claim id and the passage."""
    anchored = []
    for claim in doc.spec.claims:
        if claim.status == "rejected":
            continue
        where = f"{doc.spec.claims_path.name}:{claim.line}: claim `{claim.id}`"
        try:
            anchor = anchor_quote(doc.text, claim.quote, claim.occurrence)
        except QuoteNotFound as exc:
            raise CorpusError(
                f"{where}: quote not found in {doc.spec.file}; closest passage: {exc.closest!r}"
            ) from exc
        except (QuoteAmbiguous, ValueError) as exc:
            raise CorpusError(f"{where}: {exc}") from exc
        anchored.append(AnchoredClaim(spec=claim, source_slug=doc.spec.slug, anchor=anchor))
    return anchored


@contextlib.contextmanager
def _timer(timings: dict[str, float], name: str) -> Iterator[None]:
    """Add the time the block takes to timings[name]."""
    began = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - began


def check_corpus(
    corpus: Path,
    ontology: Ontology,
    validator: Validator | None,
    cache: ValidationCache | None = None,
    added: tuple[Path, ...] = (),
) -> CheckedCorpus:
    """Read, anchor, map and validate every source (the corpus's, then those of the `added`
    folders), then infer over the reviewed claims; raises on the first problem.

    With a cache, a source whose inputs are unchanged since it last passed is not validated again.
    Without a validator nothing is validated (only `kgqa bench --no-shacl` asks for that).
    """
    timings: dict[str, float] = {}
    skipped = 0
    sources: list[SourceResult] = []
    slugs: dict[str, Path] = {}
    for path in find_claims_files(corpus, *added):
        with _timer(timings, "read_s"):
            spec = read_claims_file(path, ontology)
            if spec.slug in slugs:
                raise CorpusError(
                    f"{path.name}: source slug {spec.slug!r} is used by {slugs[spec.slug].name} too"
                )
            slugs[spec.slug] = path
            doc = read_document(spec)
        with _timer(timings, "anchor_s"):
            claims = anchor_claims(doc)
        with _timer(timings, "map_s"):
            triples = source_graph(doc, claims, ontology.slug_label)
        with _timer(timings, "validate_s"):
            key = cache.key(path.read_bytes(), doc.sha256) if cache else ""
            if validator is None or (cache and cache.passed(key)):
                skipped += 1
            else:
                validator.check(triples, spec.claims_path.name)
                if cache:
                    cache.mark(key)
        sources.append(SourceResult(document=doc, claims=claims, triples=triples))
    all_claims = [c for s in sources for c in s.claims if not c.spec.proposed]
    with _timer(timings, "infer_s"):
        disagreements = find_disagreements(ontology, all_claims)
    checked = CheckedCorpus(sources, disagreements, ontology, timings, validation_skipped=skipped)
    if validator is not None:
        with _timer(timings, "validate_s"):
            inferred = list(checked.inferred())
            key = cache.key(_content_hash(inferred).encode(), "inferred") if cache else ""
            if not (cache and cache.passed(key)):
                validator.check(inferred, "inferred disagreements")
                if cache:
                    cache.mark(key)
    return checked


def _content_hash(triples: list[ox.Triple]) -> str:
    """A hash of a set of triples that does not depend on their order."""
    digest = hashlib.sha256()
    for line in sorted(map(str, triples)):
        digest.update(line.encode())
    return digest.hexdigest()


def _quads(checked: CheckedCorpus) -> Iterator[ox.Quad]:
    for graph_iri, triples in (
        *((source_graph_iri(s.document.spec.slug), s.triples) for s in checked.sources),
        (INFERRED_GRAPH, checked.inferred()),
    ):
        graph = ox.NamedNode(str(graph_iri))
        for t in triples:
            yield ox.Quad(t.subject, t.predicate, t.object, graph)


def _write_store(build_dir: Path, checked: CheckedCorpus, dumps: bool, flags: list[ox.Quad]) -> int:
    """The N-Quads snapshot (dumps/kgqa.nq: the dump, and what servers load into memory), then
    the on-disk store bulk-loaded from it. Readers' flags go into their own graph."""
    snapshot = snapshot_path(build_dir)
    snapshot.parent.mkdir()
    with snapshot.open("wb") as out:
        for path in (ontology_path(), shapes_path(), *checked.concept_files):
            ontology = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
            graph = ox.NamedNode(str(ONTOLOGY_GRAPH))
            ox.serialize(
                (ox.Quad(t.subject, t.predicate, t.object, graph) for t in ontology),
                out,
                format=ox.RdfFormat.N_QUADS,
            )
        ox.serialize(_quads(checked), out, format=ox.RdfFormat.N_QUADS)
        ox.serialize(flags, out, format=ox.RdfFormat.N_QUADS)
    store = ox.Store(str(build_dir / "oxigraph"))
    store.bulk_load(path=str(snapshot), format=ox.RdfFormat.N_QUADS)
    store.optimize()  # compacted: aggregate queries run about 1.5x faster
    count = len(store)
    if dumps:
        write_all(build_dir, store)
    store.flush()
    del store
    return count


def build(
    corpus: Path,
    data_dir: Path,
    *,
    dumps: bool = False,
    shacl: bool = True,
    push_to: str | None = None,
) -> BuildReport:
    """Build the graph of a corpus into a new store under data_dir and make it current; with
    dumps, write the dumps now instead of on first request. `shacl=False` is for benchmarks at
    sizes where validation would take hours; the manifest records it. With push_to (an external
    SPARQL endpoint), the build's graphs replace the previous build's there too, before the local
    build is made current: a push that fails leaves the local store as it was."""
    began = time.perf_counter()
    proposed_concepts = tuple(concept_files(library_dir(data_dir)))
    ontology = load_ontology(extra=proposed_concepts)
    validator = Validator.from_files(ontology) if shacl else None
    with build_lock(data_dir):
        checked = check_corpus(
            corpus,
            ontology,
            validator,
            ValidationCache.for_data_dir(data_dir),
            added=(library_dir(data_dir),),
        )
        checked.concept_files = proposed_concepts
        with staged_build(data_dir) as partial:
            with _timer(checked.timings, "store_s"):
                triples = _write_store(partial, checked, dumps, read_flag_quads(data_dir))
            seconds = time.perf_counter() - began
            build_id = partial.name.removesuffix(".partial")
            if push_to is not None:
                with _timer(checked.timings, "push_s"):
                    _push(partial, push_to, build_id)
                seconds = time.perf_counter() - began
            manifest = _manifest(build_id, checked, triples, seconds)
            write_manifest(partial, {**manifest, "shacl": shacl})
    return BuildReport(
        build_id=build_id,
        build_dir=data_dir / "builds" / build_id,
        sources=len(checked.sources),
        claims=checked.claim_count,
        triples=triples,
        disagreements=len(checked.disagreements),
        seconds=seconds,
        timings=checked.timings,
    )


def _push(build_dir: Path, endpoint: str, build_id: str) -> None:
    from kg.remote import push_dataset  # only builds for an external store need it

    push_dataset(endpoint, open_build(build_dir).store, build_id=build_id)


def _manifest(
    build_id: str, checked: CheckedCorpus, triples: int, seconds: float
) -> dict[str, Any]:
    return {
        "build_id": build_id,
        "kgqa_version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "sources": {
            s.document.spec.slug: {
                "file": s.document.spec.file,
                "sha256": s.document.sha256,
                "claims": len(s.claims),
                "triples": len(s.triples),
            }
            for s in checked.sources
        },
        "claims": checked.claim_count,
        "quads": triples,
        "disagreements": len(checked.disagreements),
        "validation_skipped_sources": checked.validation_skipped,
        "seconds": round(seconds, 3),
        "timings": {k: round(v, 3) for k, v in checked.timings.items()},
    }


def validate(corpus: Path, added: tuple[Path, ...] = ()) -> CheckedCorpus:
    """Everything a build checks, without writing a store."""
    ontology = load_ontology(extra=[f for folder in added for f in concept_files(folder)])
    return check_corpus(corpus, ontology, Validator.from_files(ontology), added=added)
