"""A synthetic corpus shaped like the real one, at any size, the same for the same seed.

Each source is a plain-text document of claim sentences and a claims file that anchors each
sentence: effects (with hedges and caveats), recommendations, alternatives, quantities and facts,
over the ontology's concepts; sources take opposite sides on some topics, so the build infers
disagreements as it does for the real corpus. The real build pipeline ingests it unchanged.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.claims import CAVEAT_ROLES as ROLE_FIELDS
from kg.ontology import Ontology

HEDGE_WORDS = {"certain": "", "likely": "can ", "possible": "may "}
DIRECTION_PHRASES = {
    "improves": "improve",
    "impairs": "impair",
    "no-effect": "leave unchanged",
    "depends": "help or hurt, depending on the person,",
}
CAVEAT_ROLES = tuple(ROLE_FIELDS)
KIND_SHARE = (
    ("effect", 0.55),
    ("recommendation", 0.15),
    ("alternative", 0.1),
    ("quantity", 0.1),
    ("fact", 0.1),
)


@dataclass(frozen=True)
class SynthSpec:
    sources: int
    claims_per_source: int
    seed: int = 0
    first: int = 0  # the number of the first source (slug s00000 for 0)


def _kind(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for kind, share in KIND_SHARE:
        total += share
        if roll < total:
            return kind
    return "effect"


class _Writer:
    """Writes one source's sentences and claims."""

    def __init__(
        self, ontology: Ontology, rng: random.Random, slug: str, leaning: dict[tuple[str, str], str]
    ):
        self.rng = rng
        self.slug = slug
        self.leaning = leaning
        self.activities = sorted(c.slug for c in ontology.of_kind("activity"))
        self.goals = sorted(c.slug for c in ontology.of_kind("goal"))
        self.caveats = sorted(c.slug for c in ontology.of_kind("caveat"))
        self.sentences: list[str] = []
        self.claims: list[dict[str, Any]] = []

    def add(self, number: int) -> None:
        kind = _kind(self.rng)
        activity, goal = self.rng.choice(self.activities), self.rng.choice(self.goals)
        hedge = self.rng.choice(sorted(HEDGE_WORDS))
        caveats: dict[str, list[str]] = {}
        for caveat in sorted(self.rng.sample(self.caveats, k=self.rng.choice((0, 0, 1, 2)))):
            caveats.setdefault(self.rng.choice(CAVEAT_ROLES), []).append(caveat)
        tag = f"Finding {self.slug}-{number}"
        base: dict[str, Any] = {
            "id": f"c{number}",
            "kind": kind,
            "hedge": hedge,
            "activities": [activity],
        }
        if caveats:
            base["caveats"] = dict(sorted(caveats.items()))
        if kind == "effect":
            direction = self.leaning.setdefault(
                (activity, goal), self.rng.choice(sorted(DIRECTION_PHRASES))
            )
            if self.rng.random() < 0.15:  # a source sometimes qualifies its own line
                direction = self.rng.choice(sorted(DIRECTION_PHRASES))
            text = f"{tag}: {activity} {HEDGE_WORDS[hedge]}{DIRECTION_PHRASES[direction]} {goal}."
            base |= {"goals": [goal], "direction": direction}
            summary = f"{activity} {HEDGE_WORDS[hedge]}{DIRECTION_PHRASES[direction]} {goal}"
        elif kind == "recommendation":
            stance = self.rng.choice(("recommended", "discouraged", "conditional", "optional"))
            text = f"{tag}: {activity} is {stance} after leg day."
            base |= {"stance": stance}
            summary = f"{activity} is {stance} after leg day"
        elif kind == "alternative":
            other = self.rng.choice(self.activities)
            text = f"{tag}: {activity} {HEDGE_WORDS[hedge]}stand in for {other} and improve {goal}."
            base |= {"instead_of": other, "goals": [goal], "direction": "improves"}
            summary = f"{activity} {HEDGE_WORDS[hedge]}stand in for {other}"
        elif kind == "quantity":
            low = self.rng.randint(5, 60)
            high = low + self.rng.randint(5, 60)
            figure = f"{low} to {high} minutes"
            text = f"{tag}: {activity} for {figure} is what {goal} needs."
            base |= {
                "goals": [goal],
                "quantity": {"text": figure, "min": low, "max": high, "unit": "minute"},
            }
            summary = f"{goal} needs {figure} of {activity}"
        else:
            text = f"{tag}: {activity} works through {goal}."
            base |= {"goals": [goal]}
            summary = f"{activity} works through {goal}"
        self.sentences.append(text)
        self.claims.append({**base, "quote": text, "summary": summary})


def write_corpus(ontology: Ontology, spec: SynthSpec, out: Path) -> list[Path]:
    """Write spec.sources documents and claims files into out; returns the claims files."""
    rng = random.Random(spec.seed)
    out.mkdir(parents=True, exist_ok=True)
    shared: dict[tuple[str, str], str] = {}
    written = []
    for index in range(spec.sources):
        slug = f"s{spec.first + index:05d}"
        # most sources share the common line on a topic; one in three takes the other side
        leaning = {k: v for k, v in shared.items() if rng.random() > 0.33}
        writer = _Writer(ontology, rng, slug, leaning)
        for number in range(spec.claims_per_source):
            writer.add(number)
        for key, value in writer.leaning.items():
            shared.setdefault(key, value)
        document = f"Synthetic source {slug}\n\n" + "\n".join(writer.sentences) + "\n"
        (out / f"{slug}.txt").write_text(document, encoding="utf-8")
        claims = {
            "source": {
                "slug": slug,
                "file": f"{slug}.txt",
                "title": f"Synthetic source {slug}",
                "language": "en",
            },
            "claims": writer.claims,
        }
        path = out / f"{slug}.claims.yaml"
        path.write_text(
            yaml.safe_dump(claims, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        written.append(path)
    return written
