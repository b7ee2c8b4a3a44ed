"""The question-answering engine: built once over a store, then `ask` for each question."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from itertools import combinations, product, zip_longest

from spacy.language import Language

from kg.disagreements import VERDICT_KINDS, DisagreementRow
from kg.errors import InputError
from kg.ontology import Ontology, load_ontology
from kg.positions import Rules, slug
from kg.store import Store
from kg.store import term_text as _value
from kg.vocab import CONCEPT
from qa.answer import LIST_INTENTS, Answer, Disagreement
from qa.catalog import Catalog
from qa.hints import Hint, load_hints
from qa.interpret import MAX_QUESTION_CHARS, Interpretation, interpret
from qa.nlp import RARITY_COMPONENT, ConceptMatcher, Label, blank_english
from qa.query import QueryBuilder
from qa.rank import Candidate, inverse_document_frequency, score
from qa.retrieve import ClaimIndex
from qa.summary import summarise

MAX_INPUT_CHARS = 2000
KEEP_SHARE = 0.45  # a citation must score at least this share of the best one
CITED = {"list": 12, "single": 8}
FALLBACK_INTENT = {"disagreement": "effect", "mechanism": "effect", "evidence": "source"}
MAX_SIDES = 3  # a single answer cites the best-scoring (source, stance) sides, taking turns
DISPUTED_BONUS = 3.0  # asked where sources disagree: claims on either side of a disagreement first
PAIR_POOL = 3  # a disagreement's pair is chosen among each side's best few candidates
RANKED = 400  # candidates kept after scoring (a corpus of millions of triples matches thousands)
CACHED_ANSWERS = 4096  # answers kept per engine, least recently asked dropped first
SOURCES_QUERY = """
SELECT ?source ?slug ?title ?short ?publisher ?alias WHERE {
  ?source a kgqa:Source ; kgqa:slug ?slug ; dcterms:title ?title .
  OPTIONAL { ?source schema:headline ?short }
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


def _hedged(c: Candidate) -> bool:
    """A claim that takes no side ("it depends", "only if") yields its turn to those that do; a
    recommendation's side is its stance."""
    side = c.direction or c.stance
    return side is None or side.endswith(("/depends", "/conditional"))


class Engine:
    """Answers questions from one store; build once (spaCy pipeline, labels) and reuse."""

    def __init__(
        self, store: Store, ontology: Ontology | None = None, hints: tuple[Hint, ...] | None = None
    ) -> None:
        self.store = store
        self.ontology = ontology or load_ontology()
        self.rules = Rules(self.ontology)
        self.hints = load_hints(self.ontology) if hints is None else hints
        self.builder = QueryBuilder(self.ontology)
        self.sources = self._sources()
        nlp = blank_english()
        self.matcher = ConceptMatcher(nlp, self._labels())
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
        self.catalog = Catalog(store)
        self.index = ClaimIndex(self.catalog, self.builder)
        self.claim_words = self._claim_words(nlp)
        self.idf = inverse_document_frequency(list(self.claim_words.values()))
        self.labels = self.ontology.pref_labels
        self.coverage = self._coverage()
        self._answers: OrderedDict[tuple[object, ...], Answer] = OrderedDict()
        self._answers_lock = threading.Lock()
        self.cache_hits = 0

    def _claim_words(self, nlp: Language) -> dict[str, frozenset[str]]:
        """Each claim's quoted words and their lemmas, for lexical ranking."""
        claims = list(self.catalog.facets.items())
        docs = nlp.pipe((f.quote for _, f in claims), disable=[RARITY_COMPONENT])
        return {
            claim: frozenset(
                w for t in doc if t.is_alpha or t.is_digit for w in (t.lower_, t.lemma_.lower())
            )
            for (claim, _), doc in zip(claims, docs, strict=True)
        }

    def _sources(self) -> dict[str, SourceInfo]:
        found: dict[str, SourceInfo] = {}
        self._source_names: list[tuple[str, str]] = []
        for row in self.store.select(SOURCES_QUERY):
            iri, title = _value(row["source"]) or "", _value(row["title"]) or ""
            short = _value(row["short"]) or re.split(r"[:?]", title)[0].strip() or title
            found[iri] = SourceInfo(iri, _value(row["slug"]) or "", title, short)
            for name in (title, short, _value(row["publisher"]), _value(row["alias"])):
                if name:
                    self._source_names.append((iri, name))
        return found

    def _labels(self) -> list[Label]:
        labels = [
            Label(str(c.iri), c.kind, text)
            for c in self.ontology.concepts.values()
            if c.kind in ("activity", "goal", "caveat", "direction", "intent")
            for text in (c.pref_label, *c.alt_labels)
        ]
        labels += [
            Label(str(h.concept), self.ontology.concepts[h.concept].kind, h.text, h.sense)
            for h in self.hints
        ]
        labels += [Label(iri, "source", name) for iri, name in self._source_names]
        labels += [
            Label(str(a.iri), "authority", text)
            for a in self.ontology.authorities.values()
            for text in (a.name, *a.alt_labels)
        ]
        return labels

    def _coverage(self) -> str:
        goals = [
            self.labels.get(_value(r["goal"]) or "", "") for r in self.store.select(COVERAGE_QUERY)
        ]
        titles = " and ".join(s.short_title for s in self.sources.values())
        return f"The corpus ({titles}) covers running after a leg-day workout: {', '.join(g for g in goals if g)}."

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
        if it.intent == "out_of_scope":
            return self._no_answer(it, "")
        template = self._template(it)
        ranked = self._ranked(it, template)
        method = "structured"
        if not ranked and it.intent in FALLBACK_INTENT:  # e.g. no disagreement: what each says
            template = FALLBACK_INTENT[it.intent]
            ranked = self._ranked(it, template)
        if not ranked:
            template = "lexical"
            ranked = [c for c in self._ranked(it, template) if c.score > 0]
            method = "lexical"
        sparql = self.builder.build(it, template)  # the query that selects these claims
        if not ranked:
            return self._no_answer(it, sparql)
        cited, disagreements = self._select_citations(it, ranked)
        return Answer(
            interpretation=it,
            status="answered",
            summary=summarise(it, cited, disagreements, self.labels, lexical=method == "lexical"),
            sparql=sparql,
            citations=cited,
            disagreements=tuple(d for d in disagreements if not d.within_source),
            consensus=self._consensus(cited),
            method=method,
            labels=self.labels,
        )

    @staticmethod
    def _template(it: Interpretation) -> str:
        """A question about where sources disagree on a named topic is answered from every claim on
        it, so that agreement shows as plainly as disagreement."""
        if it.intent == "disagreement" and (it.activities or it.goals or it.caveats):
            return "effect"
        return it.intent

    def _no_answer(self, it: Interpretation, sparql: str) -> Answer:
        unknown = f" (nothing on: {', '.join(it.unknown_terms[:5])})" if it.unknown_terms else ""
        summary = f"The corpus has nothing on this{unknown}. {self.coverage}"
        if it.language != "en":
            summary = "Only English questions are understood."
        return Answer(
            interpretation=Interpretation(**{**it.__dict__, "intent": "out_of_scope"}),
            status="no_answer",
            summary=summary,
            sparql=sparql,
            method="none",
            labels=self.labels,
        )

    def _ranked(self, it: Interpretation, template: str) -> list[Candidate]:
        """The claims the template selects (found in the claim index: the same claims as its
        query, tested), best first."""
        facets_of = self.catalog.facets
        scored = []
        for claim in self.index.select(it, template):
            facets = facets_of[claim]
            points = score(facets, it, self.ontology, self.idf, self.claim_words.get(claim))
            if it.intent == "disagreement" and claim in self.catalog.disputed:
                points += DISPUTED_BONUS
            scored.append((-points, facets.slug, facets.start, claim))
        scored.sort()
        passages: set[tuple[str, int]] = set()  # one claim per passage: the best-scored
        best = []
        for points, source, start, claim in scored:
            if (source, start) not in passages:
                passages.add((source, start))
                best.append((points, claim))
        return [self._candidate(claim, -points) for points, claim in best[:RANKED]]

    def _candidate(self, claim: str, points: float) -> Candidate:
        facets = self.catalog.facets[claim]
        info = self.sources.get(facets.source)
        return Candidate(
            claim=claim,
            kind=facets.kind,
            slug=facets.slug,
            title=facets.title,
            short_title=info.short_title if info else facets.title,
            quote=facets.quote,
            start=facets.start,
            end=facets.end,
            summary=facets.summary,
            hedge=facets.hedge,
            direction=facets.direction,
            stance=facets.stance,
            instead_of=facets.instead_of,
            activities=facets.activities,
            goals=facets.goals,
            caveats=facets.caveats,
            authority=facets.authority,
            source_needed=facets.source_needed,
            source_iri=facets.source,
            score=points,
        )

    def _facet(self, it: Interpretation, c: Candidate) -> str:
        if it.intent == "alternatives":
            return " ".join(sorted(c.activities))
        if it.intent == "evidence":
            return c.authority or c.claim
        return " ".join(sorted(c.goals)) or c.claim

    def _select_citations(
        self, it: Interpretation, ranked: list[Candidate]
    ) -> tuple[tuple[Candidate, ...], tuple[Disagreement, ...]]:
        best = ranked[0].score
        listing = it.intent in LIST_INTENTS
        pool = (
            ranked if listing else [c for c in ranked if c.score >= KEEP_SHARE * best] or ranked[:1]
        )
        limit = CITED["list"] if listing else CITED["single"]
        groups: dict[str, list[Candidate]] = {}
        for (
            c
        ) in pool:  # lists: one per facet first; otherwise take turns between sources and stances
            side = self._facet(it, c) if listing else f"{c.slug} {c.direction or c.stance}"
            groups.setdefault(side, []).append(c)
        if listing:
            ordered = [c for turn in zip_longest(*groups.values()) for c in turn if c is not None]
        else:  # the two leading sides take turns; a third side gets its best claim
            sides = sorted(groups.values(), key=lambda g: (_hedged(g[0]), -g[0].score))
            main = [c for turn in zip_longest(*sides[:2]) for c in turn if c is not None]
            extra = [side[0] for side in sides[2:MAX_SIDES]]
            ordered = main[: limit - len(extra)] + extra + main[limit - len(extra) :]
        chosen = ordered[:limit]
        disagreements = self._disagreements(ranked[:60], chosen)
        for d in disagreements:
            if not d.within_source:
                chosen += [c for c in ranked if c.claim in d.claims and c not in chosen]
        cited = tuple(sorted(chosen, key=lambda c: -c.score))
        cited_iris = {c.claim for c in cited}
        kept = tuple(d for d in disagreements if set(d.claims) <= cited_iris)
        return cited, kept

    def _disagreements(
        self, candidates: list[Candidate], chosen: list[Candidate]
    ) -> list[Disagreement]:
        """The best-ranked disagreement per topic among the candidates: across sources when one
        side is cited, within a source only when both are."""
        rank = {c.claim: i for i, c in enumerate(candidates)}
        chosen_iris = {c.claim for c in chosen}
        found: list[tuple[int, Disagreement]] = []
        facets = self.catalog.facets
        for row in self.catalog.among(set(rank)):
            claims = self._opposed_pair(row, rank)
            if claims is None or not chosen_iris & set(claims):
                continue
            if row.within_source and not set(claims) <= chosen_iris:
                continue
            found.append(
                (
                    rank[claims[0]] + rank[claims[1]],
                    Disagreement(
                        topic=row.topic,
                        claims=claims,
                        within_source=row.within_source,
                        reconciling_caveats=tuple(
                            c for c in row.caveats if any(c in facets[x].caveats for x in claims)
                        ),
                        type=row.type,
                        type_label=self.labels.get(str(CONCEPT[row.type]), row.type),
                        id=row.iri,
                    ),
                )
            )
        found.sort(key=lambda pair: (pair[1].dissolves, pair[0], pair[1].id))
        cross = [d for _, d in found if not d.within_source][:2]
        return cross + [d for _, d in found if d.within_source][:2]

    def _opposed_pair(self, row: DisagreementRow, rank: dict[str, int]) -> tuple[str, str] | None:
        """The best-ranked two candidates on opposed (or firmer and softer) sides of a
        disagreement, from two sources when it is across the sources; on whether to do it at
        all, the advice itself before the effects that argue for it."""
        facets = self.catalog.facets

        def order(claim: str) -> tuple[bool, int]:
            return (row.goal is None and facets[claim].kind not in VERDICT_KINDS, rank[claim])

        by_side: dict[int, list[str]] = {}
        for claim in rank:
            side = row.side_of.get(claim)
            if side is not None:
                by_side.setdefault(side, []).append(claim)
        best: tuple[tuple[bool, int], tuple[str, str]] | None = None
        for i, j in combinations(sorted(by_side), 2):
            a_pos, b_pos = slug(row.sides[i].position), slug(row.sides[j].position)
            if not (self.rules.opposed(a_pos, b_pos) or self.rules.stronger(a_pos, b_pos)):
                continue
            mine = sorted(by_side[i], key=order)[:PAIR_POOL]
            theirs = sorted(by_side[j], key=order)[:PAIR_POOL]
            for a, b in product(mine, theirs):
                if not row.within_source and facets[a].slug == facets[b].slug:
                    continue
                key = (order(a)[0] or order(b)[0], rank[a] + rank[b])
                if best is None or key < best[0]:
                    best = (key, (a, b) if rank[a] <= rank[b] else (b, a))
        return best[1] if best else None

    def _consensus(self, cited: tuple[Candidate, ...]) -> dict[str, list[str]]:
        stances: dict[str, set[str]] = {}
        for c in cited:
            stance = c.direction or c.stance
            if stance:
                stances.setdefault(self.labels.get(stance, stance), set()).add(c.slug)
        return {k: sorted(v) for k, v in sorted(stances.items())}
