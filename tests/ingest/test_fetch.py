"""URLs fetched once from a real local web server: content type and charset honoured, errors
refused with one line."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from ingest.documents import HTML, PDF, read_document
from ingest.fetch import MAX_BYTES
from kg.errors import InputError
from tests.ingest import samples
from tests.ingest.samples import Page, web_server

LATIN_PAGE = samples.HTML.replace("charset='utf-8'", "").replace("Heavy squats", "Caf\u00e9 squats")
PAGES = {
    "/article": Page(samples.HTML.encode()),
    "/latin": Page(LATIN_PAGE.encode("iso-8859-1"), "text/html; charset=iso-8859-1"),
    "/notes.pdf": Page(samples.text_pdf(), "application/pdf"),
    "/notes": Page(samples.TEXT.encode(), "text/plain"),
    "/image": Page(samples.PNG, "image/png"),
    "/broken": Page(b"oops", "text/plain", 500),
    "/huge": Page(b"a" * (MAX_BYTES + 1), "text/plain"),
}


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with web_server(PAGES) as url:
        yield url


def test_a_page_is_read_with_its_metadata(site: str) -> None:
    doc = read_document(f"{site}/article")
    assert doc.format is HTML
    assert all(s in doc.text for s in samples.SENTENCES)
    assert doc.metadata.url == "https://coach.example/run-after-leg-day"  # the page's canonical


def test_the_fetched_url_stands_when_the_document_names_none(site: str) -> None:
    doc = read_document(f"{site}/notes")
    assert doc.text == samples.TEXT
    assert doc.metadata.url == f"{site}/notes"


def test_the_http_charset_decodes_the_page(site: str) -> None:
    assert "Caf\u00e9 squats" in read_document(f"{site}/latin").text


def test_a_pdf_is_fetched(site: str) -> None:
    assert read_document(f"{site}/notes.pdf").format is PDF


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "HTTP error 404"),
        ("/broken", "HTTP error 500"),
        ("/image", "not a text document (content type image/png)"),
        ("/huge", "larger than the limit of 5 MB"),
    ],
)
def test_unusable_answers_are_refused(site: str, path: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_document(site + path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_an_unreachable_url_is_refused() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(InputError, match="cannot reach it"):
        read_document(f"http://127.0.0.1:{port}/article")
