"""The `web` subcommand: serve. Argument parsing only; the `kgqa` script (kgqa_cli) assembles it."""

from __future__ import annotations

import click

from kg.errors import InputError


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port."
)
@click.option(
    "--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="Worker threads."
)
@click.option(
    "--include-proposed",
    is_flag=True,
    help="Also answer from claims proposed by `kgqa ingest` that no one has reviewed yet "
    "(marked as not yet reviewed).",
)
@click.option(
    "--review",
    is_flag=True,
    help="Serve the review page (/review) for proposed and flagged claims; loopback only.",
)
def serve_command(host: str, port: int, threads: int, include_proposed: bool, review: bool) -> None:
    """Serve the web app (pages, JSON API, SPARQL endpoint) with waitress, on loopback by default."""
    import logging

    from waitress import serve

    from web import create_app
    from web.security import is_loopback

    if review and not is_loopback(host):
        raise InputError(f"--review serves the review page on a loopback address only, not {host}")
    app = create_app({"INCLUDE_PROPOSED": include_proposed, "REVIEW": review})
    app.logger.setLevel(logging.INFO)  # a new build swapped in is reported, with its timings
    app.logger.propagate = False  # once, by Flask's handler (waitress configures the root one)
    app.extensions["kgqa_reloader"].watch()  # a new build is opened as soon as it is current
    if review:
        click.echo(f"kgqa: review claims at http://{host}:{port}/review", err=True)
    click.echo(f"kgqa: serving on http://{host}:{port}/", err=True)
    serve(app, host=host, port=port, threads=threads, ident="kgqa")  # returns on Ctrl-C
    click.echo("kgqa: stopped", err=True)


COMMANDS = [serve_command]
