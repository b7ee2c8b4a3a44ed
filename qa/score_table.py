"""Every claim's facets as columns, so that ranking scores all claims at once.

A corpus of a million triples has tens of thousands of claims, and a question that names no
activity is answered from all of them: scored one by one in Python, that took 70 ms a ranking.
Here each claim has a row (rows in the order ties are broken: source, start of the passage,
claim IRI), each concept and each word a posting list of rows, and a score is a few array
operations per asked concept and word. The arithmetic is `qa.rank`'s, in its order, so a claim
scores exactly what `rank.structure` and `rank.wording` give it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

import numpy as np
import numpy.typing as npt

from kg.ontology import Ontology
from qa.catalog import Facets

WORD = re.compile(r"[a-z0-9]+")
Rows = npt.NDArray[np.intp]
Column = npt.NDArray[np.float64]


def _postings(values: dict[str, list[int]]) -> dict[str, Rows]:
    return {key: np.asarray(rows, dtype=np.intp) for key, rows in values.items()}


class ScoreTable:
    """The claims' facets, words and passages by row; see the module's docstring."""

    CONCEPTS = ("activities", "goals", "caveats", "limits")

    def __init__(
        self,
        facets: Mapping[str, Facets],
        claim_words: Mapping[str, Iterable[str]],
        ontology: Ontology,
    ) -> None:
        """`claim_words`: each claim's words (`qa.rank.quoted_words`); a claim without them has
        the plain words of its quote and summary."""
        self.claims = sorted(facets, key=lambda c: (facets[c].slug, facets[c].start, c))
        self.row = {claim: i for i, claim in enumerate(self.claims)}
        self.all = frozenset(self.claims)
        size = len(self.claims)
        concepts: dict[str, dict[str, list[int]]] = {f: defaultdict(list) for f in self.CONCEPTS}
        words: dict[str, list[int]] = defaultdict(list)
        kinds: dict[str, list[int]] = defaultdict(list)
        directions: dict[str, list[int]] = defaultdict(list)
        passages: dict[tuple[str, int], int] = {}
        self.passage = np.empty(size, dtype=np.intp)
        self.firmness = np.empty(size, dtype=np.float64)
        self.goal_count = np.empty(size, dtype=np.float64)
        self.limit_count = np.empty(size, dtype=np.float64)
        for i, claim in enumerate(self.claims):
            f = facets[claim]
            for field in self.CONCEPTS:
                for concept in getattr(f, field):
                    concepts[field][concept].append(i)
            found = claim_words.get(claim)
            if found is None:
                found = set(WORD.findall(f"{f.quote} {f.summary}".lower()))
            for word in found:
                words[word].append(i)
            kinds[f.kind].append(i)
            if f.direction:
                directions[f.direction].append(i)
            self.passage[i] = passages.setdefault((f.slug, f.start), len(passages))
            self.firmness[i] = ontology.hedge_rank(f.hedge)
            self.goal_count[i] = len(f.goals)
            self.limit_count[i] = len(f.limits)
        self.concepts = {field: _postings(found) for field, found in concepts.items()}
        self.words = _postings(words)
        self.kinds = _postings(kinds)
        self.directions = _postings(directions)
        self.size = size

    def zeros(self) -> Column:
        return np.zeros(self.size, dtype=np.float64)

    def rows(self, claims: Collection[str]) -> Rows:
        """The rows of the claims (all of the table's claims or some), ascending (so in tie-break
        order). Most of the claims are found as all but the others."""
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
