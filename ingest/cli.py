"""The `ingest` subcommands: ingest, remove and eval-proposals. Argument parsing only."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kg.claims import find_claims_files, read_claims_file
from kg.cli import corpus_option, data_dir_option
from kg.config import corpus_dir, data_dir
from kg.errors import InputError
from kg.ontology import load_ontology
from kg.resources import bundled_corpus


@click.command("ingest")
@click.argument("location", metavar="PATH-or-URL")
@click.option("--title", help="The source's title [default: from the document].")
@click.option(
    "--url", help="Where it was published [default: from the document, or the URL fetched]."
)
@click.option(
    "--published", metavar="YYYY-MM-DD", help="When it was published [default: from the document]."
)
@click.option("--encoding", help="The text's encoding, when it is not UTF-8 and does not say.")
@corpus_option
@data_dir_option
def ingest_command(
    location: str,
    title: str | None,
    url: str | None,
    published: str | None,
    encoding: str | None,
    corpus: Path | None,
    data_dir: Path | None,
) -> None:
    """Add a document to the library with proposed claims, then rebuild the graph.

    PATH-or-URL is a plain text, Markdown, HTML or PDF file, or an http(s) URL fetched once.
    Proposed claims stay out of answers until reviewed (`kgqa review SLUG`). Nothing is written
    when the document is empty, binary, undecodable, over the size limit, already added, or yields
    no claim.
    """
    from ingest.pipeline import Options, ingest

    report = ingest(
        location,
        Options(title=title, url=url, published=published, encoding=encoding),
        corpus or corpus_dir(),
        data_dir or _data_dir(),
    )
    click.echo(
        f'added {report.slug} "{report.title}": {report.proposed_claims} proposed claims '
        f"(graph rebuilt in {report.build.seconds:.1f} s); next: kgqa review {report.slug}"
    )


@click.command("remove")
@click.argument("source")
@corpus_option
@data_dir_option
def remove_command(source: str, corpus: Path | None, data_dir: Path | None) -> None:
    """Remove a source added with `kgqa ingest` (by slug or title), then rebuild the graph.

    Sources of the corpus folder are not removed.
    """
    from ingest.pipeline import remove

    report = remove(source, corpus or corpus_dir(), data_dir or _data_dir())
    click.echo(
        f'removed {report.slug} "{report.title}" '
        f"(graph rebuilt in {report.build.seconds:.1f} s: {report.build.sources} sources)"
    )


def _data_dir() -> Path:
    return data_dir()


def _corpus_pairs(corpus: Path) -> list[tuple[Path, Path]]:
    ontology = load_ontology()
    return [
        (read_claims_file(path, ontology).document_path, path) for path in find_claims_files(corpus)
    ]


@click.command("eval-proposals")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    help="A corpus folder whose documents to score (default: the bundled corpus).",
)
def eval_proposals_command(files: tuple[Path, ...], as_json: bool, corpus: Path | None) -> None:
    """Propose claims for each document as if it were new and score them against its claims file.

    FILES are pairs: DOCUMENT.txt CLAIMS.claims.yaml ... With no FILES, every document of the
    corpus. Recall: gold claims whose passage a proposal overlaps; precision: proposals that
    overlap a gold claim; direction and hedge: agreement on the matched pairs.
    """
    if len(files) % 2:
        raise InputError("give FILES in pairs: a document and its claims file")
    for path in files:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
    pairs = list(zip(files[::2], files[1::2], strict=True))
    if corpus is not None or not pairs:
        pairs = _corpus_pairs(corpus or bundled_corpus()) + pairs
    from ingest.evaluate import evaluate_files
    from ingest.propose import Proposer

    results = evaluate_files(pairs, Proposer(load_ontology()))
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in results], indent=2))
        return
    click.echo(
        f"{'document':40} {'gold':>5} {'prop':>5} {'recall':>7} {'prec':>6} {'dir':>6} {'hedge':>6}"
    )
    for r in results:
        click.echo(
            f"{r.name[:40]:40} {r.gold:5d} {r.proposed:5d} {r.recall:7.3f} {r.precision:6.3f}"
            f" {r.direction:6.3f} {r.hedge:6.3f}"
        )


COMMANDS = [ingest_command, remove_command, eval_proposals_command]
