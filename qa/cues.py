"""Question cues kept as data beside hints.ttl: chat spellings, frames, and the shape of English.

`qa/data/spellings.tsv` maps what people type ("shud", "b4") to words; `qa/data/frames.tsv` holds
the grammar around a mention (how a question points at a source, states the reader's condition,
names the thing it asks for). Which words can be nouns comes from spaCy's English lemma index
(spacy-lookups-data, WordNet's word lists), and other languages from spaCy's own stop-word lists;
nothing is downloaded.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.lookups import load_lookups

ROLES = frozenset(
    {
        "source-opener",
        "source-closer",
        "source-link",
        "source-noun",
        "condition-opener",
        "condition-link",
        "focus-opener",
        "subject-opener",
        "focus-skip",
        "focus-link",
        "generic",
    }
)
# Languages told apart from English by their own function words (spaCy's stop-word lists).
OTHER_LANGUAGES = ("es", "fr", "de", "it", "pt", "nl")
FOREIGN_MIN_WORDS = 2  # a question is in another language when at least this many of its words,
# and more of them than English words, are that language's function words


@dataclass(frozen=True)
class Cues:
    """The data of spellings.tsv and frames.tsv."""

    spellings: dict[str, str]
    frames: dict[str, tuple[str, ...]]  # role -> phrases

    @property
    def generic(self) -> frozenset[str]:
        return frozenset(self.frames.get("generic", ()))

    def respell(self, text: str) -> str:
        """The text with chat spellings written out ("shud i" -> "should i")."""
        if not self.spellings:
            return text
        return _spelling_pattern(tuple(self.spellings)).sub(
            lambda m: self.spellings[m.group(0).lower()], text
        )


def _rows(name: str) -> list[tuple[str, str]]:
    text = files("qa").joinpath("data", name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("\t")
            rows.append((key.strip().lower(), value.strip()))
    return rows


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    """The cue data shipped with the package."""
    frames: dict[str, list[str]] = {}
    for role, phrase in _rows("frames.tsv"):
        if role not in ROLES:
            raise ValueError(f"qa/data/frames.tsv: unknown role {role!r}")
        frames.setdefault(role, []).append(phrase.lower())
    return Cues(
        spellings=dict(_rows("spellings.tsv")),
        frames={role: tuple(phrases) for role, phrases in frames.items()},
    )


@lru_cache(maxsize=4)
def _spelling_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w'/-])(?:{alternatives})(?![\w'/-])", re.IGNORECASE)


@lru_cache(maxsize=1)
def word_classes() -> dict[str, frozenset[str]]:
    """Word -> the classes it can have (noun, verb, adj, adv), from spaCy's English lemma index."""
    table = load_lookups("en", ["lemma_index"]).get_table("lemma_index")
    found: dict[str, set[str]] = {}
    for name in ("noun", "verb", "adj", "adv"):
        for word in table.get(name, ()):
            found.setdefault(word, set()).add(name)
    return {word: frozenset(classes) for word, classes in found.items()}


def _stop_words_of(code: str) -> frozenset[str]:
    """spaCy's stop words of one language, loaded from their own module file: importing
    `spacy.lang.<code>` would build that language's tokenizer rules (seconds, at first ask)."""
    spec = importlib.util.find_spec("spacy.lang")
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / code / "stop_words.py"
    loader = importlib.util.spec_from_file_location(f"_kgqa_stop_words_{code}", path)
    assert loader is not None and loader.loader is not None
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


@lru_cache(maxsize=1)
def _stop_words() -> dict[str, frozenset[str]]:
    return {code: _stop_words_of(code) for code in OTHER_LANGUAGES}


def _latin(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    latin = sum(1 for ch in letters if unicodedata.name(ch, "").startswith("LATIN"))
    return not letters or latin * 2 >= len(letters)


def language_of(text: str, words: Iterable[str], english: frozenset[str]) -> str:
    """ "en", another language's code, or "und" for a script other than Latin.

    Each word votes English when it is an English function word or a known English word that no
    other language uses as a function word; otherwise for each language whose function word it is.
    """
    if not _latin(text):
        return "und"
    votes: Counter[str] = Counter()
    others = _stop_words()
    for word in words:
        foreign = [code for code, stops in others.items() if word in stops]
        if word in STOP_WORDS or (word in english and not foreign):
            votes["en"] += 1
        for code in foreign:
            votes[code] += 1
    code, count = max(
        ((c, n) for c, n in votes.items() if c != "en"), key=lambda cn: cn[1], default=("en", 0)
    )
    return code if count >= FOREIGN_MIN_WORDS and count > votes["en"] else "en"
