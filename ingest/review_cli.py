"""`kgqa review SOURCE`: one key per decision. Parsing and terminal I/O only; the decisions
are ingest.review's."""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import click
import yaml

from ingest.flags import ASPECTS, Flag, open_flags
from ingest.review import Claim, Review, find_source, rebuild
from kg.cli import data_dir_option
from kg.config import data_dir as default_data_dir
from kg.config import library_dir
from kg.errors import InputError
from kg.ontology import Ontology, concept_files, load_ontology

SENTENCE_END = re.compile(r"[.!?]\s|\n")
KEYS = {
    "claim": "[a]ccept  [e]dit  [r]eject  [u]ndo  [s]kip  [q]uit",
    "flag": "[a] keep it  [e] change it  [r] reject it  [u]ndo  [s]kip  [q]uit",
}
DONE = {"accept": "accepted", "keep": "kept", "edit": "edited", "reject": "rejected"}


@dataclass(frozen=True)
class Item:
    """A claim to decide on: proposed, or questioned by readers' flags."""

    claim_id: str
    flags: tuple[Flag, ...]
    proposed: bool


def read_key() -> str:
    """One key: a keypress on a terminal, else the first letter of a line (tests, pipes);
    q at the end of input."""
    if sys.stdin.isatty():
        return click.getchar().lower()
    line = sys.stdin.readline()
    if not line:
        return "q"
    return line.strip()[:1].lower()


def sentence_around(text: str, quote: str) -> str:
    """The sentence (or sentences) the quote stands in, for context."""
    start = text.find(quote)
    if start < 0:
        return quote
    before = [m.end() for m in SENTENCE_END.finditer(text, 0, start)]
    after = SENTENCE_END.search(text, start + len(quote))
    begin = before[-1] if before else 0
    end = after.start() + 1 if after else len(text)
    return " ".join(text[begin:end].split())


def _labels(ontology: Ontology, kind: str, slugs: object) -> str:
    values = [slugs] if isinstance(slugs, str) else list(slugs or [])  # type: ignore[call-overload]
    return ", ".join(getattr(ontology.concept(kind, str(s)), "pref_label", str(s)) for s in values)


def describe(claim: Claim, text: str, ontology: Ontology) -> list[str]:
    """A claim as the review shows it: the quote in its sentence, then its fields."""
    quote = str(claim.get("quote", ""))
    lines = [f"  \u201c{quote}\u201d"]
    sentence = sentence_around(text, quote)
    if sentence != quote.strip():
        lines.append(f"  in: {sentence}")
    fields = [
        ("kind", str(claim.get("kind", ""))),
        ("activities", _labels(ontology, "activity", claim.get("activities"))),
        ("goals", _labels(ontology, "goal", claim.get("goals"))),
        ("context", _labels(ontology, "activity", claim.get("context"))),
        ("direction", _labels(ontology, "direction", claim.get("direction"))),
        ("stance", _labels(ontology, "stance", claim.get("stance"))),
        ("hedge", _labels(ontology, "hedge", claim.get("hedge"))),
    ]
    caveats = claim.get("caveats") or {}
    if isinstance(caveats, dict):
        fields += [(role, _labels(ontology, "caveat", s)) for role, s in caveats.items()]
    if claim.get("confidence") is not None:
        fields.append(("confidence", f"{float(claim['confidence']):.2f}"))
    lines += [f"  {name:11} {value}" for name, value in fields if value]
    return lines


def _items(review: Review, flags: list[Flag]) -> list[Item]:
    by_claim: dict[str, list[Flag]] = {}
    for flag in flags:
        by_claim.setdefault(flag.claim, []).append(flag)
    items = []
    for claim in review.claims():
        claim_id = str(claim.get("id"))
        on_it = tuple(by_claim.get(review.source.claim_iri(claim_id), ()))
        proposed = claim.get("status") == "proposed"
        if proposed or (on_it and claim.get("status") != "rejected"):
            items.append(Item(claim_id, on_it, proposed))
    return items


