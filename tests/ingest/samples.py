"""Documents of every format for the ingest tests, written as real files, and a local web server."""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pypdf import PdfReader, PdfWriter

# a coach's note in a voice of its own; its sentences name activities and goals of the ontology
SENTENCES = [
    "Most of my athletes jog the day after leg day.",
    "A light jog improves recovery and blood flow.",
    "Heavy squats leave the legs sore for two days.",
    "Skip the track session if your legs feel heavy.",
]
TEXT = "Notes from the track\n\n" + " ".join(SENTENCES) + "\n"

MARKDOWN = (
    "---\n"
    "title: A coach's notes on running after squats\n"
    "url: https://coach.example/notes\n"
    "publisher: Coach Notes\n"
    "date: 2023-04-05\n"
    "---\n"
    "# Running after squats\n\n" + "\n\n".join(SENTENCES) + "\n"
)

MARKDOWN_WITH_HEADING = "Intro line.\n\n## Jogging after leg day\n\n" + SENTENCES[1] + "\n"

HTML = (
    "<!doctype html><html><head><meta charset='utf-8'>"
    "<title>Running after leg day | Coach Blog</title>"
    "<meta property='og:title' content='Should you run after leg day?'>"
    "<meta property='og:site_name' content='Coach Blog'>"
    "<meta property='article:published_time' content='2023-04-05T10:00:00Z'>"
    "<link rel='canonical' href='https://coach.example/run-after-leg-day'>"
    "</head><body><nav><a href='/'>Home</a> <a href='/about'>About the shop</a></nav>"
    "<article><h1>Should you run after leg day?</h1>"
    + "".join(f"<p>{s} It is what I tell everyone who asks me.</p>" for s in SENTENCES)
    + "</article><footer>Copyright 2023 Coach Blog. Subscribe to the newsletter.</footer>"
    "</body></html>"
)

# a page whose only content is navigation: no main text to extract
HTML_WITHOUT_TEXT = (
    "<!doctype html><html><head><title>Menu</title></head><body><nav></nav></body></html>"
)

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def pdf(lines: list[str], title: str | None = None, created: str | None = None) -> bytes:
    """A real one-page PDF with a Helvetica text layer, written object by object."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    content = "BT /F1 11 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in escaped) + " ET"
    info = "".join(
        f" /{key} ({value})"
        for key, value in (("Title", title), ("CreationDate", created))
        if value
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<<{info} >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write("".join(f"{o:010d} 00000 n \n" for o in offsets).encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def text_pdf() -> bytes:
    return pdf(SENTENCES, title="Track notes (PDF)", created="D:20230405120000Z")


def encrypted_pdf() -> bytes:
    """The text PDF, encrypted with a user password."""
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(text_pdf())))
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_pdf() -> bytes:
    """A PDF with a page and no text layer (what a scan without OCR looks like to a reader)."""
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass(frozen=True)
class Page:
    """What the local server answers for one path."""

    body: bytes
    content_type: str | None = "text/html; charset=utf-8"
    status: int = 200


@contextmanager
def web_server(pages: dict[str, Page]) -> Iterator[str]:
    """A real HTTP server on a loopback port serving pages by path (404 for others); yields its
    base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            page = pages.get(self.path, Page(b"not found", "text/plain", 404))
            self.send_response(page.status)
            if page.content_type is not None:
                self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            self.end_headers()
            # a client that refuses a large answer stops reading it
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(page.body)

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
