"""HTML: the main text and metadata (title, canonical URL, site name, date) extracted by
trafilatura, after decoding the bytes with their declared charset (HTTP header or <meta>)."""

from __future__ import annotations

import logging
import re

import trafilatura

from ingest.documents import Extracted, decode_text, first_line
from ingest.metadata import Metadata, clean_text, normalise_date, normalise_url
from kg.errors import InputError

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag near its start."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def read_html(data: bytes, encoding: str | None, where: str) -> Extracted:
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # its warnings are not ours
    html = decode_text(data, encoding or declared_charset(data), where)
    found = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, with_metadata=True
    )
    text = getattr(found, "text", None) or ""
    if not text.strip():
        raise InputError(f"{where}: no main text could be extracted from the page")
    metadata = Metadata(
        title=clean_text(getattr(found, "title", None)),
        url=normalise_url(getattr(found, "url", None)),
        publisher=clean_text(getattr(found, "sitename", None)),
        published=normalise_date(getattr(found, "date", None)),
    )
    return Extracted(text=text, metadata=metadata, first_line=first_line(text))
