"""The engine's own serialiser output, cut at a row cap or a deadline.

pyoxigraph writes a result to a file object in chunks of about 8 KB, evaluating the query as it
goes. The sink here keeps the chunks, counts from the bytes how many rows have begun (cheaply,
an upper bound, made exact only when it passes the cap), and stops the engine by raising from
`write` once the result has more rows than the cap or the deadline has passed; what was written
is then cut after a whole row and the document closed. A grammar per format says where its rows
begin: lines (TSV, N-Triples), `<result>` (XML), and the objects of SPARQL JSON's `bindings`.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, cast

Cut = str | None  # why a result was cut short, or None
BINDINGS = b'"bindings":['
RESULTS = b"<results>"
END_RESULT = b"</result>"
ROW_BOUNDARY = re.compile(rb'\},\{"(?=[^},])')  # a `},{"` that a variable's name follows


class _Stop(Exception):
    """Raised from the sink's `write` to stop the engine's serialiser."""


@dataclass(frozen=True)
class Grammar:
    """Where rows sit in one format's bytes. `mark` occurs at least once for each row that has
    begun (more often when a value contains it), so its count, plus `slack`, bounds the rows;
    `cuts(data)[k]` is where to cut to keep k rows, `close` what then ends the document, and
    `end` what follows the last row when the document is whole."""

    mark: bytes
    slack: int
    cuts: Callable[[bytes], list[int]]
    close: bytes
    end: bytes

    def begun(self, data: bytes, cuts: list[int]) -> int:
        """How many rows have begun in data (the last may be partial)."""
        if not cuts:
            return 0
        tail = data[cuts[-1] : cuts[-1] + len(self.end)]
        return len(cuts) - 1 + (0 if self.end.startswith(tail) else 1)  # a partial end: not yet


def _after_each(data: bytes, needle: bytes, start: int) -> list[int]:
    return [m.end() for m in re.compile(re.escape(needle)).finditer(data, start)]


def _tsv_cuts(data: bytes) -> list[int]:
    """After the header line, then after each row's line (TSV escapes line breaks in values)."""
    return _after_each(data, b"\n", 0)


def _ntriples_cuts(data: bytes) -> list[int]:
    return [0, *_after_each(data, b"\n", 0)]


def _xml_cuts(data: bytes) -> list[int]:
    """After `<results>`, then after each `</result>` (text escapes `<`, so both are markup)."""
    opened = data.find(RESULTS)
    return [] if opened < 0 else [opened + len(RESULTS), *_after_each(data, END_RESULT, opened)]


def _json_cuts(data: bytes) -> list[int]:
    """After `"bindings":[`, then after each row object. Between two rows pyoxigraph writes
    `},{"` and then a variable's name; inside a value a raw `"` can only end the string, which a
    `}` or `,` follows. Only an all-unbound row (`{}`) is ambiguous: then rows are parsed."""
    opened = data.find(BINDINGS)
    if opened < 0:
        return []
    first = opened + len(BINDINGS)
    if data.find(b"},{}", first) >= 0 or data.startswith(b"{}", first):
        return _json_cuts_parsed(data, first)
    return [first, *(m.start() + 1 for m in ROW_BOUNDARY.finditer(data, first))]


def _json_cuts_parsed(data: bytes, first: int) -> list[int]:
    """The cuts found by parsing each row (latin-1 keeps byte offsets; UTF-8 bytes are valid
    string characters in it)."""
    text, decoder, cuts, pos = data.decode("latin-1"), json.JSONDecoder(), [first], first
    while pos < len(text) and text[pos] != "]":
        try:
            _, end = decoder.raw_decode(text, pos + (text[pos] == ","))
        except json.JSONDecodeError:
            break
        cuts.append(end)
        pos = end
    return cuts


TSV = Grammar(b"\n", 0, _tsv_cuts, b"", b"")
NTRIPLES = Grammar(b"\n", -1, _ntriples_cuts, b"", b"")
XML = Grammar(b"<result>", 0, _xml_cuts, b"</results></sparql>", b"</results>")
JSON = Grammar(b"},{", -1, _json_cuts, b"]}}", b"]")


class Sink:
    """What the engine writes to: the bytes so far; stops the engine past the cap or deadline."""

    def __init__(self, grammar: Grammar, limit: int | None, deadline: float | None) -> None:
        self.grammar = grammar
        self.limit = limit
        self.deadline = deadline
        self.data = bytearray()
        self.marks = 0
        self.slack = grammar.slack  # rows begun <= marks - slack
        self.cut: Cut = None
        self.cuts: list[int] = []  # the cuts of the data when the row cap stopped the engine

    def write(self, chunk: bytes) -> int:
        if self.cut is not None:  # the engine flushes its buffer again as it gives up: not kept
            raise _Stop
        start = len(self.data)
        self.data += chunk
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.cut = "time"
            raise _Stop
        if self.limit is not None:
            overlap = max(0, start - len(self.grammar.mark) + 1)
            self.marks += self.data.count(self.grammar.mark, overlap)
            if self.marks - self.slack > self.limit:
                data = bytes(self.data)
                self.cuts = self.grammar.cuts(data)
                begun = self.grammar.begun(data, self.cuts)
                if begun > self.limit:
                    self.cut = "rows"
                    raise _Stop
                self.slack = self.marks - begun
        return len(chunk)

    def flush(self) -> None:
        pass


def capped(
    write: Callable[[IO[bytes]], object],
    grammar: Grammar,
    limit: int | None,
    seconds: float | None,
    empty: Callable[[], bytes],
) -> tuple[bytes, Cut]:
    """The bytes the engine writes through `write(sink)`, cut after `limit` rows or at the
    deadline `seconds` from now (whole rows, the document closed); `empty()` gives the document
    without rows when the engine had not yet written its head. Returns (body, cut)."""
    deadline = None if seconds is None else time.monotonic() + seconds
    sink = Sink(grammar, limit, deadline)
    with contextlib.suppress(_Stop):
        write(cast(IO[bytes], sink))
    data = bytes(sink.data)
    if sink.cut is None:
        return data, None
    if sink.cut == "rows":
        assert limit is not None
        cut_at = sink.cuts[limit]
        return data[:cut_at] + grammar.close, f"rows: the result has more than {limit} rows"
    cuts = grammar.cuts(data)
    why = f"time: the query ran past {seconds:g} s"
    return (data[: cuts[-1]] + grammar.close if cuts else empty()), why
