"""The documented example queries of the graph (kg/queries/*.rq), shown on /data and in the
SPARQL editor, and run by the benchmark and the remote-store tests."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    query: str


@cache
def examples() -> tuple[Example, ...]:
    """The example queries shipped in kg/queries; each file's first comment is its title."""
    found = []
    for path in sorted(files("kg").joinpath("queries").iterdir(), key=lambda p: p.name):
        if path.name.endswith(".rq"):
            text = path.read_text(encoding="utf-8")
            title = text.splitlines()[0].lstrip("# ").strip()
            found.append(Example(name=path.name.removesuffix(".rq"), title=title, query=text))
    return tuple(found)
