"""Question -> Interpretation: what is asked (intent) about which concepts, read with spaCy.

The matchers come from the ontology's labels (qa.nlp); this module only decides what the mentions
mean together: which activity is the subject and which is context ("after leg day"), which
intent wins when several cues appear, whether the question asks about an improvement or an
impairment (a goal named by its opposite, "muscle loss", reverses a verb of more or less:
"reduce soreness" asks about improving soreness relief), and whether the question lies outside
what the corpus covers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

from qa.hints import CHANGE, INVERSE
from qa.intents import CORPUS_INTENTS, OUT_OF_SCOPE, PRIORITY
from qa.nlp import ConceptMatcher, Mention, word_logprobs

# Grammar, not vocabulary: an activity right after one of these words is the question's context.
CONTEXT_PREPOSITIONS = frozenset({"after", "post", "following", "before", "between"})
TOPICAL_KINDS = ("activity", "goal", "caveat", "source", "authority")
MAX_QUESTION_CHARS = 500
# An unknown word this common ("bad", "rid", "bro") says nothing about the topic; a rarer one
# ("creatine", "boiling") names a subject the corpus does not cover.
TOPICAL_LOGPROB = -10.5
REVERSED = {"improves": "impairs", "impairs": "improves"}


@dataclass(frozen=True)
class Interpretation:
    """What a question asks, as ontology IRIs; the same question always gives the same one."""

    question: str
    intent: str
    activities: tuple[str, ...] = ()
    context_activities: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    authorities: tuple[str, ...] = ()
    polarity: str | None = None  # "improves" or "impairs" when the question asks about one
    terms: tuple[str, ...] = ()  # content lemmas, for lexical ranking
    unknown_terms: tuple[str, ...] = ()  # topical words the corpus never uses
    mentions: tuple[Mention, ...] = field(default=(), compare=False)

    def key(self) -> tuple[object, ...]:
        """What the answer depends on (the wording of the question aside)."""
        return (
            self.intent,
            self.activities,
            self.context_activities,
            self.goals,
            self.caveats,
            self.sources,
            self.authorities,
            self.polarity,
            self.terms,
            self.unknown_terms,
        )


def _slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _ordered(keys: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(keys))


def _split_activities(doc: Doc, mentions: list[Mention]) -> tuple[list[str], list[str]]:
    subject: list[str] = []
    context: list[str] = []
    for m in mentions:
        if m.kind != "activity":
            continue
        before = doc[m.start - 1].lower_ if m.start > 0 else ""
        before2 = doc[m.start - 2].lower_ if m.start > 1 else ""
        is_context = before in CONTEXT_PREPOSITIONS or (
            before in {"a", "an", "the", "my", "your"} and before2 in CONTEXT_PREPOSITIONS
        )
        (context if is_context else subject).append(m.key)
    if not subject and context and len(set(context)) > 1:
        subject, context = context[:1], context[1:]
    return subject, [c for c in context if c not in subject]


def _intent(intents: set[str], interpretation_parts: dict[str, list[str]]) -> str:
    for name in PRIORITY:  # when cues for several appear, the more specific wins
        if name in intents:
            if name == "source" and not interpretation_parts["source"]:
                continue
            return name
    if interpretation_parts["source"]:
        return "source"
    if interpretation_parts["caveat"] and not interpretation_parts["goal"]:
        return "recommendation"
    return "effect"


def _polarity(mentions: list[Mention]) -> str | None:
    """ "impairs" or "improves" when the question asks about one, else None.

    A goal named only by its opposite ("muscle loss", "injury risk") asks about the goal read the
    other way round: with no direction word, whether it is impaired; a verb of more or less on it
    is reversed ("reduce soreness": improves soreness relief); an evaluative word is not ("good
    for soreness": improves soreness relief).
    """
    goals = [m for m in mentions if m.kind == "goal"]
    inverse = bool(goals) and all(m.sense == INVERSE for m in goals)
    directions = {
        REVERSED.get(_slug(m.key), _slug(m.key)) if inverse and m.sense == CHANGE else _slug(m.key)
        for m in mentions
        if m.kind == "direction"
    }
    if inverse and not directions & set(REVERSED):
        return "impairs"
    return next((d for d in ("impairs", "improves") if d in directions), None)


def interpret(
    question: str, matcher: ConceptMatcher, corpus_lemmas: frozenset[str]
) -> Interpretation:
    """Read a question; intent `out_of_scope` when it names nothing the corpus covers."""
    doc = matcher.doc(question[:MAX_QUESTION_CHARS])
    mentions = matcher.mentions(doc)
    parts: dict[str, list[str]] = {kind: [] for kind in (*TOPICAL_KINDS, "direction", "intent")}
    for m in mentions:
        parts.setdefault(m.kind, []).append(m.key)
    subject, context = _split_activities(doc, mentions)
    covered = {i for m in mentions for i in range(m.start, m.end)}
    content = [t for t in doc if t.is_alpha and not t.is_stop and len(t) > 1]
    context_tokens = {  # "after leg day" sets the scene; its words say nothing about the answer
        i
        for m in mentions
        if m.kind == "activity" and m.key in context
        for i in range(m.start, m.end)
    }
    terms = _ordered([t.lemma_.lower() for t in content if t.i not in context_tokens])
    unknown = _ordered(
        [
            t.lower_
            for t in content
            if t.i not in covered
            and t.lemma_.lower() not in corpus_lemmas
            and t.lower_ not in corpus_lemmas
        ]
    )
    intents = {_slug(k).removeprefix("intent-") for k in parts["intent"]}
    topical = [m for m in mentions if m.kind in TOPICAL_KINDS]
    strong = [m for m in topical if not (m.kind == "activity" and m.key in context)]
    logprobs = word_logprobs()
    foreign = [t for t in unknown if logprobs.get(t, -99.0) < TOPICAL_LOGPROB]
    about_corpus = bool(intents & CORPUS_INTENTS) and not foreign
    out_of_scope = (not strong and not about_corpus) or (
        bool(foreign) and len(strong) <= len(foreign) and not parts["source"]
    )
    return Interpretation(
        question=question,
        intent=OUT_OF_SCOPE if out_of_scope else _intent(intents, parts),
        activities=_ordered(subject),
        context_activities=_ordered(context),
        goals=_ordered(parts["goal"]),
        caveats=_ordered(parts["caveat"]),
        sources=_ordered(parts["source"]),
        authorities=_ordered(parts["authority"]),
        polarity=_polarity(mentions),
        terms=terms,
        unknown_terms=tuple(foreign),
        mentions=tuple(mentions),
    )
