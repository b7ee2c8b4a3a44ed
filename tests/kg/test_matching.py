"""The pipeline's lemmas: those of spaCy's own lookup lemmatizer, set without its table."""

from __future__ import annotations

from pathlib import Path

import spacy

from kg.matching import LEMMA_COMPONENT, english_pipeline
from kg.resources import bundled_corpus

ROOT = Path(__file__).resolve().parents[2]


def _spacy_lookup_pipeline() -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def test_lemmas_are_spacy_s_lookup_lemmas_over_the_corpus_and_questions() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(bundled_corpus().glob("*.txt"))]
    questions = (ROOT / "bench/questions.txt").read_text(encoding="utf-8").splitlines()
    texts += [q for q in questions if q.strip()]
    texts.append("Ran, runs, RUNNING; legs' soreness? I'd've jogged 5km & didn't stretch")
    ours, theirs = english_pipeline(), _spacy_lookup_pipeline()
    assert ours.pipe_names == [LEMMA_COMPONENT]
    compared = 0
    for text in texts:
        got = [t.lemma_ for t in ours(text)]
        expected = [t.lemma_ for t in theirs(text)]
        assert got == expected, text[:80]
        compared += len(got)
    assert compared > 5000
    lemmas = {t.text: t.lemma_ for t in ours(texts[-1])}
    assert {k: lemmas[k] for k in ("runs", "legs", "jogged")} == {
        "runs": "run",
        "legs": "leg",
        "jogged": "jog",
    }


def test_lemmas_fall_back_to_the_word_itself() -> None:
    doc = english_pipeline()("zorbling kgqa")
    assert [t.lemma_ for t in doc] == ["zorbling", "kgqa"]
