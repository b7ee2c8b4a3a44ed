"""The question pipeline: spaCy (blank English, lookup lemmas) with matchers built from the ontology.

Every label a concept has (skos:prefLabel, skos:altLabel), and every question cue of qa/data/hints.ttl,
becomes three kinds of pattern: its lower
case, its lemmas (so "legs", "jogs" and "ran" match), and, for words of four letters or more, a
fuzzy pattern that tolerates one or two typing errors but only on words that are rare in English
(so "runing" and "kil" match, "will" and "gun" do not). A label that ends in punctuation (a title
ending "?") also matches without it. The frames of qa/data/frames.tsv (the grammar around a
mention) are matched on each token's norm. Chat spellings (qa/data/spellings.tsv) are written out
before a question is read. Built once, then reused for every question.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib.resources import files

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Token

from qa.cues import Cues, load_cues

RARE_LOGPROB = -13.5  # words rarer than this in English (or unknown) may be typos: fuzzy-matched
FUZZY_MIN_CHARS = 4
RARITY_COMPONENT = "kgqa_rarity"
TRAILING_PUNCTUATION = "?!.:;,"
PRIORITY = {"exact": 0, "lemma": 1, "fuzzy": 2}


@dataclass(frozen=True)
class Label:
    """One label of one concept (or source, or authority): what the matchers look for."""

    key: str  # the concept's IRI, or another identifier the caller understands
    kind: str  # activity, goal, caveat, direction, intent, source, authority ...
    text: str
    sense: str = "label"  # or a cue's sense (qa.hints): hint, inverse, change


@dataclass(frozen=True)
class Mention:
    """A stretch of the question that names a concept."""

    key: str
    kind: str
    start: int  # token offsets
    end: int
    text: str
    how: str  # exact, lemma or fuzzy
    sense: str = "label"  # label, or the sense of the cue that matched (qa.hints)


@dataclass(frozen=True)
class Frame:
    """A stretch of the question in one of the roles of qa/data/frames.tsv."""

    role: str
    start: int
    end: int


@lru_cache(maxsize=1)
def word_logprobs() -> dict[str, float]:
    """Log probabilities of the English words too frequent to be typos (scripts/make-common-words)."""
    text = files("qa").joinpath("data", "common_words.txt").read_text(encoding="utf-8")
    pairs = (line.split("\t") for line in text.splitlines() if "\t" in line)
    return {word: float(logprob) for word, logprob in pairs}


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    return frozenset(word_logprobs())


@Language.component(RARITY_COMPONENT)
def mark_rare(doc: Doc) -> Doc:
    """Mark the words rare enough to be typos; only those are fuzzy-matched."""
    common = word_logprobs()
    for token in doc:
        token._.kgqa_rare = token.is_alpha and token.lower_ not in common
    return doc


def blank_english() -> Language:
    """spacy.blank('en') with the lookup lemmatizer from spacy-lookups-data; no model download."""
    if not Token.has_extension("kgqa_rare"):
        Token.set_extension("kgqa_rare", default=False)
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.add_pipe(RARITY_COMPONENT, last=True)
    return nlp


class ConceptMatcher:
    """Finds the labelled things a question mentions."""

    def __init__(self, nlp: Language, labels: Iterable[Label], cues: Cues | None = None) -> None:
        self.nlp = nlp
        self.cues = cues or load_cues()
        self.labels: dict[str, list[Label]] = {}
        self.exact = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._fuzzy: Matcher | None = None
        unique: dict[tuple[str, str], Label] = {}
        for label in labels:
            text = label.text.lower().strip()
            for variant in {text, text.rstrip(TRAILING_PUNCTUATION).strip()} - {""}:
                unique.setdefault((f"{label.kind}\t{label.key}\t{label.sense}", variant), label)
        self._patterns: list[tuple[str, Doc]] = []
        docs = nlp.pipe((text for _, text in unique), disable=[RARITY_COMPONENT])
        for ((match_id, _), label), doc in zip(unique.items(), docs, strict=True):
            self.labels.setdefault(match_id, []).append(label)
            self.exact.add(match_id, [doc])
            self.lemma.add(match_id, [doc])
            self._patterns.append((match_id, doc))
        self.frame_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        for role, phrases in self.cues.frames.items():
            self.frame_matcher.add(role, [nlp.make_doc(phrase) for phrase in phrases])

    @cached_property
    def titles(self) -> dict[str, list[tuple[str, ...]]]:
        """Each source's names (title, short title, publisher ...) as lower-case words."""
        found: dict[str, list[tuple[str, ...]]] = {}
        for label in (lb for labels in self.labels.values() for lb in labels):
            if label.kind == "source":
                words = tuple(t.lower_ for t in self.nlp.tokenizer(label.text) if t.is_alpha)
                found.setdefault(label.key, []).append(words)
        return found

    @property
    def fuzzy(self) -> Matcher:
        """Typo-tolerant patterns, built the first time a question has a rare word."""
        if self._fuzzy is None:
            self._fuzzy = Matcher(self.nlp.vocab)
            for match_id, doc in self._patterns:
                words = [t.lower_ for t in doc]
                if any(len(w) >= FUZZY_MIN_CHARS and w.isalpha() for w in words):
                    self._fuzzy.add(match_id, [[self._fuzzy_token(w) for w in words]])
        return self._fuzzy

    @staticmethod
    def _fuzzy_token(word: str) -> dict[str, object]:
        if len(word) < FUZZY_MIN_CHARS or not word.isalpha():
            return {"LOWER": word}
        operator = "FUZZY1" if len(word) < 7 else "FUZZY2"
        return {"LOWER": {operator: word}, "_": {"kgqa_rare": True}}

    def doc(self, text: str) -> Doc:
        """The question read by the pipeline, its chat spellings written out."""
        return self.nlp(self.cues.respell(text))

    def frames(self, doc: Doc) -> list[Frame]:
        """Every stretch of the question in a role of qa/data/frames.tsv."""
        strings = self.nlp.vocab.strings
        return sorted(
            (
                Frame(strings[match_id], start, end)
                for match_id, start, end in self.frame_matcher(doc)
            ),
            key=lambda f: (f.start, f.end, f.role),
        )

    def mentions(self, doc: Doc) -> list[Mention]:
        """Every mention: where spans overlap the longest wins, and on one span the most exact."""
        return self.resolve(self.candidates(doc))

    def candidates(self, doc: Doc) -> list[Mention]:
        """Every match of every label, overlapping; on one span and label, the most exact."""
        found: dict[tuple[int, int, str], str] = {}
        matchers: list[tuple[str, PhraseMatcher | Matcher]] = [
            ("exact", self.exact),
            ("lemma", self.lemma),
        ]
        if any(token._.kgqa_rare for token in doc):  # only a rare word can be a typo
            matchers.append(("fuzzy", self.fuzzy))
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
