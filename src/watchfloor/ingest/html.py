"""HTML to clean text and metadata: trafilatura first, a plain tag stripper as the fallback.

trafilatura finds the main content (dropping menus, footers, comments) and the metadata
(title, author, site name, date from markup). Its own text output puts single newlines between
paragraphs, so the text is rebuilt here from its XML body with blank lines between blocks.
When trafilatura finds nothing (very short or badly broken pages) the fallback keeps every
visible text node, so malformed HTML still yields text.
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

from lxml import etree
from trafilatura import bare_extraction
from trafilatura.settings import Document

from watchfloor.ingest.decode import normalise_text
from watchfloor.ingest.meta import clean_str, parse_iso_date

logger = logging.getLogger(__name__)

# Where a page states its charset, it does so near the top (HTML requires the first 1024
# bytes; some generators put it later, so look a little further).
CHARSET_SNIFF_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_ANY_SPACE = re.compile(r"\s+")
# Table cells are joined with this so that a row stays one line and cells stay apart.
_CELL_SEPARATOR = " | "

_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe",
                        "object", "select", "button"})
_BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "h1", "h2",
    "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "thead",
    "tbody", "tfoot", "caption", "blockquote", "pre", "figure", "figcaption", "address",
    "form", "fieldset", "hr", "body", "html", "center", "details", "summary",
})
_CELL_TAGS = frozenset({"td", "th"})


@dataclass(frozen=True, kw_only=True)
class HtmlContent:
    """What a page yields: clean text (paragraphs separated by blank lines) and metadata."""

    text: str
    title: str | None = None
    author: str | None = None
    sitename: str | None = None
    date: date | None = None
    url: str | None = None  # canonical URL found in the page (link rel=canonical, og:url)


def declared_charset(head: bytes) -> str | None:
    """The charset a page declares in ``<meta charset>`` or ``<meta http-equiv>``, if any."""
    match = _META_CHARSET.search(head[:CHARSET_SNIFF_BYTES])
    return match.group(1).decode("ascii") if match else None


def extract_html(markup: str, *, url: str | None = None) -> HtmlContent:
    """Main text and metadata of an HTML page; ``text`` is empty when the page has none."""
    document: Document | None = None
    if markup.strip():
        try:
            extracted = bare_extraction(
                markup,
                url=url,
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                # Dates from markup and URL only: a date guessed from body text ("Copyright
                # 2020", the date of an event) is not the publication date.
                date_extraction_params={"original_date": True, "extensive_search": False},
            )
            document = extracted if isinstance(extracted, Document) else None
        # trafilatura and lxml reject some hostile or odd documents with these errors; the
        # fallback below reads those pages instead.
        except (ValueError, TypeError, AttributeError, etree.LxmlError) as exc:
            logger.debug("trafilatura failed (%s); using the plain extractor", exc)
            document = None
    text = ""
    if document is not None:
        body = getattr(document, "body", None)
        text = normalise_text(body_text(body)) if body is not None else ""
        if not text:
            text = normalise_text(getattr(document, "text", None) or "")
    fallback_title: str | None = None
    if not text:
        text, fallback_title = strip_tags(markup)
    if document is None:
        return HtmlContent(text=text, title=fallback_title)
    return HtmlContent(
        text=text,
        title=clean_str(document.title) or fallback_title,
        author=clean_str(document.author),
        sitename=_real_sitename(clean_str(document.sitename), url=url),
        date=_safe_date(document.date),
        url=clean_str(document.url),
    )


def body_text(body: etree._Element) -> str:
    """Text of trafilatura's XML body: one block per paragraph, blank lines between them."""
    blocks = [body.text.strip()] if body.text and body.text.strip() else []
    for child in body:
        block = _block_text(child)
        if block:
            blocks.append(block)
        if child.tail and child.tail.strip():
            blocks.append(_collapse(child.tail))
    return "\n\n".join(blocks)


def strip_tags(markup: str) -> tuple[str, str | None]:
    """Every visible text node of ``markup`` as paragraphs, and the ``<title>``; never fails."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    return normalise_text(parser.text()), clean_str(parser.title)


def _block_text(element: etree._Element) -> str:
    tag = element.tag
    if tag == "list":
        return "\n".join(t for item in element if (t := _block_text(item)))
    if tag == "table":
        rows = []
        for row in element.iter("row"):
            cells = [_inline_text(cell) for cell in row if cell.tag == "cell"]
            line = _CELL_SEPARATOR.join(c for c in cells if c)
            if line:
                rows.append(line)
        return "\n".join(rows)
    if tag == "graphic":
        return ""
    return _inline_text(element)


def _inline_text(element: etree._Element) -> str:
    # Newlines in the HTML source are just whitespace; only <lb/> (from <br>) breaks a line.
    parts: list[str] = [_flatten(element.text)]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag in ("list", "table"):
            parts.append("\n" + _block_text(child) + "\n")
        else:
            parts.append(_inline_text(child))
        parts.append(_flatten(child.tail))
    lines = (_collapse(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _flatten(text: str | None) -> str:
    return _ANY_SPACE.sub(" ", text) if text else ""


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _real_sitename(sitename: str | None, *, url: str | None) -> str | None:
    """The site's name, not the host name trafilatura substitutes when the page has none."""
    if sitename is None or url is None:
        return sitename
    host = urllib.parse.urlsplit(url).netloc.lower()
    if sitename.lower() in {host, host.removeprefix("www."), host.split(":", 1)[0],
                            host.split(":", 1)[0].removeprefix("www.")}:
        return None
    return sitename


def _safe_date(value: object) -> date | None:
    try:
        return parse_iso_date(value)
    except ValueError:
        return None


class _TextParser(HTMLParser):
    """Tag stripper: visible text in paragraphs; tolerant of unclosed and stray tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._paragraphs: list[str] = []
        self._current: list[str] = []
        self._skip_depth = 0
        self._in_title = False
        self.title: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_title = False  # a title holds no tags; an unclosed one ends at the next tag
        if tag == "title":
            self._in_title = True
        elif tag in _SKIP_TAGS:
            self._skip_depth += 1
        elif tag == "br":
            self._current.append("\n")
        elif tag in _CELL_TAGS:
            self._current.append(_CELL_SEPARATOR)
        elif tag in _BLOCK_TAGS:
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._current.append("\n")
        elif tag in _BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "br":
            self._current.append("\n")
        elif tag in _BLOCK_TAGS:
            self._break()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data
        elif self._skip_depth == 0:
            self._current.append(_ANY_SPACE.sub(" ", data))  # source newlines are spaces

    def text(self) -> str:
        self._break()
        return "\n\n".join(self._paragraphs)

    def _break(self) -> None:
        raw = "".join(self._current)
        self._current = []
        lines = [_collapse(line) for line in raw.split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph.strip(" |"):
            self._paragraphs.append(paragraph.strip(" |").strip())
