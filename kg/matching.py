"""The ontology's labels as spaCy matchers: one piece of code for questions (qa) and proposals (ingest).

spaCy's blank English pipeline with the lemmas of spacy-lookups-data's lookup table (no model
download), set by a component of ours: spaCy's own lookup lemmatizer sets the same lemmas, but
first hashes the table's 41,582 entries into a spaCy `Table`, 0.045 s of every `kgqa ask`.
Every label (skos:prefLabel, skos:altLabel, or any other text a caller hands in) becomes two
patterns: its lower case and its lemmas, so "legs", "jogs" and "ran" match. A label that ends in
punctuation (a title ending "?") also matches without it. Where matches overlap the longest wins.
Callers add their own matchers (qa's typo-tolerant one) through `extra_matchers`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import spacy
import spacy_lookups_data  # type: ignore[import-untyped]
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.util import load_language_data

from kg.ontology import Ontology

TRAILING_PUNCTUATION = "?!.:;,"
PRIORITY = {"exact": 0, "lemma": 1, "fuzzy": 2}
LABELLED_KINDS = ("activity", "goal", "caveat", "direction", "intent")
LEMMA_COMPONENT = "kgqa_lemmas"


@dataclass(frozen=True)
class Label:
    """One label of one concept (or source, or authority): what the matchers look for."""

    key: str  # the concept's IRI, or another identifier the caller understands
    kind: str  # activity, goal, caveat, direction, intent, source, authority ...
    text: str
    sense: str = "label"  # or a cue's sense (qa.hints): hint, inverse, change


@dataclass(frozen=True)
class Mention:
    """A stretch of a text that names a concept."""

    key: str
    kind: str
    start: int  # token offsets
    end: int
    text: str
    how: str  # exact, lemma or fuzzy
    sense: str = "label"  # label, or the sense of the cue that matched (qa.hints)


@lru_cache(maxsize=1)
def lemma_lookup() -> dict[str, str]:
    """spacy-lookups-data's English lemma lookup table (a word -> its lemma), as a dict."""
    table = load_language_data(spacy_lookups_data.en["lemma_lookup"])
    assert isinstance(table, dict)
    return table


@Language.component(LEMMA_COMPONENT)
def lookup_lemmas(doc: Doc) -> Doc:
    """Each token's lemma as spaCy's lemmatizer in lookup mode sets it: the table's entry for the
    token's text, else the text itself."""
    table = lemma_lookup()
    for token in doc:
        token.lemma_ = table.get(token.text, token.text)
    return doc


def english_pipeline() -> Language:
    """spacy.blank('en') with the lookup table's lemmas; no model download."""
    nlp = spacy.blank("en")
    nlp.add_pipe(LEMMA_COMPONENT)
    return nlp


def concept_labels(ontology: Ontology, kinds: Iterable[str] = LABELLED_KINDS) -> list[Label]:
    """Every prefLabel and altLabel of the concepts of these kinds."""
    wanted = frozenset(kinds)
    return [
        Label(str(c.iri), c.kind, text)
        for c in ontology.concepts.values()
        if c.kind in wanted
        for text in (c.pref_label, *c.alt_labels)
    ]


def authority_labels(ontology: Ontology) -> list[Label]:
    """Every authority's name and altLabels."""
    return [
        Label(str(a.iri), "authority", text)
        for a in ontology.authorities.values()
        for text in (a.name, *a.alt_labels)
    ]


@dataclass(frozen=True)
class Pattern:
    """One label variant as the pipeline reads it (its words, their spacing and lemmas): plain
    data, so a matcher can be rebuilt without running the pipeline (qa keeps these per build)."""

    match_id: str
    label: Label
    words: tuple[str, ...]
    spaces: tuple[bool, ...]
    lemmas: tuple[str, ...]

    def doc(self, nlp: Language) -> Doc:
        return Doc(
            nlp.vocab, words=list(self.words), spaces=list(self.spaces), lemmas=list(self.lemmas)
        )


