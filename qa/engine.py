"""The question-answering engine: built once over a store, then `ask` for each question."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from kg.errors import InputError
from kg.ontology import Ontology, proposed_concept_triples, store_ontology
from kg.positions import Rules
from kg.store import Store
from kg.store import term_text as _value
from qa.answer import Answer
from qa.hints import Hint, load_hints
from qa.intents import INTENTS, LEXICAL, OUT_OF_SCOPE, intent
from qa.interpret import MAX_QUESTION_CHARS, Interpretation, interpret
from qa.nlp import QuestionMatcher, blank_english
from qa.query import QueryBuilder
from qa.rank import Candidate, Ranker
from qa.retrieve import ClaimIndex
from qa.select import CitationSelector
from qa.startup import (
    TEXTS_QUERY,
    EngineData,
    base_of,
    load,
    question_labels,
    save,
    saved_path,
    work_out,
)
from qa.summary import Summariser, join_words
from qa.wording import wording

MAX_INPUT_CHARS = 2000
NAMED_SOURCES = 3  # sources named in what the corpus covers; past that, counted
CACHED_ANSWERS = 4096  # answers kept per engine, least recently asked dropped first
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
        saved: bool = True,
        save_later: bool = False,
        previous: Engine | None = None,
    ) -> None:
        """With include_proposed, claims proposed by `kgqa ingest` and not yet reviewed are
        answered from too (each citation says so); by default they are left out. What the engine
        reads from the store and works out with spaCy comes from the copy saved beside the build
        (qa.startup) unless `saved` is False or an ontology or hints are handed in. `previous`:
        the engine this one replaces (a server swapping a new build in); what does not change
        with the build is taken from it (the ontology and hints, when the proposed concepts are
        the same), and its data is the base an incremental build's is worked out from."""
        self.store = store
        self.include_proposed = include_proposed
        nlp = blank_english()
        path = saved_path(store, include_proposed) if saved and not (ontology or hints) else None
        data = load(path, store.build_id, include_proposed) if path else None
        self.from_saved = data is not None  # else worked out now
        self.from_base = False  # ... from an earlier build's saved data (an incremental build)
        self._unsaved: tuple[Path, EngineData] | None = None
        self.ontology: Ontology
        self.hints: tuple[Hint, ...]
        self.data: EngineData
        proposed = data.proposed_concepts if data else proposed_concept_triples(store)
        if (
            previous is not None
            and previous.data.proposed_concepts == proposed
            and not (ontology or hints)
        ):
            self.ontology, self.hints = previous.ontology, previous.hints
        else:
            self.ontology = ontology or store_ontology(proposed)
            self.hints = load_hints(self.ontology) if hints is None else hints
        if data is None:
            known = previous.data if previous is not None else None
            base = base_of(store, include_proposed, known) if path else None
            self.from_base = base is not None
            data = work_out(store, include_proposed, nlp, self.ontology, self.hints, proposed, base)
            if path:
                self._unsaved = (path, data)
        self.data = data
        if not save_later:
            self.save_start_up_data()
        self.rules = Rules(self.ontology)
        self.builder = QueryBuilder(self.ontology, include_proposed)
        self.sources, names = data.source_infos()
        self.matcher = QuestionMatcher(
            nlp, question_labels(self.ontology, self.hints, names), patterns=data.patterns
        )
        self.corpus_lemmas = data.corpus_lemmas()
        self.catalog = data.catalog()
        self.index = ClaimIndex(self.catalog, self.builder)
        self.labels = self.ontology.pref_labels
        short_titles = {iri: s.short_title for iri, s in self.sources.items()}
        self.ranker = Ranker(self.catalog, self.ontology, short_titles, data.claim_words, data.idf)
        self.selector = CitationSelector(self.catalog, self.rules, self.labels)
        self.summariser = Summariser(self.ontology, self.rules, self.labels, len(self.sources))
        self.coverage = self._coverage(data.coverage)
        self._answers: OrderedDict[tuple[object, ...], Answer] = OrderedDict()
        self._answers_lock = threading.Lock()
        self.cache_hits = 0

    def save_start_up_data(self) -> None:
        """Save what was worked out at start beside the build, for the next start (at once unless
        the engine was made with save_later: a server swapping a build in saves it after)."""
        if self._unsaved is not None:
            save(*self._unsaved)
            self._unsaved = None

    @cached_property
    def texts(self) -> dict[str, str]:
        """Each document's text by source slug (source pages and `kgqa eval` read them; answers
        do not), read from the store the first time they are asked for."""
        return {
            _value(r["slug"]) or "": _value(r["text"]) or "" for r in self.store.select(TEXTS_QUERY)
        }

    def _coverage(self, goal_iris: list[str]) -> str:
        goals = [self.labels.get(iri, "") for iri in goal_iris]
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
