"""kg.ontology on the real vocabulary: what a concept reaches, which concepts are related, hedge ranks."""

from __future__ import annotations

import pytest

from kg.ontology import Ontology, load_ontology
from kg.vocab import CONCEPT


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return load_ontology()


def slugs(iris: frozenset[object]) -> set[str]:
    return {str(i).removeprefix(str(CONCEPT)) for i in iris}


def test_a_question_on_a_whole_reaches_its_parts(ontology: Ontology) -> None:
    assert "calorie-burn" in slugs(ontology.expand(CONCEPT["weight-loss"]))
    assert "soreness-relief" in slugs(ontology.expand(CONCEPT["recovery"]))


def test_a_question_does_not_follow_a_mechanism(ontology: Ontology) -> None:
    reached = slugs(ontology.expand(CONCEPT["recovery"]))
    assert not reached & {"blood-flow", "inflammation-reduction"}


def test_muscle_mass_covers_growth_and_retention(ontology: Ontology) -> None:
    assert slugs(ontology.expand(CONCEPT["muscle"])) == {
        "muscle",
        "muscle-growth",
        "muscle-retention",
    }
    assert "muscle-growth" not in slugs(ontology.ancestors(CONCEPT["muscle-retention"]))


@pytest.mark.parametrize(
    ("a", "b", "related"),
    [
        ("muscle-growth", "muscle-retention", True),  # both muscle mass
        ("running", "jogging", True),  # a kind of running
        ("running", "walking", False),  # both cardio, but different activities
        ("recovery", "blood-flow", False),  # a mechanism, not a kind
        ("weight-loss", "calorie-burn", False),  # a part, not a kind
        ("recovery", "muscle-growth", False),  # both only under the root
    ],
)
def test_related_concepts(ontology: Ontology, a: str, b: str, related: bool) -> None:
    assert ontology.related(CONCEPT[a], CONCEPT[b]) is related


def test_hedges_are_ordered_by_rank(ontology: Ontology) -> None:
    ranks = [ontology.hedge_rank(CONCEPT[h]) for h in ("certain", "likely", "possible")]
    assert ranks == sorted(ranks, reverse=True) and len(set(ranks)) == 3
    assert ontology.strongest_hedge([CONCEPT.possible, CONCEPT.likely]) == CONCEPT.likely
    assert ontology.strongest_hedge([]) is None
