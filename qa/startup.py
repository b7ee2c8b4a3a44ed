"""What an engine reads from its store and works out with spaCy, once per build.

`EngineData` is all of it as plain data: the sources, the proposed concepts, the catalogue of
claims and disagreements, the words of the corpus and of every quote (spaCy over every text),
their idf, and the question labels as the pipeline reads them. At a million triples that takes
seconds; read back from `builds/<id>/engine/<variant>.msgpack` it takes a fraction of one.

The engine reads the saved copy when it is of this build (its id) and of this code (the format,
kgqa, spaCy and lookups versions, the ontology and hints files), and whole (a digest of its
payload); otherwise it works the data out and saves it, atomically (a read-only folder is no
error: the data is then worked out at every start). msgpack, not pickle: loading runs no code.
The data of an incremental build is worked out from its base build's saved data: spaCy runs only
over the sources that changed (a second at a million triples instead of ten).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy_lookups_data  # type: ignore[import-untyped]
import srsly  # type: ignore[import-untyped]
from spacy.about import __version__ as spacy_version
from spacy.language import Language
from srsly.msgpack.exceptions import (  # type: ignore[import-untyped]
    UnpackException,
    UnpackValueError,
)

from kg import __version__
from kg.disagreements import DisagreementRow, SideRow, load_disagreements
from kg.errors import StoreError
from kg.matching import Label, Pattern, authority_labels, concept_labels, label_patterns
from kg.ontology import Ontology, Term
from kg.resources import ontology_path
from kg.store import EmbeddedStore, Store, read_manifest
from kg.store import term_text as _value
from qa.catalog import Catalog, Facets, read_facets
from qa.hints import Hint, hints_path
from qa.nlp import RARITY_COMPONENT
from qa.rank import inverse_document_frequency, quoted_words

FORMAT = 4  # raise when what is saved, or how it is worked out, changes
SOURCES_QUERY = """
SELECT ?source ?slug ?title ?short ?publisher ?alias ?url WHERE {
  ?source a kgqa:Source ; kgqa:slug ?slug ; dcterms:title ?title .
  OPTIONAL { ?source schema:headline ?short }
  OPTIONAL { ?source schema:url ?url }
  OPTIONAL { ?source dcterms:publisher ?publisher }
  OPTIONAL { ?source schema:alternateName ?alias }
} ORDER BY ?slug"""
SOURCE_FIELDS = ("source", "slug", "title", "short", "publisher", "alias", "url")
TEXTS_QUERY = (
    "SELECT ?slug ?text WHERE { ?source a kgqa:Source ; kgqa:slug ?slug ; schema:text ?text }"
)
PROPOSED_QUERY = "SELECT DISTINCT ?claim WHERE { ?claim kgqa:reviewStatus ?status }"
COVERAGE_QUERY = """
SELECT ?goal (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a kgqa:Claim ; kgqa:goal ?goal }
GROUP BY ?goal ORDER BY DESC(?n) ?goal LIMIT 8"""
TITLE_END = re.compile(r"[:?]")

UNPACK_ERRORS = (UnpackException, UnpackValueError)  # msgpack's own, besides ValueError
log = logging.getLogger(__name__)
SourceRow = tuple[str | None, ...]  # the values of SOURCE_FIELDS


@dataclass(frozen=True)
class SourceInfo:
    iri: str
    slug: str
    title: str
    short_title: str
    url: str | None = None  # where it was published
    publisher: str | None = None


@dataclass(frozen=True)
class EngineData:
    """What an engine reads from its store and works out with spaCy (see the module)."""

    build_id: str
    include_proposed: bool
    proposed_concepts: list[tuple[Term, Term, Term]]
    sources: list[SourceRow]  # rows of SOURCES_QUERY, in its order
    text_lemmas: dict[str, frozenset[str]]  # by source slug: every word of its text, and lemma
    patterns: list[Pattern]  # the question labels, read by the pipeline
    facets: dict[str, Facets]
    proposed: frozenset[str]
    disagreements: list[DisagreementRow]
    claim_words: dict[str, frozenset[str]]  # by claim, as qa.rank.quoted_words
    idf: dict[str, float]
    coverage: list[str]  # the goals most claims speak of

    def catalog(self) -> Catalog:
        return Catalog(self.facets, self.proposed, self.disagreements)

    def corpus_lemmas(self) -> frozenset[str]:
        """Every word of the documents, and its lemma."""
        return frozenset().union(*self.text_lemmas.values())

    def source_infos(self) -> tuple[dict[str, SourceInfo], list[tuple[str, str]]]:
        return source_infos(self.sources)


def source_infos(rows: list[SourceRow]) -> tuple[dict[str, SourceInfo], list[tuple[str, str]]]:
    """Each source by IRI, and every name it goes by (title, short title, publisher, alias)."""
    found: dict[str, SourceInfo] = {}
    names: list[tuple[str, str]] = []
    for iri, slug, title, short, publisher, alias, url in rows:
        title = title or ""
        short = short or TITLE_END.split(title)[0].strip() or title
        found[iri or ""] = SourceInfo(iri or "", slug or "", title, short, url, publisher)
        names += [(iri or "", name) for name in (title, short, publisher, alias) if name]
    return found, names


def question_labels(
    ontology: Ontology, hints: Iterable[Hint], source_names: Iterable[tuple[str, str]]
) -> list[Label]:
    """What questions are matched against: concept labels, the hints' cues, source names and
    authorities."""
    labels = concept_labels(ontology)
    labels += [
        Label(str(h.concept), ontology.concepts[h.concept].kind, h.text, h.sense) for h in hints
    ]
    labels += [Label(iri, "source", name) for iri, name in source_names]
    return labels + authority_labels(ontology)


@dataclass(frozen=True)
class Base:
    """An earlier build's data, and the sources changed (or added) since: the rest is reused."""

    data: EngineData
    changed: frozenset[str]  # source slugs


