"""Render an Answer for a terminal: summary, numbered citations, disagreements; colour on a tty."""

from __future__ import annotations

import textwrap

from qa.answer import Answer

WIDTH = 88


def _style(text: str, code: str, colour: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if colour else text


def render_answer(answer: Answer, colour: bool = False) -> str:
    lines = [_style(answer.interpretation.question, "1", colour), ""]
    lines += textwrap.wrap(answer.summary, WIDTH)
    number = {c.claim: i for i, c in enumerate(answer.citations, start=1)}
    if answer.citations:
        lines += ["", _style("Citations", "1", colour)]
    for i, c in enumerate(answer.citations, start=1):
        flags = [answer.labels.get(c.hedge, "")]
        if c.source_needed:
            flags.append("[source needed]")
        if c.authority:
            flags.append(f"attributed to {c.authority}")
        if not c.reviewed:
            flags.append("not yet reviewed")
        head = f"[{i}] {c.short_title} ({c.start}-{c.end}; {', '.join(f for f in flags if f)})"
        lines.append(_style(head, "36", colour))
        lines += textwrap.wrap(
            f"\u201c{c.quote}\u201d", WIDTH, initial_indent="    ", subsequent_indent="    "
        )
    if answer.disagreements:
        lines += ["", _style("Disagreements", "1;33", colour)]
        for d in answer.disagreements:
            refs = ", ".join(f"[{number[c]}]" for c in d.claims if c in number)
            caveats = ", ".join(answer.labels.get(c, c) for c in d.reconciling_caveats)
            lines.append(
                f"  {d.topic}: {refs}" + (f" (may hinge on: {caveats})" if caveats else "")
            )
    return "\n".join(lines)
