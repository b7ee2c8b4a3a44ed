"""Claim proposals on the real ontology: valid claims, exact quotes, cues read as data says."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.cues import load_cues
from ingest.evaluate import evaluate_files
from ingest.propose import Proposer
from ingest.quantities import find_quantities
from kg.anchor import anchor_quote
from kg.claims import find_claims_files, read_claim, read_claims_file
from kg.ontology import load_ontology
from kg.resources import bundled_corpus

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def proposer() -> Proposer:
    return Proposer(load_ontology())


def _one(proposer: Proposer, text: str) -> dict[str, object]:
    claims = proposer.propose("Running After Leg Day\n\n" + text).claims
    assert len(claims) == 1, claims
    return claims[0]


def test_every_proposal_on_the_bundled_documents_is_a_valid_claim_with_an_exact_quote(
    proposer: Proposer,
) -> None:
    ontology = load_ontology()
    for path in find_claims_files(bundled_corpus()):
        text = read_claims_file(path, ontology).document_path.read_text(encoding="utf-8")
        claims = proposer.propose(text).claims
        assert len({c["id"] for c in claims}) == len(claims)
        for claim in claims:
            spec = read_claim(claim, ontology)
            assert spec.proposed and 0 <= (spec.confidence or 0) <= 1
            anchor = anchor_quote(text, spec.quote, spec.occurrence)
            assert text[anchor.start : anchor.end] == spec.quote


def test_negation_flips_an_impairing_cue_to_no_effect(proposer: Proposer) -> None:
    plain = _one(proposer, "Running after leg day will hinder muscle growth.")
    negated = _one(proposer, "Running after leg day will not hinder muscle growth.")
    assert (plain["direction"], negated["direction"]) == ("impairs", "no-effect")


def test_a_change_verb_on_a_goal_named_by_its_opposite_reads_the_other_way(
    proposer: Proposer,
) -> None:
    assert _one(proposer, "Running lowers the risk of injury.")["direction"] == "improves"
    assert _one(proposer, "Running raises the risk of injury.")["direction"] == "impairs"


@pytest.mark.parametrize(
    ("sentence", "hedge"),
    [
        ("Running after leg day could potentially hinder muscle growth.", "possible"),
        ("Running after leg day can typically improve recovery.", "likely"),
        ("Running after leg day improves recovery.", "certain"),
    ],
)
def test_hedge_is_the_weakest_modal_cue(proposer: Proposer, sentence: str, hedge: str) -> None:
    assert _one(proposer, sentence)["hedge"] == hedge


def test_a_view_the_author_only_reports_takes_no_side(proposer: Proposer) -> None:
    own = _one(proposer, "A run after leg day speeds up recovery.")
    reported = _one(proposer, "Many blogs claim that a run after leg day speeds up recovery.")
    assert own["direction"] == "improves"
    assert reported["kind"] == "fact" and "direction" not in reported


def test_a_hedged_no_effect_summary_reads_as_english(proposer: Proposer) -> None:
    claim = _one(proposer, "An easy jog after leg day may not hurt muscle growth.")
    assert claim["direction"] == "no-effect"
    assert " may not harm " in claim["summary"]


def test_advice_cues_give_a_stance(proposer: Proposer) -> None:
    assert _one(proposer, "Skip the run if your legs are sore.")["stance"] == "discouraged"
    assert _one(proposer, "Running with sore legs is not recommended.")["stance"] == "discouraged"
    assert _one(proposer, "Think of running as an extra treat.")["stance"] == "optional"


def test_attribution_and_source_needed_flag(proposer: Proposer) -> None:
    claim = _one(
        proposer,
        "According to the American Council on Exercise, running improves endurance [source needed].",
    )
    assert claim["attribution"] == "american-council-on-exercise"
    assert claim["source_needed"] is True
    assert not str(claim["quote"]).endswith("]")


def test_quantities_are_parsed_with_their_bounds() -> None:
    cues = load_cues()
    assert find_quantities("burn approximately 400-500 calories", cues) == [
        {"text": "approximately 400-500 calories", "unit": "calorie", "min": 400, "max": 500}
    ]
    assert find_quantities("Aim for a minimum of 2 liters per day.", cues) == [
        {"text": "a minimum of 2 liters per day", "unit": "liter-per-day", "min": 2}
    ]
    assert find_quantities("around 45 minutes", cues)[0]["value"] == 45


def test_a_repeated_quote_names_its_occurrence(proposer: Proposer) -> None:
    text = "Running After Leg Day\n\nRunning improves recovery.\n\nRunning improves recovery.\n"
    claims = proposer.propose(text).claims
    assert [c.get("occurrence") for c in claims] == [1, 2]


def test_new_concepts_are_proposed_once_and_never_for_a_known_label(proposer: Proposer) -> None:
    text = (
        "Running After Leg Day\n\nTry low-impact options like cycling, rowing, walks or "
        "swimming instead of running. Alternatives like cycling or swimming help recovery.\n"
    )
    proposals = proposer.propose(text)
    slugs = [c["slug"] for c in proposals.concepts]
    assert sorted(slugs) == ["cycling", "rowing"]  # "walks" is walking's label, lemmatised
    assert proposals.concepts[0]["broader"] == "low-impact-cardio"
    assert any("cycling" in c.get("activities", []) for c in proposals.claims)


def test_proposals_meet_the_targets_on_the_bundled_documents(proposer: Proposer) -> None:
    ontology = proposer.ontology
    pairs = [
        (read_claims_file(p, ontology).document_path, p)
        for p in find_claims_files(bundled_corpus())
    ]
    for scores in evaluate_files(pairs, proposer):
        assert scores.recall >= 0.8, scores
        assert scores.precision >= 0.6, scores
        assert scores.direction >= 0.8, scores


def test_the_coach_blog_gold_uses_its_proposed_concept(proposer: Proposer) -> None:
    (scores,) = evaluate_files(
        [(DATA / "coach_blog.txt", DATA / "coach_blog.claims.yaml")], proposer
    )
    assert scores.gold > 30 and scores.recall >= 0.8


def _all(proposer: Proposer, text: str) -> list[dict[str, object]]:
    return proposer.propose("Running After Leg Day\n\n" + text).claims


def test_an_article_is_not_the_reason_word_as(proposer: Proposer) -> None:
    claim = _one(proposer, "Running after leg day at a high intensity hinders muscle growth.")
    assert claim["caveats"] == {"condition": ["high-intensity"]}


def test_advice_opens_a_clause_or_follows_an_opening_condition(proposer: Proposer) -> None:
    assert _one(proposer, "Don't run after leg day.")["stance"] == "discouraged"
    assert _one(proposer, "If your legs feel fine, go for a short run.")["stance"] == "conditional"
    assert "stance" not in _one(proposer, "Most runners don't stretch after leg day.")


def test_advice_restricted_by_unless_is_conditional(proposer: Proposer) -> None:
    claim = _one(proposer, "Stretching is recommended unless your legs are sore.")
    assert claim["stance"] == "conditional"
    assert claim["caveats"] == {"condition": ["sore-legs"]}


def test_an_evaluative_phrase_is_advice(proposer: Proposer) -> None:
    assert _one(proposer, "Running after leg day is a bad idea.")["stance"] == "discouraged"


def test_not_only_is_no_negation(proposer: Proposer) -> None:
    claim = _one(proposer, "Running not only burns calories but also improves endurance.")
    assert claim["direction"] == "improves"


def test_coordinated_clauses_with_their_own_subjects_take_their_own_directions(
    proposer: Proposer,
) -> None:
    claims = _all(proposer, "Swimming helps recovery, a hard run can hurt it, and walking is fine.")
    found = [(c["activities"], c.get("goals"), c.get("direction")) for c in claims]
    assert found[:2] == [
        (["swimming"], ["recovery"], "improves"),
        (["running"], ["recovery"], "impairs"),
    ]
    assert claims[2]["activities"] == ["walking"] and "direction" not in claims[2]


def test_while_without_a_comma_and_a_semicolon_end_a_clause(proposer: Proposer) -> None:
    claims = _all(proposer, "Stretching helps recovery while sprinting hinders it.")
    assert [(c["activities"], c["direction"]) for c in claims] == [
        (["stretching"], "improves"),
        (["sprint-intervals"], "impairs"),
    ]
    claims = _all(proposer, "A slow jog won't hurt muscle growth; it improves blood flow.")
    assert [(c["goals"], c["direction"]) for c in claims] == [
        (["muscle-growth"], "no-effect"),
        (["blood-flow"], "improves"),
    ]


def test_a_list_after_a_comma_is_not_a_new_clause(proposer: Proposer) -> None:
    claims = _all(
        proposer, "Joggers who are stretching daily, walking, and swimming improve recovery."
    )
    assert len(claims) == 1
    assert claims[0]["activities"] == ["stretching", "walking", "swimming"]
