"""Plain words for the public pages, read from web/data/wording.yaml (vocabulary lives in data).

Each table is keyed by an ontology concept's slug; a slug missing from a table is shown by the
label the caller passes (the concept's prefLabel)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

TABLES = ("reasons", "positions", "hedges", "conditions")


@dataclass(frozen=True)
class Wording:
    """Plain phrases by table and slug."""

    tables: dict[str, dict[str, str]]

    def say(self, table: str, slug: str, fallback: str = "") -> str:
        """The plain phrase for a concept; the fallback (its prefLabel) when there is none."""
        return self.tables[table].get(slug, fallback or slug.replace("-", " "))


@cache
def wording() -> Wording:
    """The wording file, read once per process on first use."""
    data = yaml.safe_load(files("web").joinpath("data/wording.yaml").read_text(encoding="utf-8"))
    return Wording({table: {str(k): str(v) for k, v in data[table].items()} for table in TABLES})
