"""The question-answering engine: built once over a store, then `ask` for each question."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

from kg.errors import InputError
from kg.matching import authority_labels, concept_labels
from kg.ontology import Ontology, load_store_ontology
from kg.positions import Rules
from kg.store import Store
from kg.store import term_text as _value
from qa.answer import Answer
from qa.catalog import Catalog
from qa.hints import Hint, load_hints
from qa.intents import INTENTS, LEXICAL, OUT_OF_SCOPE, intent
from qa.interpret import MAX_QUESTION_CHARS, Interpretation, interpret
from qa.nlp import RARITY_COMPONENT, Label, QuestionMatcher, blank_english
from qa.query import QueryBuilder
from qa.rank import Candidate, Ranker
from qa.retrieve import ClaimIndex
from qa.select import CitationSelector
from qa.summary import Summariser, join_words
from qa.wording import wording

MAX_INPUT_CHARS = 2000
NAMED_SOURCES = 3  # sources named in what the corpus covers; past that, counted
CACHED_ANSWERS = 4096  # answers kept per engine, least recently asked dropped first
SOURCES_QUERY = """
SELECT ?source ?slug ?title ?short ?publisher ?alias ?url WHERE {
  ?source a kgqa:Source ; kgqa:slug ?slug ; dcterms:title ?title .
  OPTIONAL { ?source schema:headline ?short }
  OPTIONAL { ?source schema:url ?url }
  OPTIONAL { ?source dcterms:publisher ?publisher }
  OPTIONAL { ?source schema:alternateName ?alias }
} ORDER BY ?slug"""
TEXTS_QUERY = (
    "SELECT ?slug ?text WHERE { ?source a kgqa:Source ; kgqa:slug ?slug ; schema:text ?text }"
)
COVERAGE_QUERY = """
SELECT ?goal (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a kgqa:Claim ; kgqa:goal ?goal }
GROUP BY ?goal ORDER BY DESC(?n) ?goal LIMIT 8"""
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class SourceInfo:
    iri: str
    slug: str
    title: str
    short_title: str
    url: str | None = None  # where it was published
    publisher: str | None = None


def clean_question(question: str) -> str:
    """The question as asked, checked: InputError when empty or too long."""
    if not isinstance(question, str):
        raise InputError("the question must be text")
    text = CONTROL.sub(" ", question).strip()
    if not text:
        raise InputError("the question is empty")
    if len(text) > MAX_INPUT_CHARS:
        raise InputError(
            f"the question is {len(text)} characters long; the limit is {MAX_INPUT_CHARS}"
        )
    return text


class Engine:
    """Answers questions from one store; build once (spaCy pipeline, labels) and reuse."""

    def __init__(
        self,
        store: Store,
        ontology: Ontology | None = None,
        hints: tuple[Hint, ...] | None = None,
        *,
        include_proposed: bool = False,
    ) -> None:
        """With include_proposed, claims proposed by `kgqa ingest` and not yet reviewed are
        answered from too (each citation says so); by default they are left out."""
        self.store = store
        self.include_proposed = include_proposed
        self.ontology = ontology or load_store_ontology(store)
        self.rules = Rules(self.ontology)
        self.hints = load_hints(self.ontology) if hints is None else hints
        self.builder = QueryBuilder(self.ontology, include_proposed)
        self.sources = self._sources()
        nlp = blank_english()
        self.matcher = QuestionMatcher(nlp, self._labels())
        self.texts = {
            _value(r["slug"]) or "": _value(r["text"]) or "" for r in self.store.select(TEXTS_QUERY)
        }
        self.corpus_lemmas = frozenset(
            w
            for doc in nlp.pipe(self.texts.values(), disable=[RARITY_COMPONENT])
            for t in doc
            if t.is_alpha
            for w in (t.lower_, t.lemma_.lower())
        )
        self.catalog = Catalog(store, include_proposed)
        self.index = ClaimIndex(self.catalog, self.builder)
        self.labels = self.ontology.pref_labels
        short_titles = {iri: s.short_title for iri, s in self.sources.items()}
        self.ranker = Ranker(self.catalog, self.ontology, short_titles, nlp)
        self.selector = CitationSelector(self.catalog, self.rules, self.labels)
        self.summariser = Summariser(self.ontology, self.labels, len(self.sources))
        self.coverage = self._coverage()
        self._answers: OrderedDict[tuple[object, ...], Answer] = OrderedDict()
        self._answers_lock = threading.Lock()
        self.cache_hits = 0

    def _sources(self) -> dict[str, SourceInfo]:
        found: dict[str, SourceInfo] = {}
        self._source_names: list[tuple[str, str]] = []
        for row in self.store.select(SOURCES_QUERY):
            iri, title = _value(row["source"]) or "", _value(row["title"]) or ""
            short = _value(row["short"]) or re.split(r"[:?]", title)[0].strip() or title
            publisher = _value(row["publisher"])
            found[iri] = SourceInfo(
                iri, _value(row["slug"]) or "", title, short, _value(row["url"]), publisher
            )
            for name in (title, short, publisher, _value(row["alias"])):
                if name:
                    self._source_names.append((iri, name))
        return found

    def _labels(self) -> list[Label]:
        labels = concept_labels(self.ontology)
        labels += [
            Label(str(h.concept), self.ontology.concepts[h.concept].kind, h.text, h.sense)
            for h in self.hints
        ]
        labels += [Label(iri, "source", name) for iri, name in self._source_names]
        return labels + authority_labels(self.ontology)

    def _coverage(self) -> str:
        goals = [
            self.labels.get(_value(r["goal"]) or "", "") for r in self.store.select(COVERAGE_QUERY)
        ]
        words = wording()
        titles = [s.short_title for s in self.sources.values()]
        if len(titles) <= NAMED_SOURCES:
            corpus = words.corpus_named.format(sources=join_words(titles))
        else:
            named = ", ".join(titles[:NAMED_SOURCES])
            corpus = words.corpus_counted.format(count=len(titles), sources=named)
        covered = ", ".join(g for g in goals if g)
        return f"{corpus} covers running after a leg-day workout: {covered}."

    def interpret(self, question: str) -> Interpretation:
        return interpret(
            clean_question(question)[:MAX_QUESTION_CHARS], self.matcher, self.corpus_lemmas
        )

    def ask(self, question: str, *, cached: bool = True) -> Answer:
        """Answer one question; InputError for an empty or over-long one.

        Answers are cached by what the question was understood to ask (`Interpretation.key`) and
        the build they come from, so two wordings of one question share an answer and a new build
        never serves an old one."""
        it = interpret(clean_question(question), self.matcher, self.corpus_lemmas)
        key = (self.store.build_id, *it.key())
        if cached:
            with self._answers_lock:
                hit = self._answers.get(key)
                if hit is not None:
                    self._answers.move_to_end(key)
                    self.cache_hits += 1
            if hit is not None:
                return replace(
                    hit,
                    interpretation=replace(
                        hit.interpretation, question=it.question, mentions=it.mentions
                    ),
                )
        answer = self._answer(it)
        with self._answers_lock:
            self._answers[key] = answer
            if len(self._answers) > CACHED_ANSWERS:
                self._answers.popitem(last=False)
        return answer

    def _answer(self, it: Interpretation) -> Answer:
        """Chain the stages: retrieve (the intent's selector, then its fallback, then wording
        alone), rank, select the citations, summarise."""
        if it.intent == OUT_OF_SCOPE:
            return self._no_answer(it, "")
        ranked: list[Candidate] = []
        used = LEXICAL.name
        conditions = self.ranker.asked_conditions(it)
        for name in self._plan(it):
            found = self.ranker.rank(it, intent(name).claims(self.index, it), conditions)
            ranked = [c for c in found if c.score > 0] if name == LEXICAL.name else found
            if ranked:
                used = name
                break
        sparql = self.builder.build(it, used)  # the query that selects these claims
        if not ranked:
            return self._no_answer(it, sparql)
        selection = self.selector.select(it, ranked, conditions)
        lexical = used == LEXICAL.name
        summary = self.summariser.summarise(it, selection, lexical)
        return Answer(
            interpretation=it,
            status="answered",
            summary=summary.text,
            sparql=sparql,
            citations=selection.citations,
            disagreements=tuple(d for d in selection.disagreements if not d.within_source),
            verdicts=summary.verdicts,
            sides=selection.sides,
            bottom_line=summary.bottom_line,
            method="lexical" if lexical else "structured",
            labels=self.labels,
        )

    @staticmethod
    def _plan(it: Interpretation) -> list[str]:
        """The selectors to try in turn: the intent's own (or, when the question names a concept,
        the one it answers on a topic with), its fallback, then wording alone."""
        asked = INTENTS[it.intent]
        named = bool(it.activities or it.goals or it.caveats)
        first = asked.on_topic if named and asked.on_topic else asked.name
        return [n for n in (first, asked.fallback, LEXICAL.name) if n]

    def _no_answer(self, it: Interpretation, sparql: str) -> Answer:
        unknown = f" (nothing on: {', '.join(it.unknown_terms[:5])})" if it.unknown_terms else ""
        summary = f"The corpus has nothing on this{unknown}. {self.coverage}"
        if it.language != "en":
            summary = "Only English questions are understood."
        return Answer(
            interpretation=Interpretation(**{**it.__dict__, "intent": OUT_OF_SCOPE}),
            status="no_answer",
            summary=summary,
            sparql=sparql,
            method="none",
            labels=self.labels,
        )
