"""The inference against passage pairs a person labelled by reading the two documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import CorpusError
from kg.ontology import load_ontology
from kg.pair_labels import evaluate
from kg.resources import bundled_corpus

LABELS = Path(__file__).parent / "data" / "disagreement_pairs.yaml"


def test_precision_and_recall_on_the_hand_labelled_pairs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    scores = evaluate(bundled_corpus(), load_ontology(), LABELS)
    with capsys.disabled():
        print("\n" + scores.report())
    assert len(scores.outcomes) >= 40
    assert scores.precision >= 0.9 and scores.recall >= 0.9, scores.report()


def test_a_quote_not_in_its_document_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "pairs.yaml"
    bad.write_text(
        'pairs:\n  - {id: x, label: none, a: {source: "000", quote: "not in the text"},\n'
        '     b: {source: "001", quote: "Absolutely"}}\n',
        encoding="utf-8",
    )
    with pytest.raises(CorpusError, match="labelled quote not in source 000"):
        evaluate(bundled_corpus(), load_ontology(), bad)
