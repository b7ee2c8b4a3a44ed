"""Disagreement inference: one node per disputed question, typed by why the sides differ."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.anchor import Anchor
from kg.claims import ClaimSpec, find_claims_files, read_claims_file
from kg.infer import Disagreement, disagreement_triples, find_disagreements
from kg.ontology import Ontology, load_ontology
from kg.positions import Rules, relation
from kg.rdf import AnchoredClaim
from kg.resources import bundled_corpus
from kg.sources import anchor_claims, read_document
from kg.synth import SynthSpec, write_corpus


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return load_ontology()


def claim(
    source: str,
    cid: str,
    position: str,
    activity: str = "running",
    goal: str | None = "recovery",
    hedge: str = "certain",
    **roles: tuple[str, ...],
) -> AnchoredClaim:
    """A claim as the claims files state one: an effect when a goal is given, else advice."""
    kind = "effect" if goal else "recommendation"
    spec = ClaimSpec(
        id=cid,
        kind=kind,
        quote=cid,
        summary=cid,
        hedge=hedge,
        line=1,
        activities=(activity,),
        goals=(goal,) if goal else (),
        direction=position if goal else None,
        stance=None if goal else position,
        **roles,  # type: ignore[arg-type]
    )
    return AnchoredClaim(spec=spec, source_slug=source, anchor=Anchor(0, 1, "", ""))


def one(
    found: list[Disagreement], source: str | None = None, whether: bool = False
) -> Disagreement:
    """The one disagreement of this scope on an effect (or, `whether`, on doing it at all)."""
    matching = [d for d in found if d.source == source and (d.goal is None) == whether]
    assert len(matching) == 1, found
    return matching[0]


def test_opposite_effects_across_sources_are_one_direct_conflict(ontology: Ontology) -> None:
    claims = [
        claim("001", "helps-1", "improves"),
        claim("001", "helps-2", "improves", hedge="likely"),
        claim("000", "hurts-1", "impairs", hedge="possible"),
        claim("000", "hurts-2", "impairs", hedge="likely"),
    ]
    d = one(find_disagreements(ontology, claims))
    assert d.type == "direct-conflict" and not d.within_source
    assert [(s.position, s.hedge, len(s.claims)) for s in d.sides] == [
        ("impairs", "likely", 2),
        ("improves", "certain", 2),
    ]
    assert d.topic(ontology) == "running and recovery"


def test_nodes_grow_with_questions_not_with_pairs_of_claims(ontology: Ontology) -> None:
    few = [claim("001", f"h{i}", "improves") for i in range(3)]
    few += [claim("000", f"i{i}", "impairs") for i in range(3)]
    many = [claim("001", f"h{i}", "improves") for i in range(60)]
    many += [claim("000", f"i{i}", "impairs") for i in range(60)]
    small, large = find_disagreements(ontology, few), find_disagreements(ontology, many)
    assert len(small) == len(large) == 1
    triples_small = sum(1 for _ in disagreement_triples(ontology, small))
    triples_large = sum(1 for _ in disagreement_triples(ontology, large))
    # One triple more per claim: the side's link to it (9 claims x 2 sides x 60 would be pairs).
    assert triples_large - triples_small == len(many) - len(few)


def test_opposing_conditions_dissolve_a_disagreement_and_are_named(ontology: Ontology) -> None:
    claims = [
        claim("000", "light-jog-helps", "improves", conditions=("low-intensity",)),
        claim("000", "intense-run-hurts", "impairs", conditions=("high-intensity",)),
    ]
    d = one(find_disagreements(ontology, claims), "000")
    assert d.type == "different-conditions" and d.dissolves
    assert set(d.reconciling) == {"low-intensity", "high-intensity"}


def test_a_reason_is_not_a_condition(ontology: Ontology) -> None:
    """ "Due to its intensity" explains a claim; it does not restrict it to intense running."""
    claims = [
        claim("001", "helps", "improves"),
        claim("000", "hurts", "impairs", reasons=("high-intensity",)),
        claim("000", "light-helps", "improves", conditions=("low-intensity",)),
    ]
    d = one(find_disagreements(ontology, claims))
    assert d.type == "direct-conflict" and d.reconciling == ()


def test_opposed_audiences_are_a_different_audience(ontology: Ontology) -> None:
    claims = [
        claim(
            "000", "bodybuilders", "impairs", goal="muscle-growth", audience=("goal-hypertrophy",)
        ),
        claim("001", "runners", "improves", goal="muscle-growth", audience=("goal-endurance",)),
    ]
    found = find_disagreements(ontology, claims)
    assert one(found).type == one(found, whether=True).type == "different-audience"


def test_a_source_against_itself_without_a_condition(ontology: Ontology) -> None:
    claims = [claim("000", "helps", "improves"), claim("000", "hurts", "impairs")]
    d = one(find_disagreements(ontology, claims), "000")
    assert d.type == "within-source" and d.within_source and not d.dissolves


def test_firm_and_soft_advice_differ_in_strength_only(ontology: Ontology) -> None:
    claims = [
        claim("001", "absolutely", "recommended", goal=None),
        claim("001", "extra-treat", "optional", goal=None),
    ]
    d = one(find_disagreements(ontology, claims), "001", whether=True)
    assert d.type == "strength-only"
    assert d.topic(ontology) == "running: whether to do it"


def test_benefits_and_harms_to_other_goals_are_pros_and_cons_not_a_disagreement(
    ontology: Ontology,
) -> None:
    claims = [
        claim("001", "burns-calories", "improves", goal="calorie-burn"),
        claim("000", "risks-injury", "impairs", goal="injury-prevention"),
    ]
    assert find_disagreements(ontology, claims) == []


def test_a_benefit_speaks_against_advice_not_to_do_it(ontology: Ontology) -> None:
    claims = [
        claim("001", "helps", "improves"),
        claim("000", "avoid", "discouraged", goal=None),
    ]
    d = one(find_disagreements(ontology, claims), whether=True)
    assert d.type == "direct-conflict"
    assert [s.position for s in d.sides] == ["discouraged", "recommended"]


def test_the_same_position_with_other_hedges_is_no_disagreement(ontology: Ontology) -> None:
    claims = [
        claim("000", "may-burn", "improves", goal="calorie-burn", hedge="possible"),
        claim("001", "burns", "improves", goal="calorie-burn", hedge="certain"),
    ]
    assert find_disagreements(ontology, claims) == []


def test_a_claim_on_a_broader_activity_speaks_of_the_narrower(ontology: Ontology) -> None:
    """Running covers jogging: an intense-running claim meets a light-jog claim at jogging."""
    claims = [
        claim("000", "intense-run-hurts", "impairs", conditions=("high-intensity",)),
        claim("000", "light-jog-helps", "improves", "jogging", conditions=("low-intensity",)),
    ]
    d = one(find_disagreements(ontology, claims), "000")
    assert d.activity == "jogging" and d.type == "different-conditions"


def test_unrelated_activities_do_not_disagree(ontology: Ontology) -> None:
    claims = [
        claim("000", "walk-helps", "improves", "walking"),
        claim("001", "run-hurts", "impairs"),
    ]
    assert find_disagreements(ontology, claims) == []


def test_relation_is_symmetric(ontology: Ontology) -> None:
    rules = Rules(ontology)
    pairs = [
        (
            claim("000", "a", "improves", conditions=("low-intensity",)),
            claim("001", "b", "impairs"),
        ),
        (claim("000", "a", "recommended", goal=None), claim("000", "b", "optional", goal=None)),
        (claim("000", "a", "no-effect"), claim("001", "b", "impairs")),
    ]
    for a, b in pairs:
        assert relation(rules, a, b) == relation(rules, b, a) is not None


def _claims(corpus: Path) -> list[AnchoredClaim]:
    ontology = load_ontology()
    found: list[AnchoredClaim] = []
    for path in find_claims_files(corpus):
        found += anchor_claims(read_document(read_claims_file(path, ontology)))
    return found


def test_synthetic_corpus_nodes_stay_few_as_claims_double(tmp_path: Path) -> None:
    ontology = load_ontology()
    sizes = []
    for n in (40, 80):
        corpus = tmp_path / str(n)
        write_corpus(ontology, SynthSpec(sources=4, claims_per_source=n, seed=3), corpus)
        found = find_disagreements(ontology, _claims(corpus))
        sizes.append((len(found), sum(1 for _ in disagreement_triples(ontology, found))))
    (nodes_small, triples_small), (nodes_large, triples_large) = sizes
    assert nodes_small > 0
    assert nodes_large <= 2 * nodes_small + 10  # bounded by the questions, not the pairs
    assert triples_large <= 2.5 * triples_small


def test_bundled_corpus_reads_like_a_careful_readers_list() -> None:
    ontology = load_ontology()
    found = find_disagreements(ontology, _claims(bundled_corpus()))
    across = {(d.activity, d.goal): d for d in found if not d.within_source}
    direct = {key for key, d in across.items() if d.type == "direct-conflict"}
    assert {("running", "recovery"), ("running", "muscle"), ("running", None)} <= direct
    for goal in ("calorie-burn", "weight-loss", "injury-prevention", "endurance",
                 "cardiovascular-health", "flexibility"):  # fmt: skip
        assert not [key for key in across if key[1] == goal], goal
    own = [d for d in found if d.source == "001" and d.activity == "running" and d.goal is None]
    assert own and {s.position for s in own[0].sides} >= {"recommended", "optional"}
