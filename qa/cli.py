"""The `qa` subcommands: ask and eval. Argument parsing only."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from kg.backend import open_configured_store
from kg.cli import data_dir_option
from kg.config import data_dir, store_url
from kg.errors import KgqaError
from kg.store import current_build, open_store
from qa.engine import Engine
from qa.evaluate import read_questions, score_answers
from qa.render import render_answer


def _engine(data: Path | None, include_proposed: bool = False) -> Engine:
    return Engine(open_configured_store(data or data_dir()), include_proposed=include_proposed)


def prepare_engine(data: Path | None) -> float | None:
    """Work out the current build's engine start-up data now and save it beside the build
    (qa.startup), so the server and `kgqa ask` start from it; seconds taken, or None when there
    is nothing to prepare (no build yet, or an external store: KGQA_STORE)."""
    folder = data or data_dir()
    if store_url() is not None or current_build(folder) is None:
        return None
    began = time.perf_counter()
    Engine(open_store(folder))
    return time.perf_counter() - began


include_proposed_option = click.option(
    "--include-proposed",
    is_flag=True,
    help="Also answer from claims proposed by `kgqa ingest` that no one has reviewed yet "
    "(marked as not yet reviewed).",
)


@click.command("ask")
@click.argument("questions", nargs=-1, required=True)
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object per question (JSON Lines)."
)
@include_proposed_option
@data_dir_option
def ask_command(
    questions: tuple[str, ...], as_json: bool, include_proposed: bool, data_dir: Path | None
) -> None:
    """Answer questions from the claim graph, every sentence backed by cited passages.

    With --json, a question that cannot be asked (empty, too long) gets an object with `error`
    and the others are still answered; exit status 2 if any failed.
    """
    engine = _engine(data_dir, include_proposed)
    failed = False
    for question in questions:
        try:
            answer = engine.ask(question)
        except KgqaError as exc:
            if not as_json:
                raise
            failed = True
            click.echo(json.dumps({"question": question, "status": "error", "error": str(exc)}))
            continue
        if as_json:
            click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        else:
            click.echo(render_answer(answer, colour=sys.stdout.isatty()))
            click.echo()
    if failed:
        sys.exit(2)


@click.command("eval")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@data_dir_option
def eval_command(path: Path, as_json: bool, data_dir: Path | None) -> None:
    """Score answers to a question file (JSON Lines: id, q, groups, conflict, abstain, only)."""
    items = read_questions(path)
    engine = _engine(data_dir)
    answers = [engine.ask(item["q"]).to_json() for item in items]
    scores = score_answers(items, answers, engine.texts)
    if as_json:
        click.echo(json.dumps(scores.to_json()))
        return
    for name, value in scores.to_json().items():
        if name != "misses":
            click.echo(
                f"{name:17} {value:.3f}" if isinstance(value, float) else f"{name:17} {value}"
            )
    for miss in scores.misses:
        click.echo(f"  miss {miss}")


COMMANDS = [ask_command, eval_command]
