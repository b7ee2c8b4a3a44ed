"""PDF: the text layer of every page (pypdf), pages separated by a blank line; title and date
from the document information dictionary, publisher from its XMP metadata when present."""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from ingest.documents import Extracted, first_line
from ingest.metadata import Metadata, clean_text, normalise_date
from kg.errors import InputError

_MALFORMED = (ValueError, KeyError, TypeError, AttributeError, IndexError)


def _metadata(reader: PdfReader) -> Metadata:
    info = reader.metadata
    xmp = reader.xmp_metadata
    publishers = xmp.dc_publisher if xmp is not None else None
    return Metadata(
        title=clean_text(info.title) if info else None,
        publisher=clean_text(publishers[0]) if publishers else None,
        published=normalise_date(info.creation_date) if info else None,
    )


def _opens_without_password(reader: PdfReader) -> bool:
    """Whether an encrypted PDF opens with the empty user password (only an owner password set)."""
    try:
        return bool(reader.decrypt(""))
    except PyPdfError:  # e.g. AES without a crypto library: it cannot be read here either way
        return False


def read_pdf(data: bytes, encoding: str | None, where: str) -> Extracted:
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # warnings on odd files are not ours
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise InputError(f"{where}: the PDF is encrypted; give a decrypted copy")
        pages = [page.extract_text() or "" for page in reader.pages]
        metadata = _metadata(reader)
    except PyPdfError as exc:
        raise InputError(f"{where}: not a readable PDF ({exc})") from exc
    except _MALFORMED as exc:
        raise InputError(f"{where}: not a readable PDF (malformed: {type(exc).__name__})") from exc
    text = "\n\n".join(page.strip("\n") for page in pages if page.strip())
    if not text.strip():
        raise InputError(f"{where}: the PDF has no text layer (empty or scanned images only)")
    return Extracted(text=text, metadata=metadata, first_line=first_line(text))
