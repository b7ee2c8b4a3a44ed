"""Question cues (qa/data/hints.ttl): words that suggest a concept without meaning it.

They are the question interpretation's own data, not vocabulary: "gains" suggests muscle mass,
"treadmill" running, "should i" a recommendation. An inverse hint names the concept's opposite
("muscle loss", "soreness"), so the question is about the concept read the other way round; a
change hint is a verb of more or less ("increase", "reduce") that such a reading reverses. A
condition hint names a caveat ("DOMS": sore legs) only where the question states it as the
reader's own state ("I have DOMS"); qa.interpret decides that from the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from rdflib import Literal, URIRef

from kg.errors import CorpusError
from kg.ontology import Ontology, parse_turtle
from kg.vocab import KGQA

HINT, INVERSE, CHANGE, CONDITION = "hint", "inverse", "change", "condition"
SENSES = {
    HINT: KGQA.hintLabel,
    INVERSE: KGQA.inverseHintLabel,
    CHANGE: KGQA.changeHintLabel,
    CONDITION: KGQA.conditionHintLabel,
}
# The kinds of concept each sense may point to: only a goal is named by its opposite, only a
# direction is a verb of more or less, only a caveat is a state the reader is in.
KINDS = {
    HINT: frozenset({"activity", "goal", "caveat", "direction", "intent"}),
    INVERSE: frozenset({"goal"}),
    CHANGE: frozenset({"direction"}),
    CONDITION: frozenset({"caveat"}),
}


@dataclass(frozen=True)
class Hint:
    """One cue: its text, the concept it suggests, and how (hint, inverse or change)."""

    concept: URIRef
    text: str
    sense: str


def hints_path() -> Path:
    return Path(str(files("qa").joinpath("data", "hints.ttl")))


def load_hints(ontology: Ontology, path: Path | None = None) -> tuple[Hint, ...]:
    """The cues of hints.ttl; a CorpusError names a cue for an unknown concept or a wrong kind."""
    path = path or hints_path()
    graph = parse_turtle(path, "the question hints")
    found: list[Hint] = []
    for sense, predicate in SENSES.items():
        for subject, text in sorted(graph.subject_objects(predicate)):
            concept = ontology.concepts.get(URIRef(str(subject)))
            if concept is None or not isinstance(text, Literal):
                raise CorpusError(f"{path}: hint {str(text)!r} points to unknown concept {subject}")
            if concept.kind not in KINDS[sense]:
                raise CorpusError(
                    f"{path}: {sense} hint {str(text)!r} on {concept.slug}, a {concept.kind};"
                    f" {sense} hints are for: {', '.join(sorted(KINDS[sense]))}"
                )
            found.append(Hint(concept.iri, str(text), sense))
    return tuple(found)
