"""The `kgqa` console script: every package's subcommands, and one place that maps errors to exits."""

from __future__ import annotations

import os
import sys

import click

from bench.cli import COMMANDS as BENCH_COMMANDS
from kg import __version__
from kg.cli import COMMANDS as KG_COMMANDS
from kg.errors import KgqaError
from qa.cli import COMMANDS as QA_COMMANDS

EXIT_ERROR = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kgqa")
def cli() -> None:
    """kgqa: questions answered from what documents claim, every sentence cited."""


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
    serve(app, host=host, port=port, threads=threads, ident="kgqa")


for command in (*KG_COMMANDS, *QA_COMMANDS, *BENCH_COMMANDS, serve_command):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; domain errors become one line on stderr and exit 2, never a traceback."""
    try:
        cli.main(args=argv, prog_name="kgqa", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("kgqa: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KgqaError as exc:
        click.echo(f"kgqa: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # last resort: a bug must not print a traceback at a user
        if os.environ.get("KGQA_TRACEBACK"):
            raise
        click.echo(
            f"kgqa: internal error: {type(exc).__name__}: {exc} (set KGQA_TRACEBACK=1 for details)",
            err=True,
        )
        sys.exit(1)
