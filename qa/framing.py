"""What the grammar around a mention says it is doing (frames of qa/data/frames.tsv).

A source's name counts as a reference to the source only where the question frames it as one
("according to ...", "the ... article", "what does ... say", "does A agree with ..."), or where the name could not be read
as an ordinary question (it names no concept: "Debunking the Myth", "pulseatlas"): "Should I run
after leg day?" is a question, not the title of a source. A word for a state the reader may be in
("DOMS") is that condition only where the question states it as the reader's ("I have DOMS",
"run with DOMS"). And the thing a question asks for ("what are the best <shoes> for squatting",
"is <creatine> good for recovery") decides whether the corpus covers it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from qa.cues import word_classes
from qa.hints import CONDITION
from qa.nlp import Frame, Mention

QUOTES = frozenset({'"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "`"})
ARTICLES = frozenset({"the", "a", "an", "this", "that"})
MAX_SLOT = 8  # words of a title before "article" at most
MAX_CONDITION_GAP = 3  # "I have <really bad> DOMS"
CLAUSE_WORDS = frozenset({"and", "or", "but", "to", "if", "than", "because", "so"})
TOPICAL = frozenset({"activity", "goal", "caveat"})


@dataclass(frozen=True)
class SourceReading:
    """The sources a question refers to, and what was read to decide it."""

    mentions: tuple[Mention, ...]  # one per reference, spanning the name
    frames: tuple[tuple[int, int], ...]  # the openers used ("according to"): not intent cues
    unknown: tuple[str, ...]  # words of a name framed as a source that no source has


def _roles(frames: Iterable[Frame], *roles: str) -> list[Frame]:
    return [f for f in frames if f.role in roles]


def _quote(token: Token) -> bool:
    return token.text in QUOTES


def _opener_before(doc: Doc, start: int, openers: list[Frame]) -> Frame | None:
    i = start
    while i > 0 and (_quote(doc[i - 1]) or doc[i - 1].lower_ in ARTICLES):
        i -= 1
    return next((f for f in openers if f.end == i), None)


def _closer_after(doc: Doc, end: int, closers: list[Frame]) -> bool:
    i = end
    while i < len(doc) and _quote(doc[i]):
        i += 1
    return any(f.start == i for f in closers)


def _names_a_concept(m: Mention, candidates: list[Mention]) -> bool:
    return any(
        c.kind in TOPICAL and m.start <= c.start and c.end <= m.end and c.how != "fuzzy"
        for c in candidates
    )


def _slot(doc: Doc, noun: Frame, openers: list[Frame]) -> tuple[int, int]:
    """The words before "article" that may be (part of) a title: back to "the" or an opener."""
    end = noun.start
    while end > 0 and _quote(doc[end - 1]):
        end -= 1
    start = end
    opener_ends = {f.end for f in openers}
    while (
        start > 0
        and end - start < MAX_SLOT
        and doc[start - 1].lower_ not in ARTICLES
        and start not in opener_ends
        and not (doc[start - 1].is_punct and not _quote(doc[start - 1]))
    ):
        start -= 1
    return start, end


def _words(tokens: Iterable[Token]) -> tuple[str, ...]:
    return tuple(t.lower_ for t in tokens if t.is_alpha or t.like_num)


def _within(words: tuple[str, ...], name: tuple[str, ...]) -> bool:
    n = len(words)
    return n > 0 and any(name[i : i + n] == words for i in range(len(name) - n + 1))


def read_sources(
    doc: Doc,
    candidates: list[Mention],
    frames: list[Frame],
    titles: dict[str, list[tuple[str, ...]]],
    known: frozenset[str],
) -> SourceReading:
    """The source references of a question; `titles` maps a source's key to its names' words."""
    openers = _roles(frames, "source-opener")
    links = _roles(frames, "source-link")  # frame a source, and stay cues of what is asked
    closers = _roles(frames, "source-closer", "source-noun")
    nouns = _roles(frames, "source-noun")
    found: list[Mention] = []
    used: list[tuple[int, int]] = []
    for m in (c for c in candidates if c.kind == "source"):
        opener = _opener_before(doc, m.start, openers)
        framed = (
            opener is not None
            or _opener_before(doc, m.start, links) is not None
            or _closer_after(doc, m.end, closers)
            or any(m.start <= f.start and f.end <= m.end for f in nouns)
            or not _names_a_concept(m, candidates)
        )
        if framed:
            found.append(m)
            if opener is not None:
                used.append((opener.start, opener.end))
    unknown: list[str] = []
    for noun in nouns:
        start, end = _slot(doc, noun, openers)
        words = _words(doc[start:end])
        if not words or any(m.start <= start and noun.end <= m.end for m in found):
            continue
        keys = {key for key, names in titles.items() if any(_within(words, n) for n in names)}
        if len(keys) == 1:
            key = keys.pop()
            found.append(
                Mention(key, "source", start, noun.end, doc[start : noun.end].text, "exact")
            )
            opener = _opener_before(doc, start, openers)
            if opener is not None:
                used.append((opener.start, opener.end))
        elif not keys:
            unknown += [w for w in words if w.isalpha() and w not in known]
    return SourceReading(tuple(found), tuple(used), tuple(dict.fromkeys(unknown)))


def _plain_gap(doc: Doc, start: int, end: int) -> bool:
    """Nothing between that starts another clause: no punctuation, verb or conjunction."""
    return end - start <= MAX_CONDITION_GAP and not any(
        t.is_punct or t.lower_ in CLAUSE_WORDS or "verb" in word_classes().get(t.lower_, ())
        for t in doc[start:end]
    )


def stated_conditions(doc: Doc, candidates: list[Mention], frames: list[Frame]) -> list[Mention]:
    """The candidates, with each condition cue kept only where the question states it as the
    reader's ("I have DOMS", "jog with sore muscles"), and then instead of its other readings."""
    openers = _roles(frames, "condition-opener")
    links = _roles(frames, "condition-link")
    activity_ends = {c.end for c in candidates if c.kind == "activity"}

    def stated(m: Mention) -> bool:
        return any(f.end <= m.start and _plain_gap(doc, f.end, m.start) for f in openers) or any(
            f.start in activity_ends and f.end <= m.start and _plain_gap(doc, f.end, m.start)
            for f in links
        )

    conditions = {(m.start, m.end) for m in candidates if m.sense == CONDITION and stated(m)}
    return [m for m in candidates if (m.sense == CONDITION) == ((m.start, m.end) in conditions)]


