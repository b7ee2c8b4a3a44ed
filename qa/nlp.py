"""The question pipeline: the shared ontology matcher (kg.matching) with what questions add.

Questions add three things to the label matchers of kg.matching: the cues of qa/data/hints.ttl
(handed in as labels), a fuzzy pattern for words of four letters or more that tolerates one or
two typing errors but only on words that are rare in English (so "runing" and "kil" match,
"will" and "gun" do not), and the frames of qa/data/frames.tsv (the grammar around a mention),
matched on each token's norm. Chat spellings (qa/data/spellings.tsv) are written out before a
question is read. Built once, then reused for every question.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib.resources import files

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Token

from kg.matching import ConceptMatcher, Label, Mention, Pattern, english_pipeline
from qa.cues import Cues, load_cues

__all__ = ["RARITY_COMPONENT", "Frame", "Label", "Mention", "QuestionMatcher", "blank_english"]

RARE_LOGPROB = -13.5  # words rarer than this in English (or unknown) may be typos: fuzzy-matched
FUZZY_MIN_CHARS = 4
RARITY_COMPONENT = "kgqa_rarity"


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


@lru_cache(maxsize=1)
def blank_english() -> Language:
    """The shared English pipeline (kg.matching) with the rarity marks fuzzy matching needs: one
    per process, shared by every engine (a server swapping builds in need not load it again).
    It holds nothing of a build; the matchers built on it do."""
    if not Token.has_extension("kgqa_rare"):
        Token.set_extension("kgqa_rare", default=False)
    nlp = english_pipeline()
    nlp.add_pipe(RARITY_COMPONENT, last=True)
    return nlp


class QuestionMatcher(ConceptMatcher):
    """The ontology matcher with what questions add: typo tolerance, frames, chat spellings."""

    def __init__(
        self,
        nlp: Language,
        labels: Iterable[Label],
        cues: Cues | None = None,
        patterns: Iterable[Pattern] | None = None,
    ) -> None:
        super().__init__(nlp, labels, patterns)
        self.cues = cues or load_cues()
        self._fuzzy: Matcher | None = None
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

    def extra_matchers(self, doc: Doc) -> list[tuple[str, PhraseMatcher | Matcher]]:
        """The fuzzy matcher, when the question has a rare word (only a rare word can be a typo)."""
        return [("fuzzy", self.fuzzy)] if any(token._.kgqa_rare for token in doc) else []
