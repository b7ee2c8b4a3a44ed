"""What an engine reads from its store and works out with spaCy, once per build.

`EngineData` is all of it as plain data: the sources, the proposed concepts, the catalogue of
claims and disagreements, the words of the corpus and of every quote (spaCy over every text),
their idf, and the question labels as the pipeline reads them. At a million triples that takes
seconds; read back from `builds/<id>/engine/<variant>.msgpack` it takes a fraction of one.

`engine_data` reads the saved copy when it is of this build (its id) and of this code (the format,
kgqa, spaCy and lookups versions, the ontology and hints files), and whole (a digest of its
payload); otherwise it works the data out and saves it, atomically (a read-only folder is no
error: the data is then worked out at every start). msgpack, not pickle: loading runs no code.
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
from kg.disagreements import DisagreementRow, SideRow
from kg.matching import Label, Pattern, authority_labels, concept_labels, label_patterns
from kg.ontology import Ontology, Term
from kg.resources import ontology_path
from kg.store import EmbeddedStore, Store
from kg.store import term_text as _value
from qa.catalog import Catalog, Facets, read_catalog
from qa.hints import Hint, hints_path
from qa.nlp import RARITY_COMPONENT
from qa.rank import inverse_document_frequency, quoted_words

FORMAT = 2  # raise when what is saved, or how it is worked out, changes
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
    corpus_lemmas: frozenset[str]  # every word of the documents, and its lemma
    patterns: list[Pattern]  # the question labels, read by the pipeline
    facets: dict[str, Facets]
    proposed: frozenset[str]
    disagreements: list[DisagreementRow]
    claim_words: dict[str, frozenset[str]]  # by claim, as qa.rank.quoted_words
    idf: dict[str, float]
    coverage: list[str]  # the goals most claims speak of

    def catalog(self) -> Catalog:
        return Catalog(self.facets, self.proposed, self.disagreements)

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


def work_out(
    store: Store,
    include_proposed: bool,
    nlp: Language,
    ontology: Ontology,
    hints: Iterable[Hint],
    proposed_concepts: list[tuple[Term, Term, Term]],
) -> EngineData:
    """Read the store and run spaCy over every document and quote: seconds at a million triples."""
    sources = [
        tuple(_value(row[name]) for name in SOURCE_FIELDS) for row in store.select(SOURCES_QUERY)
    ]
    texts = [_value(row["text"]) or "" for row in store.select(TEXTS_QUERY)]
    lemmas = frozenset(
        w
        for doc in nlp.pipe(texts, disable=[RARITY_COMPONENT])
        for t in doc
        if t.is_alpha
        for w in (t.lower_, t.lemma_.lower())
    )
    facets, proposed, disagreements = read_catalog(store, include_proposed)
    words = quoted_words(nlp, facets)
    labels = question_labels(ontology, hints, source_infos(sources)[1])
    return EngineData(
        build_id=store.build_id,
        include_proposed=include_proposed,
        proposed_concepts=proposed_concepts,
        sources=sources,
        corpus_lemmas=lemmas,
        patterns=label_patterns(nlp, labels),
        facets=facets,
        proposed=proposed,
        disagreements=disagreements,
        claim_words=words,
        idf=inverse_document_frequency(list(words.values())),
        coverage=[_value(r["goal"]) or "" for r in store.select(COVERAGE_QUERY)],
    )


def saved_path(store: Store, include_proposed: bool) -> Path | None:
    """Where an embedded build's engine data is kept; None for a remote store."""
    if not isinstance(store, EmbeddedStore):
        return None
    name = "proposed" if include_proposed else "reviewed"
    return store.build_dir / "engine" / f"{name}.msgpack"


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


SET_FIELDS = frozenset({"activities", "goals", "caveats"})
INLINE_FIELDS = frozenset({"quote", "start", "end"})  # not repeated: kept in each row


def _plain(data: EngineData) -> dict[str, Any]:
    """The data as msgpack's types: lists, strings, numbers, booleans, None."""
    return {
        "facets": _plain_facets(data.facets),
        "proposed_concepts": data.proposed_concepts,
        "sources": data.sources,
        "corpus_lemmas": sorted(data.corpus_lemmas),
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
        corpus_lemmas=frozenset(plain["corpus_lemmas"]),
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
             quote, start, end, v[source], v[attributed_to], v[reviewed])
        )
        for (claim, kind, slug, title, summary, hedge, direction, stance, instead_of,
             source_needed, authority, activities, goals, caveats, quote, start, end, source,
             attributed_to, reviewed) in plain["rows"]
    }  # fmt: skip
