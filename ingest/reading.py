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


SUBJECT_REACH = 4  # an activity this many tokens past a joint opens a clause of its own
SAYING_ROLES = ("direction", "change", "stance", "hedge")  # cues that say something of a subject


def _says_something(reading: Reading) -> bool:
    return bool(reading.activities) and (
        bool(reading.goals) or any(reading.has(role) for role in SAYING_ROLES)
    )


def split_compound(
    reading: Reading, mentions: list[Mention], joints: frozenset[str], passed: frozenset[str]
) -> list[Reading]:
    """A clause of coordinated clauses with subjects of their own ("an easy jog will not hurt
    your gains, a hard sprint session can hurt you") cut where a new subject opens: at a comma
    or a joint word ("while") with an activity within reach after it (past connectives, and no
    verb in "-ing" before it), when the part before names an activity and says something of it;
    never inside an enumeration ("like cycling, walking or swimming").
    """
    clause = reading.clause
    doc = clause.doc
    starts = {a for _, a in reading.activities}
    parts, begin = [], clause.start
    openers = [s for _, s, _ in reading.cues.get("list-opener", [])]
    listed = min(openers, default=clause.end)
    for token in clause.span[1:]:
        if (token.text != "," and token.lower_ not in joints) or token.i > listed:
            continue  # not a joint, or a comma between the items of a list ("like a, b, c")
        after = token.i + 1
        while after < clause.end and doc[after].lower_ in passed:
            after += 1
        subject = next((s for s in sorted(starts) if after <= s < after + SUBJECT_REACH), None)
        if subject is None or after in openers:
            continue  # no subject, or a list (", such as squats")
        if any(t.lower_.endswith("ing") for t in doc[after:subject]):
            continue  # an object (", using proper technique")
        end = token.i
        while end > begin + 1 and doc[end - 1].text in ",;":
            end -= 1
        left = read_clause(_part(clause, begin, end, begin == clause.start), mentions)
        if _says_something(left):
            parts.append(left)
            begin = token.i + 1 if token.text == "," else token.i
    if not parts:
        return [reading]
    return [*parts, read_clause(_part(clause, begin, clause.end, False), mentions)]


def _part(clause: Clause, start: int, end: int, first: bool) -> Clause:
    return Clause(clause.doc, start, end, clause.offset, clause.sentence, first and clause.first)


def inherit_goals(reading: Reading, before: Reading | None) -> None:
    """A later clause of a sentence that gives a direction but names no goal speaks of the goals
    of the clause before it ("jogging helps recovery, but sprinting hurts it")."""
    if reading.goals or before is None or reading.clause.first:
        return
    if before.clause.sentence != reading.clause.sentence:
        return
    if reading.has("direction") or reading.has("change"):
        end = reading.clause.end
        reading.goals = [(goal, end, inverse) for goal, _, inverse in before.goals]
