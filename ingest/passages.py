"""A document cut into the passages claims are proposed for: sentences, and clauses within them.

Lines are read one at a time (headings, captions and list items stand on lines of their own), cut
into sentences by spaCy's rule-based sentencizer, and sentences into clauses at the boundaries of
ingest/data/cues.tsv (", while", ", but"). A line without closing punctuation is a heading or a
caption, and a question states no claim: neither gives passages. List markers ("1.", "•") and a
list item's label ("Walking: ...") are left out of the passage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

CLOSING = '.!?"\u201d\u2019)'
LIST_MARKER = re.compile("\\s*(?:[\u2022*\\-\u2013]|\\d+[.)])\\s+")
ITEM_LABEL_WORDS = 6  # "Maintain Adequate Protein Intake: ..." (a label of up to six words)


@dataclass(frozen=True)
class Clause:
    """A stretch of one sentence: token range in its line's doc, and offsets in the text."""

    doc: Doc  # the line
    start: int  # tokens, in doc
    end: int
    offset: int  # where the line starts in the text
    sentence: int  # index of the sentence in the document
    first: bool  # the sentence's first clause

    @property
    def span(self) -> Span:
        return self.doc[self.start : self.end]

    @property
    def char_start(self) -> int:
        return self.offset + self.doc[self.start].idx

    @property
    def char_end(self) -> int:
        last = self.doc[self.end - 1]
        return self.offset + last.idx + len(last.text)


def lines(text: str) -> Iterator[tuple[int, str]]:
    """Each non-empty line with its offset, list marker left out."""
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        marker = LIST_MARKER.match(body)
        skip = marker.end() if marker else len(body) - len(body.lstrip())
        if body.strip():
            yield offset + skip, body[skip:].rstrip()
        offset += len(line)


def _item_label_end(sentence: Span) -> int:
    """The token after a list item's label ("Walking:"), or the sentence's start."""
    for token in sentence[: ITEM_LABEL_WORDS + 1]:
        if token.text == ":" and token.i + 1 < sentence.end:
            label = sentence.doc[sentence.start : token.i]
            if all(t.is_title or not t.is_alpha or t.is_stop for t in label):
                return token.i + 1
    return sentence.start


def clause_starts(sentence: Span, boundaries: frozenset[tuple[str, ...]]) -> list[int]:
    """Token indexes where a new clause begins inside the sentence."""
    starts = []
    for token in sentence:
        for words in boundaries:
            following = sentence.doc[token.i : token.i + len(words)]
            if token.i > sentence.start and tuple(t.lower_ for t in following) == words:
                starts.append(token.i + 1 if words[0] in ",;" else token.i)
    return sorted(set(starts))


def passages(text: str, nlp: Language, boundaries: frozenset[tuple[str, ...]]) -> Iterator[Clause]:
    """Every clause of every stated sentence of the text, in order."""
    number = 0
    for offset, body in lines(text):
        if not body.endswith(tuple(CLOSING)) or body.endswith("?"):
            continue  # a heading, a caption, a question
        doc = nlp(body)
        for sentence in doc.sents:
            if sentence.text.rstrip(CLOSING[3:] + " ").endswith("?") or len(sentence) < 3:
                continue
            begin = _item_label_end(sentence)
            cuts = [begin, *(i for i in clause_starts(sentence, boundaries) if i > begin)]
            for k, start in enumerate(cuts):
                end = cuts[k + 1] if k + 1 < len(cuts) else sentence.end
                while end > start + 1 and doc[end - 1].text in ",;":
                    end -= 1
                yield Clause(doc, start, end, offset, number, k == 0)
            number += 1
