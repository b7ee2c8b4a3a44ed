"""Adding and removing a source: read, propose, write the library entry atomically, rebuild.

Whatever fails or is interrupted before the new build is current takes the entry back out, so the
library, the corpus and the current build stay as they were; the build itself is staged and
swapped in atomically by kg.build, so a running server keeps serving the previous one until then.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest import library
from ingest.concepts import concepts_turtle
from ingest.documents import IngestedDocument, read_document
from ingest.metadata import check_published, check_title, check_url, short_title
from ingest.propose import propose
from kg.backend import check_url as check_store_url
from kg.build import BuildReport, build
from kg.claims import read_claims_file
from kg.config import library_dir, store_url
from kg.errors import InputError
from kg.ontology import Ontology, concept_files, load_ontology
from kg.sources import anchor_claims
from kg.sources import read_document as read_stored_document


@dataclass(frozen=True)
class Options:
    """What the user said about a document; None where they said nothing."""

    title: str | None = None
    url: str | None = None
    published: str | None = None
    encoding: str | None = None

    def checked(self) -> Options:
        """The same options, validated and trimmed; InputError for an invalid one."""
        return Options(
            title=check_title(self.title) if self.title is not None else None,
            url=check_url(self.url) if self.url is not None else None,
            published=check_published(self.published) if self.published is not None else None,
            encoding=self.encoding,
        )


@dataclass(frozen=True)
class IngestReport:
    slug: str
    title: str
    proposed_claims: int
    build: BuildReport


@dataclass(frozen=True)
class RemoveReport:
    slug: str
    title: str
    build: BuildReport


def rebuild(corpus: Path, data_dir: Path) -> BuildReport:
    """Bring the current build up to date with the corpus and library: the one place ingest and
    remove build (a full build today; an incremental one can take its place)."""
    url = store_url()
    return build(corpus, data_dir, push_to=check_store_url(url) if url else None)


def _new_source(
    document: IngestedDocument, options: Options, ontology: Ontology
) -> library.NewSource:
    metadata = document.metadata.overridden(options.title, options.url, options.published)
    metadata = metadata.completed(short_title(document.first_line))
    proposals = propose(document.text, ontology)
    if not proposals.claims:
        raise InputError(
            "no claims found: no sentence of the document names an activity or goal the "
            "ontology knows; nothing was added"
        )
    return library.NewSource(
        text=document.text,
        original=document.original,
        extension=document.format.extension,
        media_type=document.format.media_type,
        metadata=metadata,
        claims=proposals.claims,
        concepts=concepts_turtle(proposals.concepts) if proposals.concepts else "",
    )


def _check_staged(staged: library.Staged, known: list[Path]) -> None:
    """Read the staged claims file, with the concepts it proposes, and anchor its quotes as the
    build will (CorpusError if not)."""
    extended = load_ontology(extra=[*known, *concept_files(staged.staging)])
    anchor_claims(read_stored_document(read_claims_file(staged.entry.claims_path, extended)))


def ingest(location: str, options: Options, corpus: Path, data_dir: Path) -> IngestReport:
    """Add a document (file path or URL) to the library with proposed claims, and rebuild."""
    options = options.checked()
    document = read_document(location, options.encoding)
    folder = library_dir(data_dir)
    known = concept_files(folder)  # those earlier sources proposed count as known
    source = _new_source(document, options, load_ontology(extra=known))
    with library.library_lock(data_dir):
        library.clear_leftovers(folder)
        duplicate = library.find_duplicate(source.text, corpus, folder)
        if duplicate is not None:
            where = "library" if duplicate.parent == folder else "corpus"
            raise InputError(f"{location}: already in the {where}: same text as {duplicate.name}")
        staged = library.stage(folder, library.next_slug(corpus, folder), source)
        try:
            _check_staged(staged, known)
            entry = library.commit(staged)
        except BaseException:
            library.abandon(staged)
            raise
        try:
            report = rebuild(corpus, data_dir)
        except BaseException:
            library.purge(library.withdraw(entry))
            raise
    return IngestReport(entry.slug, entry.title, len(source.claims), report)


def remove(name: str, corpus: Path, data_dir: Path) -> RemoveReport:
    """Take a source added with ingest out of the library (by slug or title), and rebuild."""
    folder = library_dir(data_dir)
    with library.library_lock(data_dir):
        library.clear_leftovers(folder)
        entry = library.find_entry(name, folder, corpus)
        held = library.withdraw(entry)
        try:
            report = rebuild(corpus, data_dir)
        except BaseException:
            library.restore(held, entry)
            raise
        library.purge(held)
    return RemoveReport(entry.slug, entry.title, report)
