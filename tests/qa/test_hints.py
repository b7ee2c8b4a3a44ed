"""Question cues (qa/data/hints.ttl): kept apart from the vocabulary, and read as the questions mean.

A word is either a synonym of a concept (skos:altLabel) or a cue the question interpretation
reads; an antonym ("muscle loss") is only ever an inverse cue, never a label.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.errors import CorpusError
from kg.ontology import Ontology, load_ontology
from kg.resources import ontology_path
from kg.store import EmbeddedStore
from kg.vocab import KGQA
from qa.engine import Engine
from qa.hints import INVERSE, load_hints

PREFIXES = """@prefix kgqa: <https://w3id.org/kgqa/ontology#> .
@prefix kc: <https://w3id.org/kgqa/concept/> .
"""


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return load_ontology()


def _labels(ontology: Ontology) -> dict[str, set[str]]:
    """Every skos label, lower case, and the concepts that carry it."""
    found: dict[str, set[str]] = {}
    for c in ontology.concepts.values():
        for text in (c.pref_label, *c.alt_labels):
            found.setdefault(text.lower(), set()).add(c.slug)
    return found


def test_no_cue_is_also_a_label(ontology: Ontology) -> None:
    labels = _labels(ontology)
    both = sorted(
        f"{h.text!r} ({h.sense} of {h.concept.rsplit('/', 1)[-1]}; label of {sorted(labels[h.text.lower()])})"
        for h in load_hints(ontology)
        if h.text.lower() in labels
    )
    assert not both, "words that are both a synonym and a cue: " + "; ".join(both)


def test_no_cue_is_given_twice(ontology: Ontology) -> None:
    seen: dict[tuple[str, str], int] = {}
    for h in load_hints(ontology):
        key = (h.text.lower(), str(h.concept))
        seen[key] = seen.get(key, 0) + 1
    assert not [k for k, n in seen.items() if n > 1]


def test_cues_never_enter_the_ontology_or_the_graph(store: EmbeddedStore) -> None:
    graph = Graph().parse(ontology_path(), format="turtle")
    for prop in (KGQA.hintLabel, KGQA.inverseHintLabel, KGQA.changeHintLabel):
        assert not list(graph.subject_objects(prop))
    rows = store.select(
        "SELECT ?s WHERE { GRAPH ?g { ?s kgqa:hintLabel|kgqa:inverseHintLabel|kgqa:changeHintLabel ?o } } LIMIT 1"
    )
    assert not list(rows)


def test_inverse_cues_name_goals_only(ontology: Ontology) -> None:
    kinds = {ontology.concepts[h.concept].kind for h in load_hints(ontology) if h.sense == INVERSE}
    assert kinds == {"goal"}


def test_a_cue_for_an_unknown_concept_names_it(ontology: Ontology, tmp_path: Path) -> None:
    path = tmp_path / "hints.ttl"
    path.write_text(PREFIXES + 'kc:no-such-thing kgqa:hintLabel "thing"@en .\n', encoding="utf-8")
    with pytest.raises(CorpusError, match="no-such-thing"):
        load_hints(ontology, path)


def test_an_inverse_cue_on_an_activity_is_refused(ontology: Ontology, tmp_path: Path) -> None:
    path = tmp_path / "hints.ttl"
    path.write_text(
        PREFIXES + 'kc:running kgqa:inverseHintLabel "sitting"@en .\n', encoding="utf-8"
    )
    with pytest.raises(CorpusError, match="inverse hint 'sitting' on running"):
        load_hints(ontology, path)


@pytest.mark.parametrize(
    ("question", "goal", "polarity"),
    [
        ("Will running after leg day make me lose muscle?", "muscle", "impairs"),
        ("Does running after leg day kill gains?", "muscle", "impairs"),
        ("Does running after leg day increase injury risk?", "injury-prevention", "impairs"),
        ("Does foam rolling reduce soreness?", "soreness-relief", "improves"),
        ("Does stretching prevent injuries?", "injury-prevention", "improves"),
        ("Is foam rolling good for sore muscles?", "soreness-relief", "improves"),
        ("Does running after leg day cause DOMS?", "soreness-relief", "impairs"),
        ("Does running after leg day help recovery?", "recovery", "improves"),
        ("Does running reduce muscle growth?", "muscle-growth", "impairs"),
    ],
)
def test_a_goal_named_by_its_opposite_reverses_the_question(
    engine: Engine, question: str, goal: str, polarity: str
) -> None:
    it = engine.interpret(question)
    assert [g.rsplit("/", 1)[-1] for g in it.goals] == [goal]
    assert it.polarity == polarity


def test_a_hint_finds_its_concept(engine: Engine) -> None:
    it = engine.interpret("Is a treadmill ok after leg day?")
    assert [a.rsplit("/", 1)[-1] for a in it.activities] == ["running"]
