"""Read a document (plain text, Markdown, HTML or PDF) into the text claims are quoted from.

The format is told by the content first (a PDF's header), then by the declared media type, the
file name's extension and an HTML sniff. The stored text is what offsets refer to: plain text
as received (decoded), Markdown without its front matter, HTML's main text (trafilatura), a PDF's
text layer (pypdf). Title, URL, publisher and date come from the document when it has them.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.fetch import Received, fetch, is_url, read_file
from ingest.metadata import Metadata
from kg.errors import InputError


@dataclass(frozen=True)
class Format:
    """A document format `kgqa ingest` reads."""

    name: str
    media_type: str  # recorded as the source's media_type
    extension: str  # of the original kept in the library
    suffixes: tuple[str, ...]  # file name extensions that mean it
    media_types: tuple[str, ...]  # declared media types that mean it


TEXT = Format("text", "text/plain", "txt", (".txt", ".text"), ("text/plain",))
MARKDOWN = Format(
    "markdown", "text/markdown", "md", (".md", ".markdown"), ("text/markdown", "text/x-markdown")
)
HTML = Format(
    "html", "text/html", "html", (".html", ".htm", ".xhtml"), ("text/html", "application/xhtml+xml")
)
PDF = Format("pdf", "application/pdf", "pdf", (".pdf",), ("application/pdf",))
FORMATS = (MARKDOWN, HTML, PDF, TEXT)  # TEXT last: the default

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Extracted:
    """What a format's reader returns: the text to store, the document's own metadata, and the
    line to use as a title when the metadata has none."""

    text: str
    metadata: Metadata
    first_line: str


@dataclass(frozen=True)
class IngestedDocument:
    """A document read for ingest: the stored text, the original bytes and its description."""

    text: str
    original: bytes
    format: Format
    metadata: Metadata
    first_line: str


def detect_format(received: Received) -> Format:
    """The format of a document: a PDF by its header, else by declared type, extension, sniff."""
    if received.data.startswith(b"%PDF-"):
        return PDF
    declared = received.media_type
    for fmt in FORMATS:
        if declared in fmt.media_types and fmt is not TEXT:
            return fmt
    suffix = Path(received.name).suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.suffixes:
            return fmt
    head = received.data[:1024].lstrip(codecs.BOM_UTF8 + b" \t\r\n").lower()
    if declared != "text/plain" and head.startswith((b"<!doctype html", b"<html")):
        return HTML
    return TEXT


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes near the start: not text in any 8-bit encoding or UTF-8."""
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 0x20 and b not in b"\t\n\r\f\x1b")
    return controls > len(head) // 20


def decode_text(data: bytes, encoding: str | None, where: str) -> str:
    """Bytes as text: in the declared encoding, by a byte-order mark, else strictly UTF-8."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise InputError(f"{where}: unknown encoding {encoding!r}") from exc
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(f"{where}: not valid {encoding} (byte offset {exc.start})") from exc
        if "\x00" in text:
            raise InputError(f"{where}: binary data, not a text document")
        return text
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return decode_text(data[len(bom) :], codec, where)
    if looks_binary(data):
        raise InputError(f"{where}: binary data, not a text document")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where}: not UTF-8 (invalid byte 0x{data[exc.start]:02x} at byte offset "
            f"{exc.start}) and no encoding declared; give it with --encoding"
        ) from exc


def first_line(text: str) -> str:
    """The first non-blank line of a text (a title of last resort)."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def read_text(data: bytes, encoding: str | None, where: str) -> Extracted:
    text = decode_text(data, encoding, where)
    return Extracted(text=text, metadata=Metadata(), first_line=first_line(text))


def _readers() -> dict[str, Callable[[bytes, str | None, str], Extracted]]:
    from ingest.html import read_html  # trafilatura and pypdf load only for their formats
    from ingest.markdown import read_markdown
    from ingest.pdf import read_pdf

    return {"text": read_text, "markdown": read_markdown, "html": read_html, "pdf": read_pdf}


def parse_document(received: Received, encoding: str | None = None) -> IngestedDocument:
    """Read received bytes in their format; InputError when empty, binary, undecodable or
    unreadable."""
    where = received.url or received.name
    if not received.data.strip():
        raise InputError(f"{where}: the document is empty")
    fmt = detect_format(received)
    extracted = _readers()[fmt.name](received.data, encoding or received.charset, where)
    if not extracted.text.strip():
        raise InputError(f"{where}: the document is empty (no text found in it)")
    metadata = extracted.metadata
    if received.url is not None and metadata.url is None:
        metadata = Metadata(metadata.title, received.url, metadata.publisher, metadata.published)
    return IngestedDocument(
        text=extracted.text,
        original=received.data,
        format=fmt,
        metadata=metadata,
        first_line=extracted.first_line,
    )


def read_document(location: str, encoding: str | None = None) -> IngestedDocument:
    """Read a document from a file path or an http(s) URL (fetched once)."""
    received = fetch(location) if is_url(location) else read_file(Path(location))
    return parse_document(received, encoding)
