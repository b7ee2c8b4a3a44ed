"""Plain words for answers and the public pages (qa/data/wording.yaml): what a position says,
headings, openings, why a disagreement's sides differ."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

HEDGES = ("certain", "likely", "possible")


@dataclass(frozen=True)
class Position:
    """How to say one direction or stance."""

    slug: str
    cls: str  # for | against | depends
    effect: bool  # an effect's phrase follows its subject; a stance's is the source's advice
    says: dict[str, str]  # by hedge slug
    side: str
    says_many: dict[str, str]  # a stance's phrase for several sources, by hedge slug


@dataclass(frozen=True)
class Wording:
    positions: dict[str, Position]
    classes: dict[str, str]
    openings: dict[str, str]
    only_one: str
    many: str  # several sources that say the same: "three articles (A, B and C)"
    many_effect: str
    numbers: tuple[str, ...]  # number words from zero
    corpus_named: str
    corpus_counted: str
    itself: str
    reasons: dict[str, str]  # why the sides of a disagreement differ, by its type
    hedges: dict[str, str]  # how firmly a passage says it, by hedge slug
    conditions: dict[str, str]
    reconcile: str
    versus: str  # two opposed conditions: "a hard run versus an easy run"
    either: str  # two conditions that do not oppose
    no_figure: str
    figures: str
    lexical: str

    def position(self, slug: str | None) -> Position | None:
        return self.positions.get(slug) if slug else None

    def says(self, slug: str, hedge: str, goal: str = "", subject: str = "it") -> str:
        """The verb phrase of a position at a hedge: "may harm muscle mass", "advises against it"."""
        found = self.positions[slug]
        text = found.says.get(hedge) or found.says["possible"]
        return " ".join(text.format(goal=goal, subject=subject).split())

    def says_many(self, slug: str, hedge: str, goal: str = "", subject: str = "it") -> str:
        """The phrase of a position with several sources as its subject: "say running after leg
        day helps recovery", "advise against running after leg day"."""
        found = self.positions[slug]
        if found.effect:
            text = self.many_effect.format(subject=subject, says=self.says(slug, hedge, goal))
        else:
            text = (found.says_many.get(hedge) or found.says_many["possible"]).format(
                subject=subject
            )
        return " ".join(text.split())

    def number(self, n: int) -> str:
        """A count in words ("three"), in figures past the words the file has."""
        return self.numbers[n] if 0 <= n < len(self.numbers) else str(n)

    def condition(self, slug: str, label: str) -> str:
        """A reconciling condition in plain words ("an easy run"), or its label."""
        return self.conditions.get(slug, label)

    def side(self, slug: str, goal: str = "") -> str:
        return " ".join(self.positions[slug].side.format(goal=goal).split())


def _position(slug: str, entry: dict[str, Any]) -> Position:
    return Position(
        slug=slug,
        cls=str(entry["class"]),
        effect=bool(entry.get("effect", False)),
        says={h: str(entry["says"][h]) for h in HEDGES},
        side=str(entry["side"]),
        says_many={h: str(entry["says_many"][h]) for h in HEDGES} if "says_many" in entry else {},
    )


@cache
def wording() -> Wording:
    """The wording file, read once."""
    text = files("qa").joinpath("data", "wording.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=yaml.CSafeLoader)  # libyaml: a fifth of the time
    return Wording(
        positions={slug: _position(slug, e) for slug, e in data["positions"].items()},
        classes={str(k): str(v) for k, v in data["classes"].items()},
        openings={str(k): str(v) for k, v in data["openings"].items()},
        only_one=str(data["only_one"]),
        many=str(data["many"]),
        many_effect=str(data["many_effect"]),
        numbers=tuple(str(n) for n in data["numbers"]),
        corpus_named=str(data["corpus_named"]),
        corpus_counted=str(data["corpus_counted"]),
        itself=str(data["itself"]),
        reasons={str(k): str(v) for k, v in data["reasons"].items()},
        hedges={str(k): str(v) for k, v in data["hedges"].items()},
        conditions={str(k): str(v) for k, v in data["conditions"].items()},
        reconcile=str(data["reconcile"]),
        versus=str(data["versus"]),
        either=str(data["either"]),
        no_figure=str(data["no_figure"]),
        figures=str(data["figures"]),
        lexical=str(data["lexical"]),
    )
