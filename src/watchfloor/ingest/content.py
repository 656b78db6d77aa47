"""What kind of content an input is, and bytes of a single-document kind -> RawDocument.

The kind comes from a file extension or an HTTP Content-Type when there is one, and from the
bytes themselves otherwise (standard input, unknown extensions, ``application/octet-stream``).
JSON Lines and feeds hold many documents; their callers stream them (``jsonl``, ``feeds``).
"""

from __future__ import annotations

import json
import re
from enum import StrEnum

from watchfloor.ingest.decode import decode_bytes, normalise_text
from watchfloor.ingest.errors import SourceError
from watchfloor.ingest.html import declared_charset, extract_html
from watchfloor.ingest.markdown import parse_markdown
from watchfloor.ingest.pdf import pdf_to_text
from watchfloor.records import RawDocument


class Kind(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    PDF = "pdf"
    JSONL = "jsonl"
    FEED = "feed"


EXTENSIONS: dict[str, Kind] = {
    ".txt": Kind.TEXT, ".text": Kind.TEXT,
    ".md": Kind.MARKDOWN, ".markdown": Kind.MARKDOWN,
    ".html": Kind.HTML, ".htm": Kind.HTML, ".xhtml": Kind.HTML,
    ".pdf": Kind.PDF,
    ".jsonl": Kind.JSONL, ".ndjson": Kind.JSONL,
    ".xml": Kind.FEED, ".rss": Kind.FEED, ".atom": Kind.FEED,
}
CONTENT_TYPES: dict[str, Kind] = {
    "text/html": Kind.HTML, "application/xhtml+xml": Kind.HTML,
    "application/pdf": Kind.PDF, "application/x-pdf": Kind.PDF,
    "text/plain": Kind.TEXT,
    "text/markdown": Kind.MARKDOWN, "text/x-markdown": Kind.MARKDOWN,
    "application/rss+xml": Kind.FEED, "application/atom+xml": Kind.FEED,
    "application/rdf+xml": Kind.FEED, "application/feed+xml": Kind.FEED,
    "application/jsonl": Kind.JSONL, "application/x-ndjson": Kind.JSONL,
    "application/x-jsonlines": Kind.JSONL, "application/jsonlines": Kind.JSONL,
}
MIME_TYPES: dict[Kind, str] = {
    Kind.TEXT: "text/plain", Kind.MARKDOWN: "text/markdown", Kind.HTML: "text/html",
    Kind.PDF: "application/pdf",
}
# Generic types that say nothing about the content; the bytes decide.
GENERIC_CONTENT_TYPES = frozenset({"application/octet-stream", "binary/octet-stream",
                                   "application/xml", "text/xml", "application/unknown"})

PDF_MAGIC = b"%PDF-"
# Sniffing looks at the start only; a feed's root element and an HTML tag come early.
SNIFF_BYTES = 4096
_PROLOG = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:\s+|<\?xml[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>|<\?[^>]*\?>)*", re.S
)
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_FEED_ROOTS = frozenset({b"rss", b"feed", b"rdf"})
_HTML_HINT = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(p|div|article|title|meta|h1|br)"
    rb"[\s/>]", re.I
)


def kind_for_extension(suffix: str) -> Kind | None:
    return EXTENSIONS.get(suffix.lower())


def kind_for_content_type(media_type: str | None) -> Kind | None:
    """The kind named by an HTTP media type (no parameters), or None when it says nothing."""
    if not media_type:
        return None
    return CONTENT_TYPES.get(media_type.strip().lower())


def feed_root(head: bytes) -> str | None:
    """'rss', 'feed' or 'rdf' when ``head`` starts an RSS/Atom/RDF document, else None."""
    prolog = _PROLOG.match(head[:SNIFF_BYTES])
    rest = head[prolog.end() if prolog else 0 : SNIFF_BYTES]
    root = _ROOT.match(rest)
    if root is None:
        return None
    name = root.group(2).lower()
    return name.decode("ascii") if name in _FEED_ROOTS else None


def looks_like_html(head: bytes) -> bool:
    return _HTML_HINT.search(head[:SNIFF_BYTES]) is not None


def looks_like_jsonl(head: bytes) -> bool:
    """The first non-empty line of ``head`` is a JSON object.

    Only the first line decides, so a JSON Lines stream with a broken line further down is
    still read as JSON Lines and the broken line is reported with its number, as the
    contract asks, instead of the whole stream being taken for prose.
    """
    text = head.removeprefix(b"\xef\xbb\xbf")
    lines = text.split(b"\n")
    for number, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith(b"{"):
            return False
        try:
            return isinstance(json.loads(stripped), dict)
        except ValueError:
            # A first line cut off by the sniffing window cannot be parsed yet: a line that
            # long opening with "{" is taken for JSON; a complete invalid line is not.
            return number == len(lines) - 1
    return False


def sniff_kind(head: bytes) -> Kind:
    """Guess the kind of content from its first bytes; plain text when nothing else fits."""
    if head.startswith(PDF_MAGIC):
        return Kind.PDF
    if looks_like_jsonl(head):
        return Kind.JSONL
    if feed_root(head):
        return Kind.FEED
    if looks_like_html(head):
        return Kind.HTML
    return Kind.TEXT


def document_from_bytes(
    data: bytes,
    *,
    kind: Kind,
    source: str,
    url: str | None = None,
    charset: str | None = None,
    what: str = "file",
    require_plausible: bool = False,
) -> RawDocument:
    """One RawDocument from the bytes of a text, Markdown, HTML or PDF input.

    ``what`` names the input in messages ("file", "response", "standard input");
    ``charset`` is a declared encoding (HTTP header); ``require_plausible`` rejects text
    whose encoding could not be recognised (used when nothing says the input is text).
    """
    if not data.strip():
        raise SourceError(
            f"{what} is empty; nothing to ingest — check that it was saved or downloaded "
            "completely"
        )
    if kind is Kind.PDF:
        pdf = pdf_to_text(data)
        return RawDocument(source=source, text=pdf.text, url=url, title=pdf.title,
                           author=pdf.author, content_type=MIME_TYPES[kind])
    if kind is Kind.HTML:
        decoded = decode_bytes(data, declared=charset or declared_charset(data))
        page = extract_html(decoded.text, url=url)
        if not page.text:
            raise SourceError(
                f"no text found in the HTML {what} (only markup, scripts or an empty body); "
                "check that it is the article itself and not a script-rendered page"
            )
        return RawDocument(source=source, text=page.text, url=url or page.url, title=page.title,
                           author=page.author, publisher=page.sitename, published=page.date,
                           content_type=MIME_TYPES[kind])
    if kind not in (Kind.TEXT, Kind.MARKDOWN):
        raise ValueError(f"{kind} holds several documents; stream it instead")
    decoded = decode_bytes(data, declared=charset)
    if require_plausible and not decoded.plausible:
        raise SourceError(
            f"{what} is not readable text (no known text encoding fits it); convert it to "
            "UTF-8 text, or give it the extension of its real format"
        )
    text = normalise_text(decoded.text)
    if not text:
        raise SourceError(f"{what} is empty (only whitespace); nothing to ingest")
    if kind is Kind.MARKDOWN:
        md = parse_markdown(text)
        if not md.text:
            raise SourceError(f"{what} has front matter but no text after it; add the text")
        return RawDocument(source=source, text=md.text, url=md.url or url, title=md.title,
                           author=md.author, publisher=md.publisher, published=md.published,
                           language=md.language, content_type=MIME_TYPES[kind])
    return RawDocument(source=source, text=text, url=url, content_type=MIME_TYPES[kind])
