"""The `kgqa` script: every package's subcommands, each imported only when it runs."""

from __future__ import annotations

import importlib
import subprocess
import sys

import kgqa_cli

PACKAGES = ("kg.cli", "qa.cli", "ingest.cli", "ingest.review_cli", "web.cli", "bench.cli")


def test_every_package_command_is_listed_with_its_module() -> None:
    found = {
        command.name: module
        for module in PACKAGES
        for command in importlib.import_module(module).COMMANDS
    }
    assert found == kgqa_cli.COMMAND_MODULES


def test_kgqa_ask_imports_neither_the_build_nor_ingest_the_web_app_or_the_bench() -> None:
    code = (
        "import sys, kgqa_cli; kgqa_cli.load_command('ask'); "
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('ingest', 'web', 'bench', 'pyrudof', 'flask') or m in ('kg.build', 'kg.shacl'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []
