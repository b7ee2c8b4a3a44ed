"""Anchor quotes: find each claim's verbatim quote in its document as [start, end) offsets."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

CONTEXT_CHARS = 32
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


@dataclass(frozen=True)
class Anchor:
    """Where a quote stands in a document: Python str offsets and the text around it."""

    start: int
    end: int
    prefix: str
    suffix: str


class QuoteNotFound(ValueError):
    """The quote does not occur verbatim; carries the closest passage of the document."""

    def __init__(self, closest: str) -> None:
        super().__init__(f"quote not found; closest passage: {closest!r}")
        self.closest = closest


class QuoteAmbiguous(ValueError):
    """The quote occurs more than once and nothing says which occurrence is meant."""

    def __init__(self, starts: list[int]) -> None:
        where = ", ".join(str(s) for s in starts)
        super().__init__(
            f"quote occurs {len(starts)} times (at offsets {where}); add `occurrence: N`"
        )
        self.starts = starts


def occurrences(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of quote in text, overlapping ones included."""
    starts: list[int] = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    return starts


def closest_passage(text: str, quote: str) -> str:
    """The sentence of text most like quote, to show beside a quote that was not found."""
    sentences = [m.group().strip() for m in _SENTENCE.finditer(text) if m.group().strip()]
    if not sentences:
        return ""
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(quote.lower())
    best, best_ratio = sentences[0], -1.0
    for sentence in sentences:
        matcher.set_seq1(sentence.lower())
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = sentence, ratio
    return best


def anchor_quote(text: str, quote: str, occurrence: int | None = None) -> Anchor:
    """Locate quote in text; raise QuoteNotFound or QuoteAmbiguous when it cannot be pinned down."""
    if not quote:
        raise QuoteNotFound(closest="")
    starts = occurrences(text, quote)
    if not starts:
        raise QuoteNotFound(closest_passage(text, quote))
    if occurrence is None:
        if len(starts) > 1:
            raise QuoteAmbiguous(starts)
        occurrence = 1
    if occurrence > len(starts):
        raise ValueError(f"`occurrence: {occurrence}` but the quote occurs {len(starts)} time(s)")
    start = starts[occurrence - 1]
    end = start + len(quote)
    return Anchor(
        start=start,
        end=end,
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
    )
