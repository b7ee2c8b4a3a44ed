"""The intents a question can have: one table, read by every stage of the pipeline.

An intent names its query template (qa/queries/<name>.rq) and the in-memory selector that picks
the same claims (qa.retrieve), the claim kinds that answer it best (ranking), whether its answer is
a list of options or a single answer (citation selection, summary), the intent that answers when it
selects nothing, and whether it may be asked of the corpus as a whole. The table's order is the
order of precedence when a question has cues for several: the more specific first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa import retrieve
from qa.retrieve import ClaimIndex, Claims, Selector

if TYPE_CHECKING:
    from qa.interpret import Interpretation


@dataclass(frozen=True)
class Intent:
    """What a question asks for, and how each stage answers it."""

    name: str  # also its query template, qa/queries/<name>.rq
    select: Selector  # the claims the template selects, found in memory
    kinds: frozenset[str] = frozenset()  # claim kinds that answer it best
    listing: bool = False  # a list of options (one citation each) rather than a single answer
    option: str = "goals"  # in a list: the claim facet one option stands for
    verb: str = "names"  # in a list's summary: what a source does with its options
    fallback: str | None = None  # answers when this intent's selector finds nothing
    on_topic: str | None = None  # answers instead when the question names a concept
    about_corpus: bool = False  # may be asked of the corpus as a whole, naming no concept
    prefers_disputed: bool = False  # claims on a side of a disagreement rank first

    def claims(self, index: ClaimIndex, it: Interpretation) -> Claims:
        """The claims its selector finds, from the sources the question names if it names any
        (as its query: the template's body, kept to those sources)."""
        found = self.select(index, it)
        return index.of_sources(found, it.sources) if it.sources else found


def _kinds(*names: str) -> frozenset[str]:
    return frozenset(names)


INTENTS: dict[str, Intent] = {
    i.name: i
    for i in (
        Intent(
            "alternatives",
            retrieve.alternatives,
            _kinds("AlternativeClaim"),
            listing=True,
            option="activities",
            verb="suggests",
            about_corpus=True,
        ),
        Intent("quantity", retrieve.of_kind("QuantityClaim"), _kinds("QuantityClaim")),
        Intent(
            "evidence",
            retrieve.evidence,
            listing=True,
            option="authority",
            verb="credits",
            fallback="source",
            about_corpus=True,
        ),
        Intent(
            "disagreement",
            retrieve.disagreement,
            fallback="effect",
            on_topic="effect",  # every claim on it, so agreement shows as plainly as dispute
            about_corpus=True,
            prefers_disputed=True,
        ),
        Intent(
            "benefits",
            retrieve.directed(retrieve.IMPROVES),
            _kinds("EffectClaim"),
            listing=True,
            verb="names benefits for",
            about_corpus=True,
        ),
        Intent(
            "drawbacks",
            retrieve.directed(retrieve.IMPAIRS),
            _kinds("EffectClaim"),
            listing=True,
            verb="names drawbacks for",
            about_corpus=True,
        ),
        Intent("mechanism", retrieve.of_kind("FactClaim"), _kinds("FactClaim"), fallback="effect"),
        Intent("recommendation", retrieve.recommendation, _kinds("Recommendation")),
        Intent("source", retrieve.source, listing=True, option="claim"),
        Intent("effect", retrieve.effect, _kinds("EffectClaim")),
    )
}
# Not an intent a question has: the last resort when no template selects anything.
LEXICAL = Intent("lexical", retrieve.lexical)
OUT_OF_SCOPE = "out_of_scope"
PRIORITY = tuple(INTENTS)
CORPUS_INTENTS = frozenset(name for name, i in INTENTS.items() if i.about_corpus)


def intent(name: str) -> Intent:
    """The intent (or the lexical last resort) of that name; KeyError for an unknown one."""
    return LEXICAL if name == LEXICAL.name else INTENTS[name]


def templates() -> tuple[str, ...]:
    """Every query template an answer may show."""
    return (*INTENTS, LEXICAL.name)