def label_patterns(nlp: Language, labels: Iterable[Label]) -> list[Pattern]:
    """Every label's variants (lower case; without trailing punctuation), read by the pipeline's
    tokenizer and lemmatizer; one per match id and variant, in the order the labels come."""
    unique: dict[tuple[str, str], Label] = {}
    for label in labels:
        text = label.text.lower().strip()
        for variant in {text, text.rstrip(TRAILING_PUNCTUATION).strip()} - {""}:
            unique.setdefault((f"{label.kind}\t{label.key}\t{label.sense}", variant), label)
    only_lemmas = [name for name in nlp.pipe_names if name != LEMMA_COMPONENT]
    docs = nlp.pipe((text for _, text in unique), disable=only_lemmas)
    return [
        Pattern(
            match_id,
            label,
            tuple(t.text for t in doc),
            tuple(bool(t.whitespace_) for t in doc),
            tuple(t.lemma_ for t in doc),
        )
        for ((match_id, _), label), doc in zip(unique.items(), docs, strict=True)
    ]


class ConceptMatcher:
    """Finds the labelled things a text mentions."""

    def __init__(
        self, nlp: Language, labels: Iterable[Label], patterns: Iterable[Pattern] | None = None
    ) -> None:
        """`patterns`: the labels already read (`label_patterns`); read here when None."""
        self.nlp = nlp
        self.labels: dict[str, list[Label]] = {}
        self.exact = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._patterns: list[tuple[str, Doc]] = []
        docs: dict[str, list[Doc]] = {}  # by match id: one add per id, not per variant
        for pattern in label_patterns(nlp, labels) if patterns is None else patterns:
            doc = pattern.doc(nlp)
            self.labels.setdefault(pattern.match_id, []).append(pattern.label)
            docs.setdefault(pattern.match_id, []).append(doc)
            self._patterns.append((pattern.match_id, doc))
        for match_id, variants in docs.items():
            self.exact.add(match_id, variants)
            self.lemma.add(match_id, variants)

    def extra_matchers(self, doc: Doc) -> list[tuple[str, PhraseMatcher | Matcher]]:
        """Matchers beyond exact and lemma for this text (none here; qa adds a fuzzy one)."""
        return []

    def mentions(self, doc: Doc) -> list[Mention]:
        """Every mention: where spans overlap the longest wins, and on one span the most exact."""
        return self.resolve(self.candidates(doc))

    def candidates(self, doc: Doc) -> list[Mention]:
        """Every match of every label, overlapping; on one span and label, the most exact."""
        found: dict[tuple[int, int, str], str] = {}
        matchers: list[tuple[str, PhraseMatcher | Matcher]] = [
            ("exact", self.exact),
            ("lemma", self.lemma),
            *self.extra_matchers(doc),
        ]
        for how, matcher in matchers:
            for match_id, start, end in matcher(doc):
                span = (start, end, self.nlp.vocab.strings[match_id])
                if span not in found or PRIORITY[how] < PRIORITY[found[span]]:
                    found[span] = how
        return [
            Mention(key, kind, start, end, doc[start:end].text, how, sense)
            for (start, end, name), how in found.items()
            for kind, key, sense in [name.split("\t", 2)]
        ]

    @staticmethod
    def resolve(candidates: Iterable[Mention]) -> list[Mention]:
        """Where spans overlap the longest wins, and on one span the most exact (all its labels)."""
        ranked = sorted(candidates, key=lambda m: (-(m.end - m.start), PRIORITY[m.how], m.start))
        taken: dict[tuple[int, int], str] = {}  # span -> how it was matched
        kept: list[Mention] = []
        for m in ranked:
            if taken.get((m.start, m.end), m.how) != m.how or any(
                m.start < t_end and t_start < m.end and (t_start, t_end) != (m.start, m.end)
                for t_start, t_end in taken
            ):
                continue
            taken[(m.start, m.end)] = m.how
            kept.append(m)
        return sorted(kept, key=lambda m: (m.start, m.end, m.kind, m.key))