def work_out(
    store: Store,
    include_proposed: bool,
    nlp: Language,
    ontology: Ontology,
    hints: Iterable[Hint],
    proposed_concepts: list[tuple[Term, Term, Term]],
    base: Base | None = None,
) -> EngineData:
    """Read the store and run spaCy over every document and quote: seconds at a million triples.
    With a base, the texts and claims of its sources that did not change are taken from it."""
    sources = [
        tuple(_value(row[name]) for name in SOURCE_FIELDS) for row in store.select(SOURCES_QUERY)
    ]
    reused = base.data.text_lemmas if base else {}
    kept = set(reused) - base.changed if base else set()
    texts = [(_value(r["slug"]) or "", _value(r["text"]) or "") for r in store.select(TEXTS_QUERY)]
    fresh = [(slug, text) for slug, text in texts if slug not in kept]
    lemmas = dict(zip((slug for slug, _ in fresh), _lemmas(nlp, fresh), strict=True))
    text_lemmas = {slug: lemmas[slug] if slug in lemmas else reused[slug] for slug, _ in texts}
    if base is None:
        facets, proposed = read_facets(store, include_proposed)
        words = quoted_words(nlp, facets)
    else:
        facets = {c: f for c, f in base.data.facets.items() if f.slug in kept}
        words = {c: base.data.claim_words[c] for c in facets}
        proposed = frozenset(_value(r["claim"]) or "" for r in store.select(PROPOSED_QUERY))
        for iri, slug, *_ in sources:
            if slug not in kept and slug in text_lemmas:
                found, _ = read_facets(store, include_proposed, iri)
                facets |= found
                words |= quoted_words(nlp, found)
    labels = question_labels(ontology, hints, source_infos(sources)[1])
    return EngineData(
        build_id=store.build_id,
        include_proposed=include_proposed,
        proposed_concepts=proposed_concepts,
        sources=sources,
        text_lemmas=text_lemmas,
        patterns=label_patterns(nlp, labels),
        facets=facets,
        proposed=proposed,
        disagreements=load_disagreements(store),
        claim_words=words,
        idf=inverse_document_frequency(list(words.values())),
        coverage=[_value(r["goal"]) or "" for r in store.select(COVERAGE_QUERY)],
    )


def _lemmas(nlp: Language, texts: list[tuple[str, str]]) -> Iterable[frozenset[str]]:
    for doc in nlp.pipe((text for _, text in texts), disable=[RARITY_COMPONENT]):
        yield frozenset(w for t in doc if t.is_alpha for w in (t.lower_, t.lemma_.lower()))


