"""Every claim's facets as columns, so that ranking scores all claims at once.

A corpus of a million triples has tens of thousands of claims, and a question that names no
activity is answered from all of them: scored one by one in Python, that took 70 ms a ranking.
Here each claim has a row (rows in the order ties are broken: source, start of the passage,
claim IRI), each concept and each word a posting list of rows, and a score is a few array
operations per asked concept and word (`qa.rank.structure`, `qa.rank.wording`). Those do the
arithmetic that scoring one claim at a time did, in the same order, so every score and every
answer came out the same (checked on 194 questions over the bundled corpus and over 1M triples).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

from kg.ontology import Ontology
from qa.catalog import Facets

WORD = re.compile(r"[a-z0-9]+")
Rows = npt.NDArray[np.intp]
Column = npt.NDArray[np.float64]
ROWS_KEPT = 32  # the rows of this many sets of claims, the latest used kept


def _postings(values: list[Collection[str]]) -> dict[str, Rows]:
    """Each value's rows, ascending, from each row's values: one sort of all (value, row) pairs
    instead of a list grown per value (a start at ten million triples indexes millions)."""
    flat = list(chain.from_iterable(values))
    if not flat:
        return {}
    rows = np.repeat(np.arange(len(values), dtype=np.intp), list(map(len, values)))
    ids = {value: i for i, value in enumerate(set(flat))}
    small = np.uint16 if len(ids) <= 1 << 16 else np.intp  # a stable sort of uint16 is a radix sort
    keys = np.fromiter(map(ids.__getitem__, flat), dtype=small, count=len(flat))
    order = np.argsort(keys, kind="stable")
    bounds = np.cumsum(np.bincount(keys, minlength=len(ids)))[:-1]
    return dict(zip(ids, np.split(rows[order], bounds), strict=True))


class ScoreTable:
    """The claims' facets, words and passages by row; see the module's docstring."""

    CONCEPTS = ("activities", "goals", "caveats", "limits")

    def __init__(
        self,
        facets: Mapping[str, Facets],
        claim_words: Mapping[str, Collection[str]],
        ontology: Ontology,
        disputed: frozenset[str] = frozenset(),
    ) -> None:
        """`claim_words`: each claim's words (`qa.rank.quoted_words`); a claim without them has
        the plain words of its quote and summary. `disputed`: the claims on a side of a
        disagreement (their rows: `self.disputed`)."""
        self.claims = sorted(facets, key=lambda c: (facets[c].slug, facets[c].start, c))
        self.row = {claim: i for i, claim in enumerate(self.claims)}
        self.all = frozenset(self.claims)
        size = len(self.claims)
        rows = [facets[c] for c in self.claims]
        self.concepts = {
            field: _postings([getattr(f, field) for f in rows]) for field in self.CONCEPTS
        }
        self.words = _postings(
            [self._words(claim_words, c, f) for c, f in zip(self.claims, rows, strict=True)]
        )
        self.kinds = _postings([(f.kind,) for f in rows])
        self.directions = _postings([(f.direction,) if f.direction else () for f in rows])
        passages: dict[tuple[str, int], int] = {}
        self.passage = np.array(
            [passages.setdefault((f.slug, f.start), len(passages)) for f in rows], dtype=np.intp
        )
        self.firmness = np.array([ontology.hedge_rank(f.hedge) for f in rows], dtype=np.float64)
        self.goal_count = np.array([len(f.goals) for f in rows], dtype=np.float64)
        self.limit_count = np.array([len(f.limits) for f in rows], dtype=np.float64)
        self.size = size
        self._rows: OrderedDict[frozenset[str], Rows] = OrderedDict()
        self._rows_lock = threading.Lock()
        self.disputed = self.rows(disputed & self.all)

    @staticmethod
    def _words(
        claim_words: Mapping[str, Collection[str]], claim: str, f: Facets
    ) -> Collection[str]:
        found = claim_words.get(claim)
        return set(WORD.findall(f"{f.quote} {f.summary}".lower())) if found is None else found

    def zeros(self) -> Column:
        return np.zeros(self.size, dtype=np.float64)

    def rows(self, claims: Collection[str]) -> Rows:
        """The rows of the claims (all of the table's claims or some), ascending (so in tie-break
        order), not to be changed. A frozenset's are kept (ROWS_KEPT): a selector returns the same
        set for many questions (every claim disputed, for those that name nothing), and looking
        up ten thousand claims takes milliseconds; a kept set is found by identity first."""
        if not isinstance(claims, frozenset):
            return self._find_rows(claims)
        with self._rows_lock:
            found = self._rows.get(claims)
            if found is not None:
                self._rows.move_to_end(claims)
                return found
        found = self._find_rows(claims)
        found.flags.writeable = False
        with self._rows_lock:
            self._rows[claims] = found
            if len(self._rows) > ROWS_KEPT:
                self._rows.popitem(last=False)
        return found

    def _find_rows(self, claims: Collection[str]) -> Rows:
        """Most of the claims are found as all but the others."""
        if len(claims) * 2 <= self.size:
            found = np.fromiter(map(self.row.__getitem__, claims), dtype=np.intp, count=len(claims))
            found.sort()
            return found
        keep = np.ones(self.size, dtype=bool)
        others = (
            self.all - claims if isinstance(claims, frozenset | set) else self.all - set(claims)
        )
        keep[np.fromiter(map(self.row.__getitem__, others), dtype=np.intp, count=len(others))] = (
            False
        )
        return np.flatnonzero(keep)

    def having(self, field: str, concepts: Iterable[str]) -> Rows:
        """Rows whose `field` holds any of the concepts."""
        index = self.concepts[field] if field in self.concepts else getattr(self, field)
        found = [index[c] for c in concepts if c in index]
        return np.concatenate(found) if found else np.empty(0, dtype=np.intp)

    def counted(self, field: str, concepts: Iterable[str]) -> Column:
        """Per row, how many of the (distinct) concepts its `field` holds."""
        counts = self.zeros()
        for concept in set(concepts):
            counts[self.having(field, (concept,))] += 1.0
        return counts


class PendingTable:
    """A ScoreTable built in a thread from now on (0.9 s at ten million triples, so an engine
    starts without waiting for it); `get` waits for it, and raises what building it raised."""

    def __init__(self, *args: Any) -> None:
        self._table: ScoreTable | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._build, args=args, name="kgqa-score-table", daemon=True
        )
        self._thread.start()

    def _build(self, *args: Any) -> None:
        try:
            self._table = ScoreTable(*args)
        except BaseException as exc:  # raised in the thread that asks for the table
            self._error = exc

    def get(self) -> ScoreTable:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._table is not None
        return self._table
