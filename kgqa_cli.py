"""The `kgqa` console script: the top layer, above kg, qa, ingest, web and bench.

It assembles every package's subcommands into one click group and maps errors to exit statuses
in one place; no package imports it.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from bench.cli import COMMANDS as BENCH_COMMANDS
from ingest.cli import COMMANDS as INGEST_COMMANDS
from ingest.review_cli import COMMANDS as REVIEW_COMMANDS
from kg import __version__
from kg.cli import COMMANDS as KG_COMMANDS
from kg.errors import KgqaError
from qa.cli import COMMANDS as QA_COMMANDS
from qa.cli import prepare_engine
from web.cli import COMMANDS as WEB_COMMANDS

EXIT_ERROR = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kgqa")
def cli() -> None:
    """kgqa: questions answered from what documents claim, every sentence cited."""


# commands that may make a new build current: the engine's start-up data is prepared right after
MAKE_BUILDS = ("build", "ingest", "remove", "review")


def then_prepare_engine(callback: Callable[..., Any]) -> Callable[..., Any]:
    """The command, then the new build's engine start-up data (kg cannot do it: qa is above it)."""

    @functools.wraps(callback)
    def run(**kwargs: Any) -> Any:
        result = callback(**kwargs)
        data: Path | None = kwargs.get("data_dir")
        seconds = prepare_engine(data)
        if seconds is not None:
            click.echo(f"engine start-up data ready in {seconds:.2f} s")
        return result

    return run


for command in (
    *KG_COMMANDS,
    *QA_COMMANDS,
    *INGEST_COMMANDS,
    *REVIEW_COMMANDS,
    *WEB_COMMANDS,
    *BENCH_COMMANDS,
):
    if command.name in MAKE_BUILDS and command.callback is not None:
        command.callback = then_prepare_engine(command.callback)
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


if __name__ == "__main__":
    main()
