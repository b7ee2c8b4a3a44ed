"""Figures with units in a passage ("approximately 400-500 calories", "a minimum of 2 liters per
day", "10-minute"), parsed into the claims format's quantity mapping. The units and the words
around a number (approx, bound) are rows of ingest/data/cues.tsv."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ingest.cues import Cues

NUMBER = r"\d+(?:[.,]\d+)?"
RANGE_JOINERS = "(?:\\s*[-\u2013]\\s*|\\s+to\\s+|\\s+and\\s+)"


@lru_cache(maxsize=4)
def _pattern(units: tuple[str, ...], leads: tuple[str, ...]) -> re.Pattern[str]:
    unit = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    lead = "|".join(re.escape(w) for w in sorted(leads, key=len, reverse=True))
    return re.compile(
        rf"(?:(?P<lead>{lead})\s+)?(?:from\s+)?(?P<low>{NUMBER})"
        rf"(?:{RANGE_JOINERS}(?P<high>{NUMBER}))?(?P<hyphen>[-\s])\s*(?P<unit>{unit})\b",
        re.IGNORECASE,
    )


def _number(text: str) -> int | float:
    value = float(text.replace(",", ""))
    return int(value) if value.is_integer() else value


def find_quantities(text: str, cues: Cues) -> list[dict[str, Any]]:
    """Every figure with a unit, as {text, unit, value | min/max}; a hyphenated one ("30-minute
    run") last, since it describes a thing rather than states a figure."""
    units = {c.phrase: c.value for c in cues.of("unit")}
    bounds = {c.phrase: c.value for c in cues.of("bound")}
    leads = tuple(bounds) + tuple(cues.phrases("approx"))
    found: list[tuple[bool, dict[str, Any]]] = []
    for m in _pattern(tuple(units), leads).finditer(text):
        lead = (m.group("lead") or "").lower()
        start = m.start() if lead else m.start("low")  # "from 48 to 72 hours": from the 48
        quantity: dict[str, Any] = {
            "text": text[start : m.end()],
            "unit": units[m.group("unit").lower()],
        }
        low = _number(m.group("low"))
        if m.group("high"):
            quantity.update({"min": low, "max": _number(m.group("high"))})
        elif lead in bounds:
            quantity[bounds[lead]] = low
        else:
            quantity["value"] = low
        found.append((m.group("hyphen") == "-", quantity))
    return [q for _, q in sorted(found, key=lambda pair: pair[0])]
