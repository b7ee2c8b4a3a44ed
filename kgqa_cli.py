"""The `kgqa` console script: the top layer, above kg, qa, ingest, web and bench.

It assembles every package's subcommands into one click group, each imported only when it runs,
prepares a new build's engine start-up data after the commands that make one, and maps errors to
exit statuses in one place; no package imports it.
"""

from __future__ import annotations

import functools
import gc
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kg import __version__
from kg.errors import KgqaError

EXIT_ERROR = 2
# Start-up makes hundreds of thousands of objects that live as long as the process (spaCy's, the
# engine's). With Python's default thresholds (a collection every 700 allocations, the older
# generations every tenth and hundredth one) they are scanned again and again: tens of
# milliseconds of a cold `kgqa ask`. These collect far less often; garbage cycles are rare here.
COLLECT_EVERY = (50_000, 20, 100)
# Commands that write nothing: once their output is flushed the process ends there, without the
# interpreter's teardown of spaCy's objects (0.2 s, a fifth of a cold `kgqa ask`).
WRITE_NOTHING = ("ask",)


# Each subcommand and the module whose COMMANDS list holds it: a command's module is imported only
# when that command runs (`kgqa ask` need not import the build, ingest, the web app or the bench).
COMMAND_MODULES = {
    **dict.fromkeys(("build", "validate", "sparql", "stats", "disagreements", "synth"), "kg.cli"),
    **dict.fromkeys(("ask", "eval"), "qa.cli"),
    **dict.fromkeys(("ingest", "remove", "eval-proposals"), "ingest.cli"),
    "review": "ingest.review_cli",
    "serve": "web.cli",
    "bench": "bench.cli",
}
# commands that may make a new build current: the engine's start-up data is prepared right after
MAKE_BUILDS = ("build", "ingest", "remove", "review")


def then_prepare_engine(callback: Callable[..., Any]) -> Callable[..., Any]:
    """The command, then the new build's engine start-up data (kg cannot do it: qa is above it)."""

    @functools.wraps(callback)
    def run(**kwargs: Any) -> Any:
        from qa.cli import prepare_engine

        result = callback(**kwargs)
        data: Path | None = kwargs.get("data_dir")
        seconds = prepare_engine(data)
        if seconds is not None:
            click.echo(f"engine start-up data ready in {seconds:.2f} s")
        return result

    return run


@functools.cache
def load_command(name: str) -> click.Command | None:
    """The subcommand of that name from its package's COMMANDS, imported now (once); None if
    unknown."""
    module = COMMAND_MODULES.get(name)
    if module is None:
        return None
    commands: list[click.Command] = importlib.import_module(module).COMMANDS
    command = next(c for c in commands if c.name == name)
    if name in MAKE_BUILDS and command.callback is not None:
        command.callback = then_prepare_engine(command.callback)
    return command


class LazyGroup(click.Group):
    """A group whose subcommands are imported when run (or listed by --help)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kgqa")
def cli() -> None:
    """kgqa: questions answered from what documents claim, every sentence cited."""


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; domain errors become one line on stderr and exit 2, never a traceback."""
    gc.set_threshold(*COLLECT_EVERY)
    args = sys.argv[1:] if argv is None else argv
    try:
        cli.main(args=args, prog_name="kgqa", standalone_mode=False)
        if argv is None and _command(args) in WRITE_NOTHING:
            _end_now()
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


def _command(args: list[str]) -> str | None:
    """The subcommand's name: the first argument that is not an option (the group's take no
    value)."""
    return next((a for a in args if not a.startswith("-")), None)


def _end_now() -> None:
    """End the process at once, its output flushed (see WRITE_NOTHING)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
