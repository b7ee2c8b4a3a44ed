"""The `web` subcommand: serve. Argument parsing only; the `kgqa` script (kgqa_cli) assembles it."""

from __future__ import annotations

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port."
)
@click.option(
    "--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="Worker threads."
)
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the web app (pages, JSON API, SPARQL endpoint) with waitress, on loopback by default."""
    from waitress import serve

    from web import create_app

    app = create_app()
    click.echo(f"kgqa: serving on http://{host}:{port}/", err=True)
    serve(app, host=host, port=port, threads=threads, ident="kgqa")  # returns on Ctrl-C
    click.echo("kgqa: stopped", err=True)


COMMANDS = [serve_command]
