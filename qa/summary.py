"""The summary: the bottom line first, then what each source says, what tells them apart, and
the figures of the quotes; 1-4 plain sentences, each resting on cited claims.

The bottom line gives each source's verdict on the question (its position on the asked goal, or
its advice on whether to do it at all, at its hedge) and how the verdicts relate; with three
sources or more, those that say the same are counted together ("three articles (A, B and C) say
..."). Verdicts come one per source that speaks, in the corpus's order of sources. A source that
softens itself among the cited claims ("though it allows ...") says so. Figures come from the
quotes themselves; a question for a figure the cited quotes lack is told so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.disagreements import VERDICT_KINDS
from kg.ontology import Ontology
from kg.positions import DIRECT, STRENGTH, Rules, slug
from kg.vocab import CONCEPT, KGQA
from qa.answer import Disagreement, Verdict
from qa.intents import INTENTS
from qa.interpret import Interpretation
from qa.rank import Candidate
from qa.select import Selection, position, whether
from qa.wording import HEDGES, Wording, wording

MAX_SENTENCES = 4
MAX_LISTED = 6
GROUPED_FROM = 3  # verdicts from this many sources up are counted together by what they say
# A figure as a quote gives it: a number or a range, and the word after it ("400-500 calories",
# "48 to 72 hours", "30-minute").
FIGURE = re.compile(
    r"\b\d+(?:[.,]\d+)?(?:\s*(?:-|\u2013|to)\s*\d+(?:[.,]\d+)?)?(?:-[a-z]+(?:\s[a-z]+(?:-[a-z]+)?)?|\s[a-z]+)?"
)
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class Summary:
    text: str
    bottom_line: str
    verdicts: tuple[Verdict, ...]


@dataclass(frozen=True)
class _Stand:
    """One source's verdict and the claims it rests on."""

    verdict: Verdict
    lead: Candidate
    clause: str  # "says running after leg day may harm muscle mass"
    softening: Candidate | None  # a cited claim of the same source on the other side
    said: tuple[str, str, str, str] = ("", "", "", "")  # position, goal label, hedge, subject


def figures(text: str) -> list[str]:
    return [m.group(0).strip() for m in FIGURE.finditer(text)]


def numbers(text: str) -> set[str]:
    return set(NUMBER.findall(text))


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return ""
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _grouped(stands: list[_Stand]) -> list[list[_Stand]]:
    """Stands that take one position on one goal, the largest group first, then in stands'
    order."""
    groups: dict[tuple[str, str], list[_Stand]] = {}
    for s in stands:
        groups.setdefault((s.said[0], s.said[1]), []).append(s)
    return sorted(groups.values(), key=lambda g: -len(g))


def _softness(hedge: str) -> int:
    return HEDGES.index(hedge) if hedge in HEDGES else len(HEDGES)


def join_words(items: list[str]) -> str:
    """Items joined as English lists them: a; a and b; a, b and c (each item once)."""
    items = list(dict.fromkeys(i for i in items if i))
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


