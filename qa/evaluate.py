"""Score answers against a question file (format: shared/questions/README.md)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import InputError

SPACES = re.compile(r"\s+")
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def normalise(text: str) -> str:
    """Case-folded, curly quotes straight, non-breaking spaces plain, white space runs one space."""
    return SPACES.sub(" ", text.translate(QUOTES).casefold()).strip()


@dataclass
class Scores:
    """The figures of a run, and the questions that fell short."""

    group_recall: float
    conflict_right: float
    abstain_right: float
    quotes_exact: float
    misses: list[str]
    source_right: float = 1.0  # questions about one source answered from it only
    citations_mean: float = 0.0  # citations per answered question
    duplicate_answers: int = 0  # answers that cite one quote twice

    def to_json(self) -> dict[str, Any]:
        return {
            "group_recall": round(self.group_recall, 4),
            "conflict_right": round(self.conflict_right, 4),
            "abstain_right": round(self.abstain_right, 4),
            "quotes_exact": round(self.quotes_exact, 4),
            "source_right": round(self.source_right, 4),
            "citations_mean": round(self.citations_mean, 2),
            "duplicate_answers": self.duplicate_answers,
            "misses": self.misses,
        }


def read_questions(path: Path) -> list[dict[str, Any]]:
    """The question file's objects; InputError naming the line of a bad one."""
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: not JSON: {exc.msg}") from exc
        if not isinstance(item, dict) or not isinstance(item.get("q"), str):
            raise InputError(f"{path}:{number}: each line needs an object with a string `q`")
        items.append(item)
    return items


def score_answers(
    items: list[dict[str, Any]], answers: list[dict[str, Any]], texts: dict[str, str]
) -> Scores:
    """Score answers (the contract's JSON) against the questions; texts maps source slug -> text."""
    recalls: list[float] = []
    conflicts: list[bool] = []
    abstains: list[bool] = []
    exact: list[bool] = []
    misses: list[str] = []
    counts: list[int] = []
    sourced: list[bool] = []
    duplicates = 0
    for item, answer in zip(items, answers, strict=True):
        qid = str(item.get("id", item["q"]))
        citations = answer.get("citations", [])
        for c in citations:
            slug = c["source"].get("slug", "")
            exact.append(texts.get(slug, "")[c["start"] : c["end"]] == c["quote"])
        quotes = [normalise(c["quote"]) for c in citations]
        if citations:
            counts.append(len(citations))
        if len(set(quotes)) < len(quotes):
            duplicates += 1
            misses.append(f"{qid}: cites one quote twice")
        groups = item.get("groups") or []
        if groups:
            met = sum(any(normalise(p) in q for p in group for q in quotes) for group in groups)
            recalls.append(met / len(groups))
            if met < len(groups):
                misses.append(f"{qid}: {met}/{len(groups)} groups")
        only = item.get("only")
        if only:
            alone = all(c["source"].get("slug") == only for c in citations)
            sourced.append(alone)
            if not alone:
                misses.append(f"{qid}: cites a source other than {only}")
        if "conflict" in item:
            slugs_per = [
                {c["source"]["slug"] for c in citations if c["claim"] in d["claims"]}
                for d in answer.get("disagreements", [])
            ]
            reported = any(len(s) >= 2 for s in slugs_per)
            right = reported if item["conflict"] else not answer.get("disagreements")
            conflicts.append(right)
            if not right:
                misses.append(f"{qid}: conflict should be {item['conflict']}")
        if item.get("abstain"):
            right = answer.get("status") == "no_answer" and not citations
            abstains.append(right)
            if not right:
                misses.append(f"{qid}: should abstain")
    return Scores(
        group_recall=sum(recalls) / len(recalls) if recalls else 1.0,
        conflict_right=sum(conflicts) / len(conflicts) if conflicts else 1.0,
        abstain_right=sum(abstains) / len(abstains) if abstains else 1.0,
        quotes_exact=sum(exact) / len(exact) if exact else 1.0,
        misses=misses,
        source_right=sum(sourced) / len(sourced) if sourced else 1.0,
        citations_mean=sum(counts) / len(counts) if counts else 0.0,
        duplicate_answers=duplicates,
    )
