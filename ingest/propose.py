"""Claim proposals: a document's text -> claims in the claims YAML format, marked `proposed`.

Each clause (ingest.passages) is read through the shared ontology matcher (kg.matching) with the
cues of ingest/data/cues.tsv (ingest.reading), cut again where a new subject opens ("X helps, a hard
Y can hurt"), then given a kind: a figure with a unit is a
quantity; an alternative cue with an activity an alternative; advice (a stance cue, or an
imperative opening) a recommendation; goals with a direction an effect (one claim per direction);
any other clause naming a concept a fact. A clause naming no activity speaks of the previous
clause's, or of the document's topic (its title's). Every claim is checked by kg.claims exactly as
a claims file's would be, and dropped if invalid; proposed concepts (ingest.concepts) are part of
the ontology it is checked against.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ingest.concepts import concepts_graph, enumerated_terms, label_lemmas, new_concepts
from ingest.cues import Cues, load_cues
from ingest.passages import Clause, passages
from ingest.quantities import find_quantities
from ingest.reading import (
    Reading,
    goal_direction,
    inherit_goals,
    read_clause,
    split_compound,
)
from ingest.wording import claim_id, summary
from kg.anchor import occurrences
from kg.claims import read_claim
from kg.errors import CorpusError
from kg.matching import (
    ConceptMatcher,
    Mention,
    authority_labels,
    concept_labels,
    english_pipeline,
)
from kg.ontology import Ontology, ontology_from_graph
from kg.vocab import AUTHORITY

HEDGE_ORDER = ("possible", "likely", "certain")  # the weakest cue present sets the hedge
STANCE_ORDER = ("optional", "discouraged", "conditional", "recommended")
CONFIDENCE = {
    "quantity": 0.8,
    "alternative": 0.7,
    "recommendation": 0.65,
    "effect": 0.6,
    "fact": 0.4,
}
INHERITED_PENALTY = 0.15  # the activity was not named in the clause itself


@dataclass(frozen=True)
class Proposals:
    """What a document is proposed to claim, and the concepts it names that the ontology lacks."""

    claims: list[dict[str, Any]]
    concepts: list[dict[str, Any]]


@dataclass
class Topic:
    """The activity a clause speaks of when it names none, and the context it is framed in."""

    subject: list[str]
    context: list[str]


class Proposer:
    """Built once per ontology (spaCy pipeline and matchers), then `propose` for each text."""

    def __init__(self, ontology: Ontology, cues: Cues | None = None) -> None:
        self.ontology = ontology
        self.cues = cues or load_cues()
        self.nlp: Language = english_pipeline()
        self.nlp.add_pipe("sentencizer")
        kinds = ("activity", "goal", "caveat", "direction")
        labels = [
            *concept_labels(ontology, kinds),
            *authority_labels(ontology),
            *self.cues.labels(ontology),
        ]
        self.matcher = ConceptMatcher(self.nlp, labels)
        self.boundaries = frozenset(
            tuple(t.lower_ for t in self.nlp.make_doc(p)) for p in self.cues.phrases("clause")
        )
        self.known_labels = label_lemmas(ontology, self.nlp)
        self.joints = self.cues.phrases("joint")
        self.passed = self.cues.phrases("connective")
        self.imperatives = {
            tuple(t.lower_ for t in self.nlp.make_doc(c.phrase)): c.value
            for c in self.cues.of("imperative")
        }

    def propose(self, text: str) -> Proposals:
        docs: dict[int, list[Mention]] = {}
        readings: list[Reading] = []
        for clause in passages(text, self.nlp, self.boundaries):
            if id(clause.doc) not in docs:
                docs[id(clause.doc)] = self.matcher.mentions(clause.doc)
            mentions = docs[id(clause.doc)]
            for part in split_compound(
                read_clause(clause, mentions), mentions, self.joints, self.passed
            ):
                inherit_goals(part, readings[-1] if readings else None)
                readings.append(part)
        concepts = self._new_concepts(readings, docs)
        ontology = self.ontology
        if concepts:
            ontology = ontology_from_graph(self.ontology.graph + concepts_graph(concepts))
        topic = self._topic(text)
        claims: list[dict[str, Any]] = []
        previous = topic.subject
        for reading in readings:
            subject = self._subject(reading, previous, topic)
            for claim in self._claims(reading, subject, topic, concepts):
                claim["id"] = claim_id(claim, {c["id"] for c in claims})
                claim = _anchored(claim, text, reading.clause)
                if _valid(claim, ontology):
                    claims.append(claim)
            if reading.activities:
                previous = [s for s, _ in reading.activities]
        return Proposals(claims, concepts)

    def _topic(self, text: str) -> Topic:
        """What the document is about: the activity its title (first line) frames with a context
        ("running" in "... Running After Leg Day"), else the title's first activity."""
        first = next((line for line in text.splitlines() if line.strip()), "")
        doc = self.nlp(first)
        reading = read_clause(Clause(doc, 0, len(doc), 0, 0, True), self.matcher.mentions(doc))
        framed = (
            [a for a in reading.activities if a[1] < reading.context_start]
            if reading.context
            else []
        )
        chosen = max(framed, key=lambda a: a[1]) if framed else next(iter(reading.activities), None)
        return Topic([chosen[0]] if chosen else [], reading.context)

    def _subject(self, reading: Reading, previous: list[str], topic: Topic) -> list[str]:
        named = list(dict.fromkeys(s for s, _ in reading.activities))
        if named:
            return named
        opening = reading.clause.span[0].lower_
        return previous if opening in self.cues.phrases("anaphor") else topic.subject

    def _new_concepts(
        self, readings: Iterable[Reading], docs: dict[int, list[Mention]]
    ) -> list[dict[str, Any]]:
        terms = []
        for r in readings:
            openers = [e for _, _, e in r.cues.get("list-opener", [])]
            if openers:
                mentions = docs[id(r.clause.doc)]
                terms += enumerated_terms(
                    r.clause.doc, openers, r.clause.end, mentions, self.ontology
                )
        return new_concepts(terms, self.known_labels, self.nlp)

    def _claims(
        self, r: Reading, subject: list[str], topic: Topic, concepts: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """The claims of one clause (none, one, or one per direction for an effect)."""
        named = bool(r.activities)
        extra = [c["slug"] for c in concepts if c["kind"] == "activity" and _names(r, c["label"])]
        activities = list(dict.fromkeys([*subject, *extra]))
        context = [c for c in dict.fromkeys([*r.context, *topic.context]) if c not in activities]
        if not (set(activities) & set(topic.subject)) and not r.context:
            context = []
        base: dict[str, Any] = {"activities": activities, "context": context}
        base.update(_common(r, self.cues))
        goals = list(dict.fromkeys(g for g, _, _ in r.goals))
        quantities = find_quantities(r.clause.span.text, self.cues)
        confidence_cut = 0.0 if named else INHERITED_PENALTY
        if r.has("reported"):  # someone else's view, reported: it takes no side of the author's
            return [_confident({**base, "kind": "fact", "goals": goals}, INHERITED_PENALTY)]
        if quantities:
            found = {**base, "kind": "quantity", "quantity": quantities[0], "goals": goals}
            return [_confident(found, confidence_cut if not named else 0.0)]
        replaced = self._replaced(r, topic)
        if r.has("alternative") and replaced and set(activities) - {replaced}:
            kept = [a for a in activities if a != replaced]
            found = {**base, "kind": "alternative", "activities": kept, "instead_of": replaced}
            found.update({"goals": goals, "direction": "improves"})
            return [_confident(found, confidence_cut)]
        stance = self._stance(r)
        if stance is not None and activities:
            found = {**base, "kind": "recommendation", "stance": stance, "goals": goals}
            return [_confident(found, confidence_cut)]
        by_direction: dict[str, list[str]] = {}
        for goal, position, inverse in r.goals:
            direction = goal_direction(r, position, inverse, self.cues)
            if r.has("direction") and "depends" in r.values("direction"):
                direction = "depends"
            if direction is not None and goal not in by_direction.get(direction, []):
                by_direction.setdefault(direction, []).append(goal)
        if by_direction and activities:
            return [
                _confident({**base, "kind": "effect", "goals": g, "direction": d}, confidence_cut)
                for d, g in by_direction.items()
            ]
        if named or goals:
            fact = {**base, "kind": "fact", "goals": goals}
            if not named:
                fact["activities"], fact["context"] = [], []
            return [_confident(fact, 0.0)]
        return []

    def _replaced(self, r: Reading, topic: Topic) -> str | None:
        """The activity an alternative replaces: the one right after "instead of", "alternative
        to" ...; else the topic's (the document's alternatives replace its subject)."""
        for _, _, end in r.cues.get("replaced", []):
            after = [a for a, pos in r.activities if end <= pos <= end + 3]
            if after:
                return after[0]
        return topic.subject[0] if topic.subject else None

    def _stance(self, r: Reading) -> str | None:
        """Advice: a stance cue anywhere, or an imperative at an opening of the clause; advice
        for something under a condition ("if", "unless", "until") is conditional."""
        found = set(r.values("stance"))
        openings = self._openings(r)
        doc = r.clause.doc
        for words, value in self.imperatives.items():
            for i in openings:
                verb = doc[i : i + len(words)]
                if (
                    tuple(t.lower_ for t in verb) == words
                    and verb[0].lower_ == verb[0].lemma_.lower()
                ):
                    found.add(value)
        if "recommended" in found and r.has("condition"):
            found.add("conditional")
        return next((s for s in STANCE_ORDER if s in found), None)

    def _openings(self, r: Reading) -> set[int]:
        """Where a clause's verb may stand: its first word past hedges and connectives ("So
        maybe skip ..."), and the word after the comma that closes an opening condition."""
        span = r.clause.span
        passed = self.cues.phrases("hedge") | self.cues.phrases("connective")
        first = next((t.i for t in span if t.is_alpha and t.lower_ not in passed), span.start)
        openings = {first}
        if any(start == first for _, start, _ in r.cues.get("condition", [])):
            comma = next((t.i for t in span if t.i > first and t.text == ","), None)
            if comma is not None:
                openings.add(comma + 1)
        return openings


def _names(r: Reading, label: str) -> bool:
    return label in r.clause.span.text.lower()


def _common(r: Reading, cues: Cues) -> dict[str, Any]:
    """Hedge, caveats, attribution and the "[source needed]" flag of a clause."""
    hedges = set(r.values("hedge"))
    found: dict[str, Any] = {"hedge": next((h for h in HEDGE_ORDER if h in hedges), "certain")}
    caveats: dict[str, list[str]] = {}
    for role, caveat in r.caveats:
        if caveat not in caveats.get(role, []):
            caveats.setdefault(role, []).append(caveat)
    if caveats:
        found["caveats"] = caveats
    if r.authorities:
        found["attribution"] = r.authorities[0].removeprefix(str(AUTHORITY))
    if r.has("source-needed"):
        found["source_needed"] = True
    return found


def _confident(claim: dict[str, Any], cut: float) -> dict[str, Any]:
    return {**claim, "confidence": round(max(0.05, CONFIDENCE[claim["kind"]] - cut), 2)}


def _anchored(claim: dict[str, Any], text: str, clause: Clause) -> dict[str, Any]:
    """The claim with its quote (the clause, less a "[source needed]" flag), its occurrence when
    the quote recurs, a summary, `status: proposed`, and the fields in the claims file's order."""
    doc: Doc = clause.doc
    end = clause.end
    while end > clause.start + 1 and (doc[end - 1].is_punct and doc[end - 1].text in "[]"):
        end -= 1
    flag = [i for i in range(clause.start, end) if doc[i].text == "["]
    end = flag[0] if flag else end
    start_char = clause.char_start
    end_char = clause.offset + doc[end - 1].idx + len(doc[end - 1].text)
    quote = text[start_char:end_char]
    ordered: dict[str, Any] = {"id": claim["id"], "kind": claim["kind"], "quote": quote}
    starts = occurrences(text, quote)
    if len(starts) > 1:
        ordered["occurrence"] = starts.index(start_char) + 1
    ordered["summary"] = summary(claim)
    for key in ("activities", "context", "goals"):
        if claim.get(key):
            ordered[key] = claim[key]
    for key in (
        "direction", "stance", "instead_of", "hedge", "caveats", "quantity", "attribution",
        "source_needed", "confidence",
    ):  # fmt: skip
        if key in claim:
            ordered[key] = claim[key]
    ordered["status"] = "proposed"
    return ordered


def _valid(claim: dict[str, Any], ontology: Ontology) -> bool:
    try:
        read_claim(claim, ontology)
    except CorpusError:
        return False
    return True


def propose(text: str, ontology: Ontology) -> Proposals:
    """Propose claims (and new concepts) for a document's text; builds a Proposer each call."""
    return Proposer(ontology).propose(text)
