"""The `kgqa` script: every package's subcommands, each imported only when it runs."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import kgqa_cli
from tests.conftest import Built, run_kgqa

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


def test_ask_ends_without_teardown_yet_writes_all_it_answers(built: Built) -> None:
    """`kgqa ask` ends the process once its output is flushed (WRITE_NOTHING): every answer of
    many is written whole, and a question that fails still gives exit status 2."""
    asked = [f"is running after leg day good for recovery? ({n})" for n in range(40)]
    done = run_kgqa("ask", "--json", *asked, data_dir=built.data_dir)
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert [a["question"] for a in answers] == asked
    assert all(a["citations"] for a in answers)
    failed = run_kgqa("ask", "--json", asked[0], " ", data_dir=built.data_dir)
    assert failed.returncode == 2
    assert [json.loads(line)["status"] for line in failed.stdout.splitlines()] == [
        "answered",
        "error",
    ]
