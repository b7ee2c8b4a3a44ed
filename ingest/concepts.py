"""New concepts: terms a document lists beside known ones that the ontology has no label for.

An enumeration opened by a list cue ("like", "such as", "including") whose items include a known
activity or goal may name others of the same kind: an item no label matches (compared on lemmas,
so "cyclings" is not proposed beside "cycling") is proposed as a new concept of that kind, its
broader concept guessed as the one its known neighbours share most. Proposed concepts are written
as Turtle beside the source's claims (`NNN_<hash>.concepts.ttl`), marked kgqa:reviewStatus
kgqa:Proposed; kg.ontology loads them with ontology.ttl, so claims may use them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS
from spacy.language import Language
from spacy.tokens import Doc

from kg.matching import Mention
from kg.ontology import CONCEPT_CLASSES, Ontology
from kg.vocab import CONCEPT, KGQA

MAX_ITEM_WORDS = 3
LIST_JOINERS = frozenset({",", "and", "or", "&"})
SCHEMES = {"activity": "activities", "goal": "goals", "caveat": "caveats"}


def label_lemmas(ontology: Ontology, nlp: Language) -> frozenset[tuple[str, ...]]:
    """Every concept label (prefLabel, altLabel) as a tuple of lower-case lemmas."""
    texts = [t for c in ontology.concepts.values() for t in (c.pref_label, *c.alt_labels)]
    return frozenset(_lemmas(doc) for doc in nlp.pipe(t.lower() for t in texts))


def _lemmas(tokens: Iterable[Any]) -> tuple[str, ...]:
    return tuple(t.lemma_.lower() for t in tokens if not t.is_punct)


def slugify(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def _items(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """The items of an enumeration from token `start`: runs of words between joiners, until a
    run too long to be an item."""
    items, begin = [], start
    for i in range(start, end + 1):
        if i == end or doc[i].lower_ in LIST_JOINERS or doc[i].is_punct:
            if begin < i:
                if i - begin > MAX_ITEM_WORDS:
                    break
                items.append((begin, i))
            begin = i + 1
            if i < end and doc[i].is_punct and doc[i].text not in LIST_JOINERS:
                break
    return items


def enumerated_terms(
    doc: Doc, openers: Sequence[int], end: int, mentions: Sequence[Mention], ontology: Ontology
) -> list[tuple[str, str, str]]:
    """(label, kind, broader slug) of each unknown item of the enumerations after `openers`."""
    found = []
    for opener in openers:
        items = _items(doc, opener, end)
        known = [
            m for m in mentions if any(s <= m.start < e for s, e in items) and m.kind in SCHEMES
        ]
        if not known:
            continue
        kind = Counter(m.kind for m in known).most_common(1)[0][0]
        broader = Counter(
            str(b).removeprefix(str(CONCEPT))
            for m in known
            if m.kind == kind
            for b in ontology.concepts[URIRef(m.key)].broader[:1]
        )
        for s, e in items:
            words = doc[s:e]
            if any(s <= m.start < e or m.start <= s < m.end for m in mentions):
                continue
            if all(t.is_alpha for t in words) and not words[0].is_stop and not words[-1].is_stop:
                top = broader.most_common(1)[0][0] if broader else ""
                found.append((words.text.lower(), kind, top))
    return found


def new_concepts(
    terms: Iterable[tuple[str, str, str]], known: frozenset[tuple[str, ...]], nlp: Language
) -> list[dict[str, Any]]:
    """The terms as proposed concepts, once each, leaving out any whose lemmas match a label."""
    seen = set(known)
    proposed = []
    for label, kind, broader in terms:
        lemmas = _lemmas(nlp(label))
        if lemmas in seen or not lemmas:
            continue
        seen.add(lemmas)
        concept = {"slug": slugify(label), "label": label, "kind": kind}
        proposed.append({**concept, "broader": broader} if broader else concept)
    return proposed


def concepts_graph(concepts: Iterable[dict[str, Any]]) -> Graph:
    """Proposed concepts as SKOS, each marked kgqa:reviewStatus kgqa:Proposed."""
    graph = Graph()
    graph.bind("kc", CONCEPT)
    graph.bind("kgqa", KGQA)
    graph.bind("skos", SKOS)
    for c in concepts:
        iri = CONCEPT[c["slug"]]
        graph.add((iri, RDF.type, CONCEPT_CLASSES[c["kind"]]))
        graph.add((iri, RDF.type, SKOS.Concept))
        graph.add((iri, SKOS.inScheme, CONCEPT[SCHEMES[c["kind"]]]))
        graph.add((iri, SKOS.prefLabel, Literal(c["label"], lang="en")))
        graph.add((iri, KGQA.reviewStatus, KGQA.Proposed))
        if c.get("broader"):
            graph.add((iri, SKOS.broader, CONCEPT[c["broader"]]))
    return graph


def concepts_turtle(concepts: Iterable[dict[str, Any]]) -> str:
    """The Turtle of a source's `NNN_<hash>.concepts.ttl`."""
    return concepts_graph(concepts).serialize(format="turtle")
