"""The inference against pairs of passages a person labelled by reading the documents.

A labelled pair names two passages (verbatim quotes) and how they differ: a type of
disagreement, or none. Each passage stands for the claims whose quotes overlap it; the inference
says how two claims differ when they speak to one question (`kg.infer.relation`). A pair is
predicted as the labelled type when any of its claim pairs has it, else as the most serious type
found, else none. Precision and recall are reported twice: for finding a disagreement where
the person found one (whatever its type), and for finding it with the person's type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any

import yaml

from kg.claims import find_claims_files, read_claims_file
from kg.errors import CorpusError
from kg.infer import Question, questions_of
from kg.ontology import Ontology
from kg.positions import (
    AUDIENCE,
    CONDITIONS,
    DIRECT,
    SEVERITY,
    STRENGTH,
    WITHIN,
    Rules,
    relation,
)
from kg.rdf import AnchoredClaim
from kg.sources import anchor_claims, read_document

LABELS = {
    "direct": DIRECT,
    "conditions": CONDITIONS,
    "audience": AUDIENCE,
    "strength": STRENGTH,
    "within": WITHIN,
    "none": None,
}


@dataclass(frozen=True)
class Outcome:
    """One labelled pair: what the person said, what the inference says."""

    id: str
    label: str | None
    predicted: str | None

    @property
    def right(self) -> bool:
        return self.label == self.predicted


@dataclass(frozen=True)
class Scores:
    """Precision and recall of finding a disagreement (of any type) where the person found one,
    and of finding it with the person's type."""

    outcomes: tuple[Outcome, ...]

    def _ratio(self, hit: Callable[[Outcome], bool], among: Callable[[Outcome], bool]) -> float:
        pool = [o for o in self.outcomes if among(o)]
        return sum(hit(o) for o in pool) / len(pool) if pool else 1.0

    @property
    def precision(self) -> float:
        return self._ratio(lambda o: o.label is not None, lambda o: o.predicted is not None)

    @property
    def recall(self) -> float:
        return self._ratio(lambda o: o.predicted is not None, lambda o: o.label is not None)

    @property
    def typed_precision(self) -> float:
        return self._ratio(lambda o: o.right, lambda o: o.predicted is not None)

    @property
    def typed_recall(self) -> float:
        return self._ratio(lambda o: o.right, lambda o: o.label is not None)

    @property
    def wrong(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.right]

    def summary(self) -> dict[str, Any]:
        return {
            "pairs": len(self.outcomes),
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "typed_precision": round(self.typed_precision, 3),
            "typed_recall": round(self.typed_recall, 3),
            "wrong": [o.__dict__ for o in self.wrong],
        }

    def report(self) -> str:
        lines = [
            f"{len(self.outcomes)} labelled pairs, "
            f"{sum(o.label is not None for o in self.outcomes)} of them disagreements",
            f"  finding a disagreement: precision {self.precision:.3f}, recall {self.recall:.3f}",
            f"  with the right type:    precision {self.typed_precision:.3f}, "
            f"recall {self.typed_recall:.3f}",
        ]
        lines += [f"  {o.id}: labelled {o.label or 'none'}, inferred {o.predicted or 'none'}"
                  for o in self.wrong]  # fmt: skip
        return "\n".join(lines)


def _claims_at(
    claims: list[AnchoredClaim], text: str, source: str, quote: str
) -> list[AnchoredClaim]:
    start = text.find(quote)
    if start < 0:
        raise CorpusError(f"labelled quote not in source {source}: {quote[:60]!r}")
    end = start + len(quote)
    return [
        c
        for c in claims
        if c.source_slug == source and c.anchor.start < end and start < c.anchor.end
    ]


def predict(
    rules: Rules, xs: list[AnchoredClaim], ys: list[AnchoredClaim], labelled: str | None
) -> str | None:
    """How the inference relates two passages' claims: see the module's docstring."""
    found = {
        kind
        for x, y in product(xs, ys)
        for question in _shared(rules, x, y)
        if (kind := relation(rules, x, y, whether=question.goal is None)) is not None
    }
    if labelled in found:
        return labelled
    return next((kind for kind in SEVERITY if kind in found), None)


def evaluate(corpus: Path, ontology: Ontology, labels_path: Path) -> Scores:
    """Score the inference on a labelled pairs file against the corpus."""
    texts: dict[str, str] = {}
    claims: list[AnchoredClaim] = []
    for path in find_claims_files(corpus):
        doc = read_document(read_claims_file(path, ontology))
        texts[doc.spec.slug] = doc.text
        claims += anchor_claims(doc)
    try:
        data = yaml.safe_load(labels_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CorpusError(f"{labels_path}: cannot read the labelled pairs: {exc}") from exc
    rules = Rules(ontology)
    outcomes = []
    for pair in data["pairs"]:
        sides = []
        for end in ("a", "b"):
            source, quote = str(pair[end]["source"]), pair[end]["quote"]
            if source not in texts:
                raise CorpusError(f"{labels_path}: pair {pair['id']}: no source {source!r}")
            sides.append(_claims_at(claims, texts[source], source, quote))
        if pair["label"] not in LABELS:
            raise CorpusError(f"{labels_path}: pair {pair['id']}: unknown label {pair['label']!r}")
        labelled = LABELS[pair["label"]]
        xs, ys = sides
        outcomes.append(Outcome(str(pair["id"]), labelled, predict(rules, xs, ys, labelled)))
    return Scores(tuple(outcomes))


def _shared(rules: Rules, x: AnchoredClaim, y: AnchoredClaim) -> frozenset[Question]:
    """The questions both claims speak to, of which one of them names the activity."""
    return (questions_of(rules, x) & questions_of(rules, y, named_only=True)) | (
        questions_of(rules, x, named_only=True) & questions_of(rules, y)
    )
