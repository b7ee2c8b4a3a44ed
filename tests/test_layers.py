"""Layers: kg -> qa -> web, with ingest beside qa (above kg; web may use it), bench beside web, and
the `kgqa` script (kgqa_cli) above all five.

Every .py file of the five packages is parsed, and every reference it makes to a package is checked
against that flow: import statements (at the top or inside a function; relative ones resolved) and
package names handed to importlib as strings (`files("web")`, `import_module("web.ld")`). A fresh
interpreter that imports each package's every module confirms it at run time.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOP = "kgqa_cli"
FORBIDDEN = {
    "kg": {"qa", "ingest", "web", "bench", TOP},
    "qa": {"ingest", "web", "bench", TOP},
    "ingest": {"qa", "web", "bench", TOP},
    "web": {"bench", TOP},
    "bench": {"ingest", "web", TOP},
}
STRING_IMPORTERS = {"files", "import_module", "__import__", "find_spec"}


@dataclass(frozen=True)
class Reference:
    line: int
    target: str  # a dotted module name


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(node: ast.ImportFrom, package: str) -> str:
    """The absolute module of `from ... import`, relative ones resolved against package."""
    if not node.level:
        return node.module or ""
    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _called_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def references(source: str, module: str, is_package: bool) -> list[Reference]:
    """Every module a source refers to, with its line."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Reference(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append(Reference(node.lineno, _resolve(node, package)))
        elif (
            isinstance(node, ast.Call)
            and _called_name(node.func) in STRING_IMPORTERS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(Reference(node.lineno, node.args[0].value))
    return found


def violations() -> list[str]:
    found = []
    for package, forbidden in FORBIDDEN.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            module = module_name(path)
            source = path.read_text(encoding="utf-8")
            for ref in references(source, module, path.name == "__init__.py"):
                if ref.target.split(".")[0] in forbidden:
                    found.append(
                        f"{path.relative_to(ROOT)}:{ref.line}: refers to {ref.target} "
                        f"({package} must not refer to {', '.join(sorted(forbidden))})"
                    )
    return found


def test_no_module_refers_to_a_layer_it_must_not() -> None:
    found = violations()
    assert not found, "\n".join(found)


def test_every_kind_of_reference_is_seen() -> None:
    source = (
        "import web\n"
        "from web.pages import store\n"
        "from .. import pages\n"
        "from .ld import bp\n"
        "def f():\n"
        "    import bench.run\n"
        "    importlib.resources.files('kg').joinpath('queries')\n"
        "    files('web')\n"
        "    importlib.import_module('qa.engine')\n"
    )
    seen = sorted((r.line, r.target) for r in references(source, "web.sub.mod", False))
    assert seen == [
        (1, "web"),
        (2, "web.pages"),
        (3, "web"),
        (4, "web.sub.ld"),
        (6, "bench.run"),
        (7, "kg"),
        (8, "web"),
        (9, "qa.engine"),
    ]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_importing_every_module_loads_no_forbidden_package(package: str) -> None:
    forbidden = sorted(FORBIDDEN[package])
    code = (
        "import importlib, pkgutil, sys\n"
        f"import {package}\n"
        f"for m in pkgutil.walk_packages({package}.__path__, '{package}.'):\n"
        "    importlib.import_module(m.name)\n"
        f"print(','.join(m for m in sys.modules if m.split('.')[0] in {forbidden!r}))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # this tree, not another install
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "", f"{package} loads {result.stdout.strip()}"