def base_of(store: Store, include_proposed: bool, known: EngineData | None = None) -> Base | None:
    """For an incremental build, its base build's data and what changed since: `known` when it
    is the base build's (a server's engine), else as saved; None for a full build or when the
    base build or its data is gone."""
    if not isinstance(store, EmbeddedStore):
        return None
    try:
        update = read_manifest(store.build_dir).get("incremental")
    except StoreError:
        return None
    if not isinstance(update, dict) or not isinstance(update.get("base"), str):
        return None
    base_dir = store.build_dir.parent / update["base"]
    if base_dir.parent != store.build_dir.parent:
        return None  # a base named outside the builds folder is not read
    if known is not None and (known.build_id, known.include_proposed) == (
        base_dir.name,
        include_proposed,
    ):
        data: EngineData | None = known
    else:
        data = load(saved_file(base_dir, include_proposed), base_dir.name, include_proposed)
    return None if data is None else Base(data, frozenset(map(str, update.get("changed", ()))))


def saved_path(store: Store, include_proposed: bool) -> Path | None:
    """Where an embedded build's engine data is kept; None for a remote store."""
    if not isinstance(store, EmbeddedStore):
        return None
    return saved_file(store.build_dir, include_proposed)


def saved_file(build_dir: Path, include_proposed: bool) -> Path:
    """Where a build's engine data is kept, in its folder."""
    name = "proposed" if include_proposed else "reviewed"
    return build_dir / "engine" / f"{name}.msgpack"


def fingerprint() -> str:
    """What the saved data was worked out with, besides the build: a copy made by other code,
    other versions or other ontology and hints files is not used."""
    digest = hashlib.blake2b(digest_size=16)
    for path in (ontology_path(), hints_path()):
        digest.update(path.read_bytes())
    versions = f"{FORMAT} kgqa {__version__} spacy {spacy_version} "
    return versions + f"lookups {spacy_lookups_data.__version__} files {digest.hexdigest()}"


def save(path: Path, data: EngineData) -> None:
    """Write the data atomically (a temporary file renamed over the old one); a folder that cannot
    be written is logged, not raised: the engine then works the data out at each start."""
    if not path.parent.parent.is_dir():  # the build is gone (pruned once newer ones were made)
        return
    payload = srsly.msgpack_dumps(_plain(data))
    header = {
        "fingerprint": fingerprint(),
        "build_id": data.build_id,
        "include_proposed": data.include_proposed,
        "digest": hashlib.blake2b(payload, digest_size=16).hexdigest(),
    }
    temporary: str | None = None
    try:
        path.parent.mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".partial", delete=False) as out:
            temporary = out.name
            out.write(srsly.msgpack_dumps({"header": header, "payload": payload}))
        os.chmod(temporary, 0o644)  # readable as the build beside it is
        os.replace(temporary, path)
    except OSError as exc:
        log.warning("kgqa: cannot save the engine's start-up data in %s: %s", path.parent, exc)
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def load(path: Path, build_id: str, include_proposed: bool) -> EngineData | None:
    """The saved data, or None when it is missing, of another build or code, or damaged."""
    try:
        saved = srsly.msgpack_loads(path.read_bytes(), use_list=False)
        header, payload = saved["header"], saved["payload"]
        wanted = (fingerprint(), build_id, include_proposed)
        if (header["fingerprint"], header["build_id"], header["include_proposed"]) != wanted:
            return None
        if hashlib.blake2b(payload, digest_size=16).hexdigest() != header["digest"]:
            raise ValueError("digest mismatch")
        return _from_plain(build_id, include_proposed, srsly.msgpack_loads(payload, use_list=False))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, IndexError, *UNPACK_ERRORS) as exc:
        log.warning("kgqa: ignoring damaged engine start-up data %s: %s", path, exc)
        return None


SET_FIELDS = frozenset({"activities", "goals", "caveats", "limits"})
INLINE_FIELDS = frozenset({"quote", "start", "end"})  # not repeated: kept in each row


