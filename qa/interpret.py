"""Question -> Interpretation: what is asked (intent) about which concepts, read with spaCy.

The matchers come from the ontology's labels (kg.matching, qa.nlp); this module only decides what the mentions
mean together: which activity is the subject and which is context ("after leg day"), which
intent wins when several cues appear, whether the question asks about an improvement or an
impairment (a goal named by its opposite, "muscle loss", reverses a verb of more or less:
"reduce soreness" asks about improving soreness relief), and whether the question lies outside
what the corpus covers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from spacy.matcher.levenshtein import levenshtein
from spacy.tokens import Doc, Token

from qa.cues import language_of, word_classes
from qa.framing import SourceReading, focus, read_sources, stated_conditions
from qa.hints import CHANGE, INVERSE
from qa.intents import CORPUS_INTENTS, OUT_OF_SCOPE, PRIORITY
from qa.nlp import Frame, Mention, QuestionMatcher, common_words, word_logprobs

# Grammar, not vocabulary: an activity right after one of these words is the question's context.
CONTEXT_PREPOSITIONS = frozenset(
    {"after", "post", "following", "before", "between", "on", "from", "since"}
)
TOPICAL_KINDS = ("activity", "goal", "caveat", "source", "authority")
MAX_QUESTION_CHARS = 500
TYPO_LONG = 9  # an unknown word this long may be a typo two slips from a known word; shorter, one
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
    unknown_terms: tuple[str, ...] = ()  # what the question asks about that the corpus never uses
    language: str = "en"  # or the code of the language the question is in ("und": unknown)
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
            self.language,
        )


def _slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _ordered(keys: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(keys))


def _split_activities(doc: Doc, mentions: list[Mention]) -> tuple[list[str], list[str]]:
    """The activities asked about, and those that only set the scene ("after leg day").

    With every activity in a scene, the first is the subject unless a goal is asked: "how long to
    wait before running after leg day" asks about recovery between the two, not about running.
    """
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
    goal = any(m.kind == "goal" for m in mentions)
    if not subject and not goal and len(set(context)) > 1:
        subject, context = context[:1], context[1:]
    return subject, [c for c in context if c not in subject]


def _intent(intents: set[str], interpretation_parts: dict[str, list[str]]) -> str:
    """The intent the cues signal; a question framed on a source asks what that source says,
    unless it asks where the source contradicts itself. When
    cues for several intents appear, the more specific wins (the order of qa.intents)."""
    if interpretation_parts["source"] and "disagreement" not in intents:
        return "source"
    for name in PRIORITY:
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


def _thing(token: Token, known: frozenset[str]) -> bool:
    """Whether a word the corpus never uses names a thing (a product, a supplement, a plan): a
    noun, or a name English does not know (not a typo of a word the corpus uses)."""
    word, lemma = token.lower_, token.lemma_.lower()
    classes = word_classes().get(word) or word_classes().get(lemma)
    if classes:
        return "noun" in classes
    if word in word_logprobs():
        return True  # an English word WordNet does not list ("app"): most are recent nouns
    return not _typo(word, known)


def _typo(word: str, known: frozenset[str]) -> bool:
    """One slip from a known word with the same first letter: a letter wrong, missing, extra, or two
    swapped ("recovry", "joggin", "shuold"); two slips in a long word."""
    limit = 1 if len(word) < TYPO_LONG else 2
    return any(
        abs(len(w) - len(word)) <= limit
        and (levenshtein(word, w, limit) <= limit or _swapped(word, w))
        for w in _by_initial(known).get(word[:1], ())
    )


@lru_cache(maxsize=4)
def _by_initial(known: frozenset[str]) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for w in known:
        found.setdefault(w[:1], []).append(w)
    return {initial: tuple(words) for initial, words in found.items()}


@lru_cache(maxsize=4)
def _known(corpus_lemmas: frozenset[str]) -> frozenset[str]:
    """The words a question may use without naming anything new: the corpus's and English's."""
    return corpus_lemmas | common_words()


def _swapped(word: str, other: str) -> bool:
    if len(word) != len(other):
        return False
    diff = [i for i, (a, b) in enumerate(zip(word, other, strict=True)) if a != b]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and word[diff[0]] == other[diff[1]]


def _uncovered(
    tokens: list[Token], covered: set[int], corpus_lemmas: frozenset[str], generic: frozenset[str]
) -> list[Token]:
    """Words of the question that are no concept's and that the corpus never uses."""
    return [
        t
        for t in tokens
        if t.is_alpha
        and not t.is_stop
        and len(t) > 1
        and t.i not in covered
        and t.lower_ not in corpus_lemmas
        and t.lemma_.lower() not in corpus_lemmas
        and t.lower_ not in generic
        and t.lemma_.lower() not in generic
    ]


