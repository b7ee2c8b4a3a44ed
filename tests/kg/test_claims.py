"""Reading claims files: caveats by role, context activities, and one clear line per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.claims import ClaimSpec, find_claims_files, read_claims_file
from kg.errors import CorpusError
from kg.ontology import Ontology, load_ontology
from kg.vocab import CONCEPT

HEAD = """source: {slug: s1, file: s1.txt, title: T}
claims:
  - id: c1
    kind: effect
    quote: "Running helps."
    summary: running helps recovery
    activities: [running]
    goals: [recovery]
    direction: improves
    hedge: likely
"""


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return load_ontology()


def _read(tmp_path: Path, ontology: Ontology, extra: str) -> ClaimSpec:
    path = tmp_path / "s1.claims.yaml"
    path.write_text(HEAD + extra, encoding="utf-8")
    return read_claims_file(path, ontology).claims[0]


def test_caveats_are_read_by_role_and_concatenated_in_order(
    tmp_path: Path, ontology: Ontology
) -> None:
    claim = _read(
        tmp_path,
        ontology,
        "    caveats: {purpose: [insufficient-recovery], audience: [goal-hypertrophy],\n"
        "              condition: [high-intensity, sore-legs], reason: [high-intensity]}\n"
        "    context: [leg-day]\n",
    )
    assert claim.conditions == ("high-intensity", "sore-legs")
    assert claim.reasons == ("high-intensity",)
    assert claim.audience == ("goal-hypertrophy",)
    assert claim.purposes == ("insufficient-recovery",)
    assert claim.context == ("leg-day",)
    assert claim.caveats == (
        "high-intensity",
        "sore-legs",
        "goal-hypertrophy",
        "insufficient-recovery",
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "    caveats: [high-intensity]\n",
            "s1.claims.yaml:3: claim `c1`: `caveats` must map a role",
        ),
        ("    caveats: {when: [high-intensity]}\n", "claim `c1`: unknown caveat role(s) when"),
        ("    caveats: {condition: [leg-day]}\n", "claim `c1`: unknown caveat `leg-day`"),
        ("    context: [high-intensity]\n", "claim `c1`: unknown activity `high-intensity`"),
        ("    context: [running]\n", "claim `c1`: `running` is in both `activities` and `context`"),
    ],
)
def test_bad_caveats_or_context_give_one_line_naming_file_line_and_claim(
    tmp_path: Path, ontology: Ontology, extra: str, message: str
) -> None:
    with pytest.raises(CorpusError) as raised:
        _read(tmp_path, ontology, extra)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_optional_is_a_stance(tmp_path: Path, ontology: Ontology) -> None:
    path = tmp_path / "s1.claims.yaml"
    path.write_text(
        HEAD.replace("kind: effect", "kind: recommendation").replace(
            "direction: improves", "stance: optional"
        ),
        encoding="utf-8",
    )
    assert read_claims_file(path, ontology).claims[0].stance == "optional"


def test_opposition_is_symmetric(ontology: Ontology) -> None:
    assert CONCEPT["low-intensity"] in ontology.opposed(CONCEPT["high-intensity"])
    assert CONCEPT["high-intensity"] in ontology.opposed(CONCEPT["low-intensity"])
    assert ontology.opposed(CONCEPT["fresh-legs"]) == {
        CONCEPT["sore-legs"],
        CONCEPT["muscle-fatigue"],
    }
    assert ontology.opposed(CONCEPT["individual-variation"]) == frozenset()


@pytest.fixture(scope="module")
def corpus_claims(ontology: Ontology) -> dict[str, dict[str, ClaimSpec]]:
    corpus = Path(__file__).resolve().parents[2] / "kg" / "corpus"
    return {
        spec.slug: {c.id: c for c in spec.claims}
        for spec in (read_claims_file(p, ontology) for p in find_claims_files(corpus))
    }


def test_a_passage_is_coded_twice_only_when_it_states_two_different_things(
    corpus_claims: dict[str, dict[str, ClaimSpec]],
) -> None:
    for claims in corpus_claims.values():
        seen: dict[tuple[object, ...], str] = {}
        for claim in claims.values():
            meaning = (claim.quote, claim.kind, claim.direction, claim.stance, claim.activities)
            assert meaning not in seen, f"{claim.id} repeats {seen[meaning]}"
            seen[meaning] = claim.id


def test_no_claim_rests_on_a_question(corpus_claims: dict[str, dict[str, ClaimSpec]]) -> None:
    for claims in corpus_claims.values():
        for claim in claims.values():
            assert not claim.quote.rstrip().endswith("?"), claim.id


def test_001_softens_its_absolutely_into_optional(
    corpus_claims: dict[str, dict[str, ClaimSpec]],
) -> None:
    claims = corpus_claims["001"]
    opening = claims["intro-absolutely-beneficial"]
    assert (opening.stance, opening.hedge) == ("recommended", "certain")
    assert claims["concl-extra-treat"].stance == "optional"
    assert claims["faq-advice-not-mandate"].stance == "optional"
    assert claims["faq-only-if-muscles-up-for-it"].conditions == ("fresh-legs",)
