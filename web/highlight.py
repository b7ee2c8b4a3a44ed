"""Split a document into segments, each with the claims whose quoted span covers it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    start: int
    claims: tuple[str, ...]  # claim ids covering this segment, in order of their start


def segments(text: str, spans: list[tuple[str, int, int]]) -> list[Segment]:
    """Cut text at every span boundary; overlapping spans simply share the segments they cover."""
    cuts = sorted({0, len(text), *(s for _, s, _ in spans), *(e for _, _, e in spans)})
    ordered = sorted(spans, key=lambda s: (s[1], s[2]))
    found = []
    for start, end in itertools.pairwise(cuts):
        if start >= end:
            continue
        covering = tuple(cid for cid, s, e in ordered if s <= start and end <= e)
        found.append(Segment(text=text[start:end], start=start, claims=covering))
    return found