class Summariser:
    """Writes answers' summaries in plain words (qa/data/wording.yaml, the ontology's labels)."""

    def __init__(
        self, ontology: Ontology, rules: Rules, labels: dict[str, str], sources: int
    ) -> None:
        self.ontology = ontology
        self.rules = rules
        self.labels = labels
        self.sources = sources
        self.words: Wording = wording()

    def label(self, iri: str) -> str:
        text = self.labels.get(iri, slug(iri).replace("-", " "))
        return text if text.isupper() else text[:1].lower() + text[1:]

    def subject(self, it: Interpretation, lead: Candidate) -> str:
        """What a source's lead claim speaks of, in words ("running after leg day"): the first
        asked activity it names (or a narrower or broader one), else its own activity when it
        names one, else "it"."""
        related = self.ontology.expanded_iris
        named = [
            a if a in lead.activities else mine  # asked of jogging, a claim on running: running
            for a in it.activities
            for mine in sorted(lead.activities)
            if a in lead.activities or mine in related(a) or a in related(mine)
        ]
        if not named and len(lead.activities) == 1:
            named = list(lead.activities)
        if not named:
            return "it"
        words = [self.label(named[0])]
        for context in it.context_activities[:1]:
            phrase = self.ontology.graph.value(CONCEPT[slug(context)], KGQA.contextPhrase)
            words.append(str(phrase) if phrase else f"after {self.label(context)}")
        return " ".join(words)

    def summarise(self, it: Interpretation, sel: Selection, lexical: bool) -> Summary:
        intent = INTENTS.get(it.intent)
        stands: list[_Stand] = []
        if intent is not None and intent.listing:
            sentences = self._listing(it, sel.citations, intent.verb, intent.option)
        else:
            stands = self._stands(it, sel)
            sentences = self._single(it, sel, stands)
        sentences = [s for s in sentences if s]
        if lexical:  # said right after the bottom line
            sentences.insert(1, self.words.lexical)
        sentences = sentences[:MAX_SENTENCES]
        bottom = sentences[0] if sentences else ""
        return Summary(" ".join(sentences), bottom, tuple(s.verdict for s in stands))

    # -- a single answer

    def _stands(self, it: Interpretation, sel: Selection) -> list[_Stand]:
        asked_whether = whether(it)
        found: list[_Stand] = []
        by_source: dict[str, list[Candidate]] = {}
        for c in sorted(sel.citations, key=lambda c: -c.score):
            by_source.setdefault(c.slug, []).append(c)
        for claims in by_source.values():
            placed = [c for c in claims if self.words.position(position(c))]
            if not placed:
                continue

            def order(c: Candidate) -> tuple[bool, bool, int, float]:
                on_goal = bool(set(it.goals) & c.goals)
                advice = c.kind in VERDICT_KINDS
                # on whether to do it, the most general advice: the fewest conditions and goals
                general = len(c.limits) * 10 + len(c.goals) if asked_whether else 0
                return (not (advice if asked_whether else on_goal), not on_goal, general, -c.score)

            lead = min(placed, key=order)
            subject = self.subject(it, lead)
            pos = self.words.position(position(lead))
            assert pos is not None
            goal = next((g for g in it.goals if g in lead.goals), None)
            if goal is None and pos.effect:
                goal = min(lead.goals, default=None)
            goal_label = self.label(goal) if goal and pos.effect else ""
            hedge = slug(lead.hedge)
            softening = next(
                (
                    c
                    for c in placed
                    if c is not lead
                    and not c.activities.isdisjoint(lead.activities)  # softens it on the same
                    and (p := self.words.position(position(c))) is not None
                    and {p.cls, pos.cls} == {"for", "against"}
                ),
                None,
            )
            chip = self.words.says(pos.slug, hedge, goal_label, "it")
            clause = (
                f"says {subject} {self.words.says(pos.slug, hedge, goal_label, subject)}"
                if pos.effect
                else self.words.says(pos.slug, hedge, goal_label, subject)
            )
            verdict = Verdict(
                slug=lead.slug,
                short_title=lead.short_title,
                position="mixed" if softening else pos.cls,
                chip=chip,
                goal=self.label(goal) if goal else "",
                claim=lead.claim,
            )
            said = (pos.slug, goal_label, hedge, subject)
            found.append(_Stand(verdict, lead, clause, softening, said))
        return sorted(found, key=lambda s: s.verdict.slug)

    def _single(self, it: Interpretation, sel: Selection, stands: list[_Stand]) -> list[str]:
        if not sel.citations:
            return []
        cross = next((d for d in sel.disagreements if not d.within_source), None)
        within = next((d for d in sel.disagreements if d.within_source), None)
        if cross is None and within is not None and len(stands) <= 1:
            sentences = [self._itself(within, sel.citations)]
        else:
            sentences = [self._bottom_line(it, stands, cross, sel.citations[0])]
        told = sentences[0]
        if stands:  # what each source says, in its lead claim's own paraphrase: one per verdict
            said = [(group[0].lead, group[0].softening) for group in _grouped(stands)[:2]]
        else:  # the bottom line gave the first citation; then the other source's first
            firsts: dict[str, Candidate] = {}
            for c in sel.citations:
                firsts.setdefault(c.slug, c)
            said = [(c, None) for c in list(firsts.values())[1:2]]
        for c, softening in said:
            text = f"{c.short_title} says {c.summary.rstrip('.')}"
            if softening is not None:
                text += f", though it also says {softening.summary.rstrip('.')}"
            sentences.append(_sentence(text))
            told += " " + sentences[-1]
        if cross is not None:
            sentences.append(self._reconcile(cross, sel.citations))
        asked = set(it.activities) | set(it.goals)
        on_it = [c for c in sel.citations if not asked or asked & (c.activities | c.goals)]
        cited_figures = [f for c in on_it for f in figures(c.quote)]
        intent = INTENTS.get(it.intent)
        if intent is not None and "QuantityClaim" in intent.kinds and not cited_figures:
            sentences.insert(0, self.words.no_figure)  # the bottom line of a question for a figure
        else:
            sentences += self._figures(sel.citations, told)
        return sentences

    def _itself(self, d: Disagreement, citations: tuple[Candidate, ...]) -> str:
        by_iri = {c.claim: c for c in citations}
        first, second = (by_iri[c] for c in d.claims[:2])
        return _sentence(
            self.words.itself.format(
                source=first.short_title,
                first=first.summary.rstrip("."),
                second=second.summary.rstrip("."),
            )
        )

    def _bottom_line(
        self,
        it: Interpretation,
        stands: list[_Stand],
        cross: Disagreement | None,
        first: Candidate,
    ) -> str:
        if not stands:
            return _sentence(f"{first.short_title} says {first.summary.rstrip('.')}")
        if len(stands) == 1:
            s = stands[0]
            if self.sources > 1 and not it.sources:  # not asked of that source alone
                head = self.words.only_one.format(source=s.verdict.short_title)
                return _sentence(f"{head} it {s.clause}")
            return _sentence(f"{s.verdict.short_title} {s.clause}")
        classes = {s.verdict.position for s in stands}
        subjects = {s.said[3] for s in stands}  # agreeing on two different things is no agreement
        if len(classes) == 1 and "mixed" not in classes and len(subjects) == 1:
            same_way = cross is not None and cross.type == STRENGTH
            opening = self.words.openings[STRENGTH if same_way else "agree"]
        elif cross is not None:
            opening = self.words.openings.get(cross.type, self.words.openings[DIRECT])
        else:
            opening = self.words.openings["differ"]
        if len(stands) < GROUPED_FROM:
            parts = [f"{s.verdict.short_title} {s.clause}" for s in stands]
        else:
            parts = [self._group(group) for group in _grouped(stands)]
        return _sentence(f"{opening} {'; '.join(parts)}")

    def _group(self, stands: list[_Stand]) -> str:
        """Sources that take one position on one goal: "three articles (A, B and C) say ...", at
        the softest hedge among them (what each of them says at least), or one by name."""
        if len(stands) == 1:
            return f"{stands[0].verdict.short_title} {stands[0].clause}"
        names = join_words([s.verdict.short_title for s in stands])
        count = self.words.number(len(stands))
        position, goal, _, subject = stands[0].said
        hedge = max((s.said[2] for s in stands), key=_softness)
        phrase = self.words.says_many(position, hedge, goal, subject)
        return f"{self.words.many.format(count=count, sources=names)} {phrase}"

    def _reconcile(self, d: Disagreement, citations: tuple[Candidate, ...]) -> str:
        """What may reconcile the sides, from the cited claims' conditions (the pair's first): two
        that oppose one another ("a hard run versus an easy run") before any other two."""
        by_iri = {c.claim: c for c in citations}
        claims = [by_iri[x] for x in d.claims if x in by_iri]
        found = [  # the pair's first, then those of the other cited claims
            caveat
            for c in claims + [c for c in citations if c not in claims]
            for caveat in sorted(set(d.reconciling_caveats) & c.caveats)
        ]
        found = list(dict.fromkeys(found))
        if not found:
            return ""
        opposed = [
            (a, b)
            for i, a in enumerate(found)
            for b in found[i + 1 :]
            if self.rules.opposed(slug(a), slug(b))
        ]
        words = [self.words.condition(slug(c), self.label(c)) for c in found]
        if opposed:
            one, other = (self.words.condition(slug(c), self.label(c)) for c in opposed[0])
            conditions = self.words.versus.format(one=one, other=other)
        elif len(words) > 1 and words[0] != words[1]:
            conditions = self.words.either.format(one=words[0], other=words[1])
        else:
            conditions = words[0]
        return self.words.reconcile.format(conditions=conditions)

    def _figures(self, citations: tuple[Candidate, ...], told: str) -> list[str]:
        """The figures of the cited quotes the sentences so far leave out, per source."""
        said = numbers(told)
        per_source: dict[str, list[str]] = {}
        for c in citations:
            for figure in figures(c.quote):
                if not numbers(figure) <= said:
                    per_source.setdefault(c.short_title, []).append(figure)
                    said |= numbers(figure)
        return [
            _sentence(self.words.figures.format(source=title, figures=join_words(found[:3])))
            for title, found in per_source.items()
        ]

    # -- a list

    def _listing(
        self, it: Interpretation, citations: tuple[Candidate, ...], verb: str, option: str
    ) -> list[str]:
        by_source: dict[str, list[Candidate]] = {}
        for c in citations:
            by_source.setdefault(c.short_title, []).append(c)
        sentences = []
        for title, claims in by_source.items():
            if option == "activities":
                names = [
                    self.label(a)
                    for c in claims
                    for a in sorted(c.activities)
                    if a not in it.activities
                ]
            elif option == "authority":
                names = [c.authority for c in claims if c.authority]
                unsupported = sum(c.source_needed for c in claims)
                if unsupported:
                    names.append(f"marks {unsupported} cited claim(s) [source needed]")
            else:
                names = [self.label(g) for c in claims for g in sorted(c.goals)]
            if names:
                sentences.append(_sentence(f"{title} {verb} {join_words(names[:MAX_LISTED])}"))
        return sentences[:3]
