"""PDF to text with pypdf: every page, in order, pages separated by blank lines."""

from __future__ import annotations

import io
import logging
import re
import struct
import zlib
from dataclasses import dataclass

from pypdf import PasswordType, PdfReader
from pypdf.errors import FileNotDecryptedError, PyPdfError

from watchfloor.ingest.decode import normalise_text
from watchfloor.ingest.errors import SourceError
from watchfloor.ingest.meta import clean_str

logger = logging.getLogger(__name__)

# pypdf reports damaged files through its own errors and, deeper in the object parser, through
# plain Python ones; all of them mean "this file cannot be read as a PDF".
_DAMAGE_ERRORS: tuple[type[BaseException], ...] = (
    PyPdfError, ValueError, KeyError, IndexError, TypeError, AttributeError, AssertionError,
    RecursionError, struct.error, zlib.error, OSError,
)
_DAMAGED = (
    "could not read PDF ({detail}) (truncated or damaged); download it again, or repair it "
    "(e.g. qpdf input.pdf repaired.pdf) and retry"
)
_ENCRYPTED = (
    "PDF is encrypted; decrypt it first (e.g. qpdf --decrypt --password=PASSWORD in.pdf "
    "out.pdf)"
)
_NO_TEXT = (
    "PDF has no extractable text (probably scanned pages); run OCR first "
    "(e.g. ocrmypdf in.pdf out.pdf) and retry"
)
# Titles that PDF producers write by default name the file, not the report.
_JUNK_TITLE = re.compile(r"^(microsoft (word|powerpoint|excel) - |untitled\b)|\.(docx?|pdf|"
                         r"odt|rtf|pptx?|xlsx?|indd)$", re.I)


@dataclass(frozen=True, kw_only=True)
class PdfContent:
    text: str
    title: str | None = None
    author: str | None = None


def pdf_to_text(data: bytes) -> PdfContent:
    """Text of all pages of the PDF in ``data``; SourceError when damaged, locked or empty."""
    try:
        reader = PdfReader(io.BytesIO(data))
        # Many "encrypted" PDFs only restrict printing or copying and open with the empty
        # user password; only a real password makes the file unreadable for us.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise SourceError(_ENCRYPTED)
        pages = [page.extract_text() or "" for page in reader.pages]
        metadata = reader.metadata
    except FileNotDecryptedError:
        raise SourceError(_ENCRYPTED) from None
    except _DAMAGE_ERRORS as exc:
        raise SourceError(_DAMAGED.format(detail=_detail(exc))) from None
    text = normalise_text("\n\n".join(normalise_text(page) for page in pages if page.strip()))
    if not text:
        raise SourceError(_NO_TEXT)
    title = author = None
    if metadata is not None:
        try:
            title = clean_str(metadata.title)
            author = clean_str(metadata.author)
        except _DAMAGE_ERRORS as exc:  # a broken info dictionary does not spoil the text
            logger.debug("ignoring unreadable PDF metadata: %s", exc)
    if title and _JUNK_TITLE.search(title):
        title = None
    return PdfContent(text=text, title=title, author=author)


def _detail(exc: BaseException) -> str:
    message = str(exc).strip() or type(exc).__name__
    return message[:120]