def _show(review: Review, item: Item, text: str, ontology: Ontology, n: int, total: int) -> None:
    claim = review.claim(item.claim_id)
    state = "proposed" if item.proposed else "flagged by a reader"
    click.echo(f"\n[{n}/{total}] {item.claim_id} ({state})")
    for line in describe(claim, text, ontology):
        click.echo(line)
    for flag in item.flags:
        click.echo(f"  flag: {ASPECTS.get(flag.aspect, flag.aspect)} is wrong: {flag.reason}")


def _decide(review: Review, item: Item, key: str) -> str | None:
    """Carry out one key's decision; the action done, or None when nothing changed."""
    flags = tuple(f.iri for f in item.flags)
    if key == "a" or key == "k":
        if item.proposed:
            review.accept(item.claim_id, flags)
            return "accept"
        review.keep(item.claim_id, flags)
        return "keep"
    if key == "r":
        review.reject(item.claim_id, flags)
        return "reject"
    if key == "e":
        current = {k: v for k, v in review.claim(item.claim_id).items() if k != "confidence"}
        text = yaml.safe_dump(current, sort_keys=False, allow_unicode=True, width=100_000)
        edited = click.edit(text, extension=".yaml")
        if edited is None or edited == text:
            click.echo("  unchanged")
            return None
        review.edit(item.claim_id, edited, flags)
        return "edit"
    return None


def run_review(review: Review, text: str, ontology: Ontology) -> Counter[str]:
    """The review loop over the source's proposed and flagged claims; counts of what was done."""
    items = _items(review, open_flags(review.data_dir))
    done: Counter[str] = Counter()
    i = 0
    while True:
        if i >= len(items):  # the end of the list: the last decision can still be undone
            if not review.history():
                break
            click.echo("\nend of the list: [u]ndo  [q]uit? ", nl=False)
            key = read_key()
            click.echo(key)
            if key != "u":
                break
            i = _undo(review, items, i, done)
            continue
        item = items[i]
        _show(review, item, text, ontology, i + 1, len(items))
        click.echo("  " + KEYS["claim" if item.proposed else "flag"] + "? ", nl=False)
        key = read_key()
        click.echo(key)
        if key == "q":
            break
        if key == "s":
            done["skipped"] += 1
            i += 1
        elif key == "u":
            i = _undo(review, items, i, done)
        elif key in ("a", "k", "r", "e"):
            try:
                action = _decide(review, item, key)
            except (InputError, click.ClickException) as exc:
                click.echo(f"  not saved: {exc}")
                continue
            if action is not None:
                done[DONE[action]] += 1
                i += 1
        else:
            click.echo("  press one of the keys shown")
    return done


def _undo(review: Review, items: list[Item], i: int, done: Counter[str]) -> int:
    """Undo the last decision; the position of its claim in the list (to decide again)."""
    undone = review.undo()
    if undone is None:
        click.echo("  nothing to undo")
        return i
    done["undone"] += 1
    click.echo(f"  undone: {DONE[undone['action']]} {undone['claim']}")
    return next((n for n, it in enumerate(items) if it.claim_id == undone["claim"]), i)


@click.command("review")
@click.argument("source")
@data_dir_option
def review_command(source: str, data_dir: Path | None) -> None:
    """Review the claims proposed for a library SOURCE (its slug or title), and readers' flags
    on its claims: one key per claim. Decisions are saved as they are made; the graph is rebuilt
    at the end when anything changed."""
    data = data_dir or default_data_dir()
    found = find_source(data, source)
    ontology = load_ontology(extra=concept_files(library_dir(data)))  # with proposed concepts
    review = Review(data, found, ontology)
    document = found.path.parent / str(review.source_file())
    text = document.read_text(encoding="utf-8")
    done = run_review(review, text, ontology)
    changes = sum(done[k] for k in ("accepted", "kept", "edited", "rejected", "undone"))
    summary = ", ".join(f"{n} {k}" for k, n in done.items()) or "nothing decided"
    if changes:
        report = rebuild(data)
        summary += f"; graph rebuilt ({report.claims} claims, {report.disagreements} disagreements)"
    click.echo(f"reviewed {found.slug}: {summary}")


COMMANDS = [review_command]
