"""The `ingest` subcommands: ingest and remove. Argument parsing only."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli import corpus_option, data_dir_option
from kg.config import corpus_dir, data_dir


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


COMMANDS = [ingest_command, remove_command]
