"""The plain-text summary of an answer: 1-4 sentences, each resting on cited claims."""

from __future__ import annotations

from collections import defaultdict

from kg.positions import AUDIENCE, CONDITIONS, STRENGTH
from qa.answer import Disagreement
from qa.interpret import Interpretation
from qa.rank import Candidate

MAX_LISTED = 8
# How a summary opens on a disagreement across sources, by its type.
OPENINGS = {
    "": "The sources disagree.",
    CONDITIONS: "The sources differ, but each speaks of different conditions.",
    AUDIENCE: "The sources differ, but each speaks to different readers.",
    STRENGTH: "The sources lean the same way, one more firmly.",
}


def _sentence(text: str) -> str:
    text = text.strip()
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _join(items: list[str]) -> str:
    items = list(dict.fromkeys(items))
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _by_source(citations: tuple[Candidate, ...]) -> dict[str, list[Candidate]]:
    grouped: dict[str, list[Candidate]] = defaultdict(list)
    for c in citations:
        grouped[c.short_title].append(c)
    return grouped


def _disagreement(
    d: Disagreement, by_iri: dict[str, Candidate], caveat_labels: list[str]
) -> list[str]:
    sides: dict[str, Candidate] = {}
    for iri in d.claims:
        c = by_iri[iri]
        sides.setdefault(c.short_title, c)
    if d.within_source:
        first, *others = (by_iri[i] for i in d.claims)
        also = _join([f"that {c.summary}" for c in others])
        sentences = [_sentence(f"{first.short_title} says {first.summary}, but also {also}")]
    else:
        parts = [f"{title} says {c.summary}" for title, c in sides.items()]
        sentences = [OPENINGS.get(d.type, OPENINGS[""]), _sentence("; ".join(parts))]
    if caveat_labels:
        sentences.append(f"The conditions that tell them apart: {_join(caveat_labels)}.")
    return sentences


def _allowance(
    d: Disagreement, by_iri: dict[str, Candidate], citations: tuple[Candidate, ...]
) -> str | None:
    """A cited claim in which one side concedes the other's direction ("though it allows that ...")."""
    first = {by_iri[i].slug: by_iri[i] for i in d.claims}
    for slug in first:
        others = [o for s, o in first.items() if s != slug]
        for c in citations:
            if (
                c.slug == slug
                and c.claim not in d.claims
                and others
                and c.direction == others[0].direction
            ):
                return f"{c.short_title} also allows that {c.summary}."
    return None


def _listing(
    it: Interpretation, citations: tuple[Candidate, ...], labels: dict[str, str]
) -> list[str]:
    sentences = []
    for title, claims in _by_source(citations).items():
        if it.intent == "alternatives":
            names = [
                labels.get(a, a)
                for c in claims
                for a in sorted(c.activities)
                if a not in it.activities
            ]
        elif it.intent == "evidence":
            unsupported = sum(c.source_needed for c in claims)
            names = [c.authority for c in claims if c.authority]
            if unsupported:
                names.append(f"marks {unsupported} cited claim(s) [source needed]")
        else:
            names = [labels.get(g, g) for c in claims for g in sorted(c.goals)]
        verb = {
            "alternatives": "suggests",
            "evidence": "credits",
            "benefits": "names benefits for",
        }.get(it.intent, "names")
        if it.intent == "drawbacks":
            verb = "names drawbacks for"
        if names:
            sentences.append(f"{title} {verb} {_join(names[:MAX_LISTED])}.")
    return sentences[:3]


def summarise(
    it: Interpretation,
    citations: tuple[Candidate, ...],
    disagreements: tuple[Disagreement, ...],
    labels: dict[str, str],
    lexical: bool,
) -> str:
    """1-4 plain sentences, from the cited claims' own paraphrases."""
    by_iri = {c.claim: c for c in citations}
    sentences: list[str] = []
    if lexical:
        sentences.append(
            "No claim matched the question's concepts exactly; these passages come closest in wording."
        )
    if disagreements:
        d = next((x for x in disagreements if not x.within_source), disagreements[0])
        caveats = [labels.get(c, c) for c in d.reconciling_caveats]
        sentences.extend(_disagreement(d, by_iri, caveats))
        allowance = _allowance(d, by_iri, citations)
        if allowance:
            sentences.insert(len(sentences) - (1 if caveats else 0), allowance)
    elif it.intent in ("alternatives", "benefits", "drawbacks", "evidence"):
        sentences.extend(_listing(it, citations, labels))
    else:
        grouped = _by_source(citations)
        if (
            len({c.slug for c in citations if c.direction}) > 1
            and len({c.direction for c in citations if c.direction}) == 1
        ):
            sentences.append("The sources agree.")
        for title, claims in list(grouped.items())[:3]:
            sentences.append(_sentence(f"{title} says {claims[0].summary}"))
    return " ".join(sentences[:4])
