"""Interpretation -> SPARQL: one template per intent (qa/queries/*.rq), filled only with IRIs.

Every IRI placed in a query comes from the ontology or the store, never from the question's
text. Concepts are expanded before they are bound (narrower concepts, and the broader one short
of a scheme's top), so the query stays a plain join that any SPARQL engine runs fast.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

from rdflib import URIRef

from kg.ontology import Ontology
from kg.vocab import sparql_prefixes

if TYPE_CHECKING:
    from qa.interpret import Interpretation

NOTHING = "FILTER (false)"
# answers leave out claims proposed by `kgqa ingest` that no one reviewed, unless asked for them
REVIEWED = "FILTER NOT EXISTS { ?claim kgqa:reviewStatus kgqa:Proposed }"


@cache
def template(name: str) -> str:
    return files("qa").joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")


def _iris(values: frozenset[str] | set[str]) -> str:
    return " ".join(f"<{v}>" for v in sorted(values))


def _values(var: str, values: frozenset[str] | set[str]) -> str:
    return f"VALUES ?{var} {{ {_iris(values)} }}"


class QueryBuilder:
    """Builds the query for an interpretation."""

    def __init__(self, ontology: Ontology, include_proposed: bool = False) -> None:
        self.ontology = ontology
        self.reviewed = "" if include_proposed else REVIEWED

    def expand(self, keys: tuple[str, ...]) -> set[str]:
        return {str(i) for k in keys for i in self.ontology.expand(URIRef(k))}

    def _filter(self, var: str, predicate: str, keys: tuple[str, ...]) -> str:
        if not keys:
            return ""
        return f"{_values(var, self.expand(keys))} ?claim {predicate} ?{var} ."

    def _union(self, *blocks: str) -> str:
        present = [b for b in blocks if b]
        if len(present) <= 1:
            return present[0] if present else ""
        return " UNION ".join(f"{{ {b} }}" for b in present)

    def blocks(self, it: Interpretation) -> dict[str, str]:
        activity = self._filter("qActivity", "kgqa:activity", it.activities)
        goal = self._filter("qGoal", "kgqa:goal", it.goals)
        caveat = self._filter("qCaveat", "kgqa:caveat", it.caveats)
        context = self._filter("qContext", "kgqa:activity", it.context_activities)
        both = NOTHING
        if len(it.activities) >= 2:
            first, second = self.expand(it.activities[:1]), self.expand(it.activities[1:2])
            both = f"{_values('qA1', first)} {_values('qA2', second)} ?claim kgqa:activity ?qA1, ?qA2 ."
        instead = ""
        if it.activities:
            instead = f"{_values('qInstead', self.expand(it.activities))} ?claim kgqa:insteadOf ?qInstead ."
            if len(it.activities) >= 2:
                instead += (
                    f" {_values('qAlt', self.expand(it.activities))} ?claim kgqa:activity ?qAlt ."
                )
        return {
            "#ACTIVITY": activity,
            "#GOAL": goal,
            "#CAVEAT_IF_ALONE": caveat if not (activity or goal) else "",
            "#GOAL_OR_CAVEAT": self._union(goal, caveat),
            "#ACTIVITY_OR_GOAL": self._union(activity, goal),
            "#INSTEAD_OF": instead,
            "#BOTH_ACTIVITIES": both,
            "#AUTHORITY": _values("authority", set(it.authorities)) if it.authorities else "",
            "#SOURCE": _values("source", set(it.sources)) if it.sources else "",
            "#WITHIN_NAMED_SOURCES": (
                f"UNION {{ ?disagreement kgqa:withinSource true ; kgqa:source ?within . "
                f"{_values('within', set(it.sources))} }}"
                if it.sources
                else ""
            ),
            "#ANY_CONCEPT": self._union(activity, goal, caveat, context) or NOTHING,
        }

    def build(self, it: Interpretation, intent: str | None = None) -> str:
        """The full SPARQL text (prefixes included) for the interpretation's intent, or another
        (the template of each intent of qa.intents)."""
        body = template(intent or it.intent)
        blocks = self.blocks(it)
        for placeholder in sorted(blocks, key=len, reverse=True):  # #GOAL_OR_CAVEAT before #GOAL
            body = body.replace(placeholder, blocks[placeholder])
        body = "\n".join(
            line for line in body.splitlines() if not line.startswith("#") and line.strip()
        )
        named = _values("source", set(it.sources)) if it.sources else ""
        wrapper = template("_claims").replace("#NAMED_SOURCES", named)
        wrapper = wrapper.replace("#REVIEWED", self.reviewed)
        return sparql_prefixes() + wrapper.replace("#BODY", body)
