"""Inputs built in code for the ingest tests: PDFs (plain, encrypted, truncated), feeds."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject


def make_pdf(pages: list[str], *, title: str | None = None) -> bytes:
    """A PDF with one line of Helvetica text per page (ASCII text only)."""
    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
    }))
    for text in pages:
        page = writer.add_blank_page(width=612, height=792)
        page[NameObject("/Resources")] = DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): font}),
        })
        stream = DecodedStreamObject()
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream.set_data(f"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    if title:
        writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypt_pdf(data: bytes, *, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret",
                   algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def rss(items: list[dict[str, str]], *, title: str = "Regional Wire") -> bytes:
    parts = []
    for item in items:
        fields = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in item.items())
        parts.append(f"<item>{fields}</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.invalid/</link>"
        f"<description>test</description>{''.join(parts)}</channel></rss>"
    ).encode()


def atom(entries: list[dict[str, str]], *, title: str = "Atom Desk") -> bytes:
    parts = []
    for entry in entries:
        link = f'<link href="{escape(entry["link"])}"/>' if "link" in entry else ""
        rest = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in entry.items() if k != "link")
        parts.append(f"<entry>{link}{rest}</entry>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test:feed</id>"
        f"<updated>2024-03-02T00:00:00Z</updated>{''.join(parts)}</feed>"
    ).encode()


def rfc822(year: int, month: int, day: int) -> str:
    return format_datetime(datetime(year, month, day, 9, 30, tzinfo=UTC))


def article(title: str, paragraphs: list[str], *, date: str | None = None) -> bytes:
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"{meta}</head><body><nav><a href='/'>Home</a></nav><article><h1>{escape(title)}</h1>"
        f"{body}</article><footer>Contact us</footer></body></html>"
    ).encode()
