"""Getting a document's bytes: from a local file, or from a URL fetched once with urllib.

Both are bounded (MAX_BYTES; a URL also by FETCH_TIMEOUT_S), and both keep what the sender
declared about the bytes (media type, charset) for the reader to honour.
"""

from __future__ import annotations

import http.client
import mimetypes
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

from kg import __version__
from kg.errors import InputError

MAX_BYTES = 5_000_000  # the largest document accepted, file or URL
FETCH_TIMEOUT_S = 20.0
# content types a URL may answer with: the formats `kgqa ingest` reads
TEXT_MEDIA_TYPES = (
    "text/plain",
    "text/markdown",
    "text/x-markdown",
    "text/html",
    "application/xhtml+xml",
    "application/pdf",
)


@dataclass(frozen=True)
class Received:
    """A document's bytes as received, with what its sender said about them."""

    data: bytes
    name: str  # the file name, or the last part of the URL's path
    media_type: str | None = None  # declared (HTTP Content-Type) or guessed from the name
    charset: str | None = None  # declared by the sender
    url: str | None = None  # where it was fetched from (after redirects)


def is_url(location: str) -> bool:
    return urlsplit(location).scheme.lower() in ("http", "https")


def _too_large(where: str) -> InputError:
    return InputError(f"{where}: larger than the limit of {MAX_BYTES // 1_000_000} MB")


def read_file(path: Path) -> Received:
    """A local file's bytes; InputError if missing, unreadable or over MAX_BYTES."""
    try:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        if path.stat().st_size > MAX_BYTES:
            raise _too_large(str(path))
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    media_type, _ = mimetypes.guess_type(path.name)
    return Received(data=data, name=path.name, media_type=media_type)


def _content_type(headers: Message) -> tuple[str | None, str | None]:
    if headers.get("Content-Type") is None:
        return None, None
    return headers.get_content_type(), headers.get_content_charset()


def fetch(url: str) -> Received:
    """Fetch a URL once; InputError if unreachable, an HTTP error, not a text document or too big."""
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": f"kgqa/{__version__} (ingest)",
            "Accept": ", ".join(TEXT_MEDIA_TYPES),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as response:
            media_type, charset = _content_type(response.headers)
            if media_type is not None and media_type not in TEXT_MEDIA_TYPES:
                raise InputError(f"{url}: not a text document (content type {media_type})")
            length = response.headers.get("Content-Length")
            if length is not None and length.isdigit() and int(length) > MAX_BYTES:
                raise _too_large(url)
            data = response.read(MAX_BYTES + 1)
            final_url = response.geturl()
    except urllib.error.HTTPError as exc:
        raise InputError(f"{url}: HTTP error {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise InputError(f"{url}: cannot reach it: {exc.reason}") from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise InputError(f"{url}: cannot fetch it: {exc}") from exc
    if len(data) > MAX_BYTES:
        raise _too_large(url)
    name = urlsplit(final_url).path.rsplit("/", 1)[-1]
    if media_type is None:
        media_type, _ = mimetypes.guess_type(name)
    return Received(data=data, name=name, media_type=media_type, charset=charset, url=final_url)