def _plain(data: EngineData) -> dict[str, Any]:
    """The data as msgpack's types: lists, strings, numbers, booleans, None."""
    return {
        "facets": _plain_facets(data.facets),
        "proposed_concepts": data.proposed_concepts,
        "sources": data.sources,
        "text_lemmas": _plain_lemmas(data.text_lemmas),
        "patterns": [
            [
                p.match_id,
                p.label.key,
                p.label.kind,
                p.label.text,
                p.label.sense,
                p.words,
                p.spaces,
                p.lemmas,
            ]
            for p in data.patterns
        ],
        "proposed": sorted(data.proposed),
        "disagreements": [
            [
                d.iri,
                d.topic,
                d.type,
                d.within_source,
                d.source,
                d.activity,
                d.goal,
                [[s.position, s.hedge, s.claims] for s in d.sides],
                d.caveats,
            ]
            for d in data.disagreements
        ],
        "claim_words": [sorted(data.claim_words[claim]) for claim in data.facets],
        "idf": [list(data.idf), list(data.idf.values())],
        "coverage": data.coverage,
    }


def _from_plain(build_id: str, include_proposed: bool, plain: dict[str, Any]) -> EngineData:
    facets = _facets(plain["facets"])
    words, weights = plain["idf"]
    return EngineData(
        build_id=build_id,
        include_proposed=include_proposed,
        proposed_concepts=list(plain["proposed_concepts"]),
        sources=list(plain["sources"]),
        text_lemmas=_lemmas_of(plain["text_lemmas"]),
        patterns=[
            Pattern(match_id, Label(key, kind, text, sense), words, spaces, lemmas)
            for match_id, key, kind, text, sense, words, spaces, lemmas in plain["patterns"]
        ],
        facets=facets,
        proposed=frozenset(plain["proposed"]),
        disagreements=[
            DisagreementRow(
                iri,
                topic,
                kind,
                within,
                source,
                activity,
                goal,
                tuple(SideRow(*side) for side in sides),
                caveats,
            )
            for iri, topic, kind, within, source, activity, goal, sides, caveats in plain[
                "disagreements"
            ]
        ],
        claim_words=dict(zip(facets, map(frozenset, plain["claim_words"]), strict=True)),
        idf=dict(zip(words, weights, strict=True)),
        coverage=list(plain["coverage"]),
    )


def _plain_lemmas(by_slug: dict[str, frozenset[str]]) -> list[Any]:
    """Each source's words as indices into one table of every word."""
    table: dict[str, int] = {}
    rows = [[slug, [table.setdefault(w, len(table)) for w in sorted(found)]]
            for slug, found in by_slug.items()]  # fmt: skip
    return [list(table), rows]


def _lemmas_of(plain: list[Any]) -> dict[str, frozenset[str]]:
    table, rows = plain
    return {slug: frozenset(table[i] for i in found) for slug, found in rows}


def _plain_facets(facets: dict[str, Facets]) -> dict[str, Any]:
    """The facets as rows of indices: into one table of the values they repeat (kinds, titles,
    IRIs ...) and one of their concept sets, so that each is made once when read back."""
    values: dict[object, int] = {}
    sets: dict[tuple[str, ...], int] = {}
    rows = []
    for claim, found in facets.items():
        row: list[Any] = [claim]
        value: Any
        for name, value in zip(Facets._fields, found, strict=True):
            if name in SET_FIELDS:
                row.append(sets.setdefault(tuple(sorted(value)), len(sets)))
            elif name in INLINE_FIELDS:
                row.append(value)
            else:
                row.append(values.setdefault(value, len(values)))
        rows.append(row)
    return {"values": list(values), "sets": list(sets), "rows": rows}


def _facets(plain: dict[str, Any]) -> dict[str, Facets]:
    v: list[Any] = list(plain["values"])
    c = [frozenset(found) for found in plain["sets"]]
    make = Facets._make
    return {
        claim: make(
            (v[kind], v[slug], v[title], v[summary], v[hedge], v[direction], v[stance],
             v[instead_of], v[source_needed], v[authority], c[activities], c[goals], c[caveats],
             c[limits], quote, start, end, v[source], v[attributed_to], v[reviewed])
        )
        for (claim, kind, slug, title, summary, hedge, direction, stance, instead_of,
             source_needed, authority, activities, goals, caveats, limits, quote, start, end,
             source, attributed_to, reviewed) in plain["rows"]
    }  # fmt: skip
