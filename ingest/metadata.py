"""What a source says about itself (title, URL, publisher, date): normalised when read from a
document, checked when a user gives it.

A document's own metadata that does not hold up (a relative URL, an unparseable date) is dropped
quietly; the same value given on the command line is refused with a message.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from kg.errors import InputError

MAX_TITLE_CHARS = 300
MAX_URL_CHARS = 2000
FALLBACK_TITLE_CHARS = 120  # a first line used as the title is cut (at a word) beyond this
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Metadata:
    """A source's description; any part may be unknown."""

    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: str | None = None  # YYYY-MM-DD

    def overridden(self, title: str | None, url: str | None, published: str | None) -> Metadata:
        """This metadata with the user's values (already checked) in place of the document's."""
        return replace(
            self,
            title=title if title is not None else self.title,
            url=url if url is not None else self.url,
            published=published if published is not None else self.published,
        )

    def completed(self, fallback_title: str) -> Metadata:
        """With a title (fallback_title when the document gave none) and, for a source with a URL
        and no publisher, the URL's host name as the publisher."""
        publisher = self.publisher
        if publisher is None and self.url is not None:
            publisher = (urlsplit(self.url).hostname or "").removeprefix("www.") or None
        title = self.title or fallback_title
        if len(title) > MAX_TITLE_CHARS:  # a document's own title, as long as a paragraph
            title = short_title(title)
        return replace(self, title=title, publisher=publisher)


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf") and ch != "\u00ad" for ch in text)


def clean_text(value: Any) -> str | None:
    """A one-line version of a metadata string (whitespace collapsed), or None if it is empty."""
    if not isinstance(value, str):
        return None
    text = "".join(ch for ch in _SPACE.sub(" ", value) if not _has_control(ch)).strip()
    return text or None


def short_title(line: str) -> str:
    """A first line made into a title: cut at a word beyond FALLBACK_TITLE_CHARS."""
    text = clean_text(line) or ""
    if len(text) <= FALLBACK_TITLE_CHARS:
        return text
    cut = text[:FALLBACK_TITLE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and len(value) <= MAX_URL_CHARS
        and not any(ch.isspace() for ch in value)
        and not _has_control(value)
    )


def normalise_url(value: Any) -> str | None:
    """A document's URL if it is an absolute http(s) URL, else None."""
    text = value.strip() if isinstance(value, str) else ""
    return text if text and is_web_url(text) else None


def normalise_date(value: Any) -> str | None:
    """A document's date as YYYY-MM-DD, or None when it is not a date."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            return None
    return None


def check_title(value: str) -> str:
    """A title given by a user; InputError if empty, over MAX_TITLE_CHARS or not one line."""
    if "\n" in value or "\r" in value or _has_control(value):
        raise InputError("invalid --title: it must be one line of text, without control characters")
    text = value.strip()
    if not text:
        raise InputError("invalid --title: it is empty")
    if len(text) > MAX_TITLE_CHARS:
        raise InputError(f"invalid --title: longer than {MAX_TITLE_CHARS} characters")
    return text


def check_url(value: str) -> str:
    """A URL given by a user; InputError unless it is an absolute http(s) URL."""
    text = value.strip()
    if not is_web_url(text):
        raise InputError(
            f"invalid --url {value!r}: it must be an absolute http:// or https:// address "
            f"of at most {MAX_URL_CHARS} characters, without spaces"
        )
    return text


def check_published(value: str) -> str:
    """A publication date given by a user; InputError unless it is a date YYYY-MM-DD."""
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError as exc:
        raise InputError(f"invalid --published {value!r}: it must be a date, YYYY-MM-DD") from exc
