"""One source through the build: its claims file read, its document read, its quotes anchored,
its claims mapped to RDF and validated. Full and incremental builds both go through here."""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from kg.anchor import QuoteAmbiguous, QuoteNotFound, anchor_quote
from kg.claims import SourceSpec, read_claims_file
from kg.errors import CorpusError
from kg.ontology import Ontology
from kg.rdf import AnchoredClaim, Document, source_graph
from kg.shacl import ValidationCache, Validator


@dataclass(frozen=True)
class SourceResult:
    """One source after anchoring and mapping."""

    document: Document
    claims: list[AnchoredClaim]
    triples: list[ox.Triple]  # empty once let go (`without_triples`)
    claims_sha256: str  # of the claims file as read
    validated: bool  # False when validation was skipped (unchanged since it passed, or no SHACL)
    triple_count: int  # of the mapped triples, kept when they are let go

    def without_triples(self) -> SourceResult:
        """The source without its triples, once written where they are needed (a build that
        validates nothing: at ten million triples they are gigabytes of Python objects)."""
        return replace(self, triples=[])

    @property
    def slug(self) -> str:
        return self.document.spec.slug

    def manifest_entry(self) -> dict[str, object]:
        """What the build manifest records of the source; an incremental build compares the
        claims file's and the document's hashes with the corpus to find what changed."""
        spec = self.document.spec
        return {
            "file": spec.file,
            "sha256": self.document.sha256,
            "claims_file": str(spec.claims_path.resolve()),
            "claims_sha256": self.claims_sha256,
            "claims": len(self.claims),
            "triples": self.triple_count,
        }


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
def timer(timings: dict[str, float], name: str) -> Iterator[None]:
    """Add the time the block takes to timings[name]."""
    began = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - began


VALIDATION_THREADS = 2  # pyrudof lets go of the interpreter for part of each check


def check_source(
    path: Path,
    ontology: Ontology,
    validator: Validator | None,
    cache: ValidationCache | None,
    timings: dict[str, float],
) -> SourceResult:
    """Read, anchor, map and validate one claims file's source; raises on the first problem.

    With a cache, a source whose inputs are unchanged since it last passed is not validated
    again. Without a validator nothing is validated (only `kgqa bench --no-shacl` asks for that).
    """
    source = read_source(path, ontology, timings)
    with timer(timings, "validate_s"):
        return validate_sources([source], validator, cache)[0]


def read_source(path: Path, ontology: Ontology, timings: dict[str, float]) -> SourceResult:
    """Read, anchor and map one claims file's source (not validated)."""
    with timer(timings, "read_s"):
        raw = path.read_bytes()
        spec = read_claims_file(path, ontology)
        doc = read_document(spec)
    with timer(timings, "anchor_s"):
        claims = anchor_claims(doc)
    with timer(timings, "map_s"):
        triples = source_graph(doc, claims, ontology.slug_label)
    return SourceResult(doc, claims, triples, hashlib.sha256(raw).hexdigest(), False, len(triples))


def validate_sources(
    sources: list[SourceResult], validator: Validator | None, cache: ValidationCache | None
) -> list[SourceResult]:
    """Validate each source (VALIDATION_THREADS at a time) unless its inputs passed before;
    raises the first failure in the sources' order. The sources, each marked if validated."""
    if validator is None:
        return sources
    keys = [
        cache.key(s.claims_sha256.encode(), s.document.sha256) if cache else "" for s in sources
    ]
    todo = [i for i, key in enumerate(keys) if not (cache and cache.passed(key))]

    def check(i: int) -> None:
        validator.check(sources[i].triples, sources[i].document.spec.claims_path.name)
        if cache:
            cache.mark(keys[i])

    if len(todo) < 2:  # one source (an incremental build): here, in this thread's session,
        for i in todo:  # which the inferred graph's check then uses too (a new one: 0.09 s)
            check(i)
    else:
        with ThreadPoolExecutor(VALIDATION_THREADS, thread_name_prefix="kgqa-shacl") as pool:
            for _ in pool.map(check, todo):  # the first failure, in order, is raised here
                pass
    done = set(todo)
    return [replace(s, validated=True) if i in done else s for i, s in enumerate(sources)]