def focus(doc: Doc, frames: list[Frame]) -> list[Token]:
    """The words of the thing a question asks for, where it names one: after "what are the best",
    "which", "how much does a", or the subject of a question opening "is" / "does"."""
    skip = set(f.start for f in _roles(frames, "focus-skip"))
    openers = {f.start: f.end for f in _roles(frames, "focus-opener")}
    openers.update(
        (f.start, f.end)
        for f in _roles(frames, "subject-opener")
        if f.start == 0 or doc[f.start - 1].is_punct
    )
    links = {f.start for f in _roles(frames, "focus-link")}
    found: list[Token] = []
    for start in sorted(openers):
        i = openers[start]
        while i < len(doc) and (i in skip or i in openers):
            i = openers.get(i, i + 1)
        phrase = _noun_phrase(doc, i)
        after = _past(doc, phrase[-1].i + 1, skip) if phrase else len(doc)
        if after in links:  # "calories (are) in <a banana>", "the price of <...>"
            found += _noun_phrase(doc, _past(doc, after + 1, skip))
        found += phrase
    return list({t.i: t for t in found}.values())


def _past(doc: Doc, i: int, skip: set[int]) -> int:
    while i < len(doc) and i in skip:
        i += 1
    return i


def _noun_phrase(doc: Doc, i: int) -> list[Token]:
    phrase: list[Token] = []
    while i < len(doc):
        t = doc[i]
        hyphen = t.text == "-" and phrase and i + 1 < len(doc) and doc[i + 1].is_alpha
        if not (hyphen or t.like_num or (t.is_alpha and not t.is_stop)):
            break
        phrase.append(t)
        i += 1
    return [t for t in phrase if t.is_alpha]
