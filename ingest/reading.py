"""One clause read through the shared matcher: the concepts it names and the cues around them.

Pure logic over kg.matching's mentions; the words themselves come from ontology.ttl (labels) and
ingest/data/cues.tsv (cues). Positions are token indexes in the clause's line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.cues import CUE_KIND, Cues
from ingest.passages import Clause
from kg.matching import Mention
from kg.vocab import CONCEPT

CUE_WINDOW = 3  # a cue this many tokens before a mention applies to it (role, negation, context)
FOLLOWING_PENALTY = 2  # a direction cue after a goal counts as this much further than one before
# cues matched on their exact words only: lemmas merge "could" into "can" and "as" into "a", and
# advice is a verb's base form ("skip", not "skipping")
EXACT_ROLES = frozenset({"hedge", "caveat-role", "stance"})


def slug(iri: str) -> str:
    return iri.removeprefix(str(CONCEPT))


@dataclass
class Reading:
    """What one clause names: concepts by kind with their positions, and its cues by role."""

    clause: Clause
    activities: list[tuple[str, int]] = field(default_factory=list)  # (slug, token)
    context: list[str] = field(default_factory=list)
    goals: list[tuple[str, int, bool]] = field(default_factory=list)  # (slug, token, inverse)
    caveats: list[tuple[str, str]] = field(default_factory=list)  # (role, slug)
    cues: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)  # role->(value,s,e)
    authorities: list[str] = field(default_factory=list)
    context_start: int = -1  # token of the first context activity

    def values(self, role: str) -> list[str]:
        return [value for value, _, _ in self.cues.get(role, [])]

    def has(self, role: str) -> bool:
        return bool(self.cues.get(role))

    def before(self, role: str, position: int, window: int = CUE_WINDOW) -> str | None:
        """The value of a `role` cue ending at most `window` tokens before position, if any."""
        near = [(v, e) for v, _, e in self.cues.get(role, []) if position - window <= e <= position]
        return max(near, key=lambda ve: ve[1])[0] if near else None


def read_clause(clause: Clause, mentions: list[Mention]) -> Reading:
    """Sort the mentions inside the clause into a Reading."""
    inside = [m for m in mentions if clause.start <= m.start and m.end <= clause.end]
    reading = Reading(clause)
    for m in inside:
        if m.kind == CUE_KIND:
            role, _, value = m.key.partition(":")
            if role not in EXACT_ROLES or m.how == "exact":
                reading.cues.setdefault(role, []).append((value, m.start, m.end))
    for m in inside:
        if m.kind == "activity":
            if reading.before("context", m.start, 2) is not None:
                reading.context.append(slug(m.key))
                if reading.context_start < 0:
                    reading.context_start = m.start
            else:
                reading.activities.append((slug(m.key), m.start))
        elif m.kind == "goal":
            reading.goals.append((slug(m.key), m.start, m.sense == "inverse"))
        elif m.kind == "caveat":
            role = reading.before("caveat-role", m.start) or "condition"
            reading.caveats.append((role, slug(m.key)))
        elif m.kind == "direction":
            reading.cues.setdefault("direction", []).append((slug(m.key), m.start, m.end))
        elif m.kind == "authority":
            reading.authorities.append(m.key)
    return reading


def negated(reading: Reading, position: int) -> bool:
    """A negation cue shortly before position, with no other cue between."""
    return reading.before("negation", position) is not None


def goal_direction(reading: Reading, goal: int, inverse: bool, cues: Cues) -> str | None:
    """The direction a goal is given: from the nearest effect or change cue (one before the goal
    preferred), flipped when negated. An inverse goal ("injuries") turns a change cue round ("reduce
    injuries" improves injury prevention), not an effect cue ("cause injuries" impairs it)."""
    signals = [(v, s, "direction") for v, s, _ in reading.cues.get("direction", [])]
    signals += [(v, s, "change") for v, s, _ in reading.cues.get("change", [])]
    if not signals:
        if inverse:
            return "no-effect" if negated(reading, goal) else "impairs"
        return None
    value, start, role = min(
        signals,
        key=lambda sig: goal - sig[1] if sig[1] < goal else sig[1] - goal + FOLLOWING_PENALTY,
    )
    if role == "change":
        value = "improves" if (value == "up") != inverse else "impairs"
    if negated(reading, start):
        value = cues.flips.get(value, value)
    return value