def _read(
    doc: Doc, matcher: QuestionMatcher, known: frozenset[str]
) -> tuple[list[Frame], list[Mention], SourceReading]:
    """The frames and mentions of a question: conditions read as stated, sources as framed."""
    frames = matcher.frames(doc)
    candidates = stated_conditions(doc, matcher.candidates(doc), frames)
    cited = read_sources(doc, candidates, frames, matcher.titles, known)
    kept = [  # "according to <source>" asks for no evidence: its opener is no intent cue
        m
        for m in candidates
        if m.kind != "source"
        and not (m.kind == "intent" and any(s <= m.start and m.end <= e for s, e in cited.frames))
    ]
    return frames, matcher.resolve(kept + list(cited.mentions)), cited


def _off_corpus(
    doc: Doc,
    frames: list[Frame],
    covered: set[int],
    corpus_lemmas: frozenset[str],
    known: frozenset[str],
    matcher: QuestionMatcher,
) -> tuple[list[str], list[str]]:
    """What the question asks for that no concept names and the corpus never mentions (a thing:
    "the best <shoes>"), and the names English does not know (a brand, a supplement); `known`:
    the words of the corpus and of English (`_known`)."""
    generic = matcher.cues.generic
    asked = [
        t.lower_
        for t in _uncovered(focus(doc, frames), covered, corpus_lemmas, generic)
        if _thing(t, known)
    ]
    names = [
        t.lower_
        for t in _uncovered(list(doc), covered, corpus_lemmas, generic)
        if t.lower_ not in known and not word_classes().get(t.lower_) and not _typo(t.lower_, known)
    ]
    return asked, names


def interpret(
    question: str, matcher: QuestionMatcher, corpus_lemmas: frozenset[str]
) -> Interpretation:
    """Read a question; intent `out_of_scope` when the corpus does not cover what it asks about
    (or it is not in English)."""
    doc = matcher.doc(question[:MAX_QUESTION_CHARS])
    known = _known(corpus_lemmas)
    language = language_of(doc.text, [t.lower_ for t in doc if t.is_alpha], known)
    if language != "en":
        return Interpretation(question=question, intent=OUT_OF_SCOPE, language=language)
    frames, mentions, cited = _read(doc, matcher, known)
    parts: dict[str, list[str]] = {kind: [] for kind in (*TOPICAL_KINDS, "direction", "intent")}
    for m in mentions:
        parts.setdefault(m.kind, []).append(m.key)
    subject, context = _split_activities(doc, mentions)
    context_tokens = {  # "after leg day" sets the scene; its words say nothing about the answer
        i
        for m in mentions
        if m.kind == "activity" and m.key in context
        for i in range(m.start, m.end)
    }
    content = [t for t in doc if t.is_alpha and not t.is_stop and len(t) > 1]
    covered = {i for m in mentions for i in range(m.start, m.end)}
    asked, names = _off_corpus(doc, frames, covered, corpus_lemmas, known, matcher)
    intents = {_slug(k).removeprefix("intent-") for k in parts["intent"]}
    strong = [m for m in mentions if m.kind in TOPICAL_KINDS and m.key not in context]
    out_of_scope = (
        (not strong and not (intents & CORPUS_INTENTS and not names))
        or bool(cited.unknown or asked)
        or (bool(names) and len(strong) <= len(names) and not parts["source"])
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
        terms=_ordered([t.lemma_.lower() for t in content if t.i not in context_tokens]),
        unknown_terms=_ordered([*cited.unknown, *asked, *names]),
        mentions=tuple(mentions),
    )
