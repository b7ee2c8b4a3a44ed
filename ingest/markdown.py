"""Markdown: the text as written, without its front matter; title, URL, publisher and date from
the front matter (YAML between `---` lines), else the title from the first heading."""

from __future__ import annotations

import re
from typing import Any

import yaml

from ingest.documents import Extracted, decode_text, first_line
from ingest.metadata import Metadata, clean_text, normalise_date, normalise_url

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^(?:#{1,6}[ \t]+(.+?)[ \t#]*|(\S.*)\r?\n(?:=+|-+))[ \t]*\r?$", re.MULTILINE)
# front matter keys, in order of preference, for each part of the metadata
_KEYS = {
    "title": ("title",),
    "url": ("url", "canonical_url", "canonical", "link"),
    "publisher": ("publisher", "site_name", "site", "source"),
    "published": ("published", "date", "pubDate", "created"),
}


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The front matter as a mapping and the text after it; ({}, text) when there is none."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}, text
    if not isinstance(data, dict):
        return {}, text
    return data, text[match.end() :]


def _first(data: dict[str, Any], part: str) -> Any:
    return next((data[k] for k in _KEYS[part] if data.get(k) is not None), None)


def read_markdown(data: bytes, encoding: str | None, where: str) -> Extracted:
    front, body = _front_matter(decode_text(data, encoding, where))
    heading = _HEADING.search(body)
    title = clean_text(_first(front, "title"))
    if title is None and heading is not None:
        title = clean_text(heading.group(1) or heading.group(2))
    metadata = Metadata(
        title=title,
        url=normalise_url(_first(front, "url")),
        publisher=clean_text(_first(front, "publisher")),
        published=normalise_date(_first(front, "published")),
    )
    return Extracted(text=body, metadata=metadata, first_line=first_line(body))
