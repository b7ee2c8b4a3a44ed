"""Reading documents of every format from real files: stored text, metadata, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.documents import HTML, MARKDOWN, PDF, TEXT, read_document
from ingest.fetch import MAX_BYTES
from ingest.metadata import check_published, check_title, check_url, short_title
from kg.errors import InputError
from tests.ingest import samples


def _write(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return str(path)


def test_plain_text_is_stored_as_received_and_titled_by_its_first_line(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, "notes.txt", samples.TEXT))
    assert doc.format is TEXT
    assert doc.text == samples.TEXT
    assert doc.original == samples.TEXT.encode()
    assert doc.first_line == "Notes from the track"
    assert doc.metadata.title is None


def test_markdown_front_matter_gives_metadata_and_is_not_stored(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, "notes.md", samples.MARKDOWN))
    assert doc.format is MARKDOWN
    assert doc.text.startswith("# Running after squats\n")
    assert "title:" not in doc.text
    assert doc.metadata.title == "A coach's notes on running after squats"
    assert doc.metadata.url == "https://coach.example/notes"
    assert doc.metadata.publisher == "Coach Notes"
    assert doc.metadata.published == "2023-04-05"


def test_markdown_without_front_matter_is_titled_by_its_first_heading(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, "notes.markdown", samples.MARKDOWN_WITH_HEADING))
    assert doc.metadata.title == "Jogging after leg day"
    assert doc.text == samples.MARKDOWN_WITH_HEADING


def test_html_main_text_and_metadata_come_from_the_page(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, "page.html", samples.HTML))
    assert doc.format is HTML
    assert all(sentence in doc.text for sentence in samples.SENTENCES)
    assert "Subscribe" not in doc.text and "About the shop" not in doc.text
    assert doc.metadata.title == "Should you run after leg day?"
    assert doc.metadata.url == "https://coach.example/run-after-leg-day"
    assert doc.metadata.publisher == "Coach Blog"
    assert doc.metadata.published == "2023-04-05"


def test_html_is_recognised_by_content_without_an_extension(tmp_path: Path) -> None:
    assert read_document(_write(tmp_path, "page", samples.HTML)).format is HTML


def test_html_in_a_declared_charset_is_decoded_with_it(tmp_path: Path) -> None:
    page = samples.HTML.replace("charset='utf-8'", "charset='iso-8859-1'").replace(
        "Heavy squats", "Caf\u00e9 squats"
    )
    doc = read_document(_write(tmp_path, "page.html", page.encode("iso-8859-1")))
    assert "Caf\u00e9 squats leave the legs sore" in doc.text


def test_pdf_text_layer_and_info_dictionary(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, "notes.pdf", samples.text_pdf()))
    assert doc.format is PDF
    assert doc.text.splitlines() == samples.SENTENCES
    assert doc.metadata.title == "Track notes (PDF)"
    assert doc.metadata.published == "2023-04-05"


def test_a_pdf_is_recognised_by_its_header_whatever_its_name(tmp_path: Path) -> None:
    assert read_document(_write(tmp_path, "notes.txt", samples.text_pdf())).format is PDF


def test_a_declared_encoding_decodes_non_utf8_text(tmp_path: Path) -> None:
    path = _write(tmp_path, "latin.txt", "Caf\u00e9 running.".encode("latin-1"))
    assert read_document(path, encoding="latin-1").text == "Caf\u00e9 running."


def test_a_byte_order_mark_declares_the_encoding(tmp_path: Path) -> None:
    path = _write(tmp_path, "utf16.txt", "\ufeffJogging helps.".encode("utf-16-le"))
    assert read_document(path).text == "Jogging helps."


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "the document is empty"),
        ("blank.md", b"  \n\n\t\n", "the document is empty"),
        ("front-matter-only.md", b"---\ntitle: x\n---\n\n", "the document is empty"),
        ("image.png", samples.PNG, "binary data"),
        ("image.txt", samples.PNG, "binary data"),
        ("latin.txt", "Caf\u00e9 au lait".encode("latin-1"), "not UTF-8 (invalid byte 0xe9"),
        ("menu.html", samples.HTML_WITHOUT_TEXT.encode(), "no main text could be extracted"),
        ("secret.pdf", samples.encrypted_pdf(), "the PDF is encrypted"),
        ("scan.pdf", samples.blank_pdf(), "the PDF has no text layer"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj\n<<\n", "not a readable PDF"),
        ("huge.txt", b"a" * (MAX_BYTES + 1), "larger than the limit of 5 MB"),
    ],
)
def test_unusable_documents_are_refused(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        read_document(_write(tmp_path, name, data))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_document(str(tmp_path / "nothing.txt"))


def test_an_unknown_declared_encoding_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        read_document(_write(tmp_path, "a.txt", b"running"), encoding="klingon")


@pytest.mark.parametrize(
    ("check", "value", "message"),
    [
        (check_title, "   ", "invalid --title: it is empty"),
        (check_title, "two\nlines", "invalid --title: it must be one line"),
        (check_title, "x" * 301, "invalid --title: longer than 300"),
        (check_url, "coach.example/notes", "invalid --url"),
        (check_url, "ftp://coach.example/notes", "invalid --url"),
        (check_url, "https://coach.example/a b", "invalid --url"),
        (check_published, "5 April 2023", "invalid --published"),
        (check_published, "2023-02-30", "invalid --published"),
    ],
)
def test_invalid_options_are_refused(check: object, value: str, message: str) -> None:
    assert callable(check)
    with pytest.raises(InputError) as caught:
        check(value)
    assert str(caught.value).startswith(message)


def test_valid_options_are_trimmed() -> None:
    assert check_title("  Track notes ") == "Track notes"
    assert check_url(" https://coach.example/notes ") == "https://coach.example/notes"
    assert check_published("2023-04-05") == "2023-04-05"


def test_a_title_as_long_as_a_paragraph_is_cut_at_a_word(tmp_path: Path) -> None:
    long_line = "Running " * 60
    doc = read_document(_write(tmp_path, "long.txt", long_line + "\n\nA light jog helps."))
    title = doc.metadata.completed(short_title(doc.first_line)).title
    assert title is not None and title.endswith("Running…") and len(title) <= 121
