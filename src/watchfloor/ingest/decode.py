"""Bytes to clean text: byte-order marks, UTF-8 first, legacy code pages, binary detection.

Order of decisions (``decode_bytes``):

1. A byte-order mark (UTF-8, UTF-16, UTF-32) settles the encoding.
2. Known binary formats (magic numbers), NUL bytes or many control bytes -> ``SourceError``
   ("binary file ..."). UTF-16 without a BOM is recognised by its pattern of NUL bytes first.
3. Valid UTF-8 (which includes plain ASCII) is UTF-8: other encodings almost never produce it.
4. Otherwise several legacy code pages are tried — the declared charset (HTTP header or
   ``<meta charset>``), cp1251 (Russian and other Cyrillic), kz1048 (the Kazakh variant of
   cp1251), cp1252/latin-1 (Western European) and charset-normalizer's guess — and the decoding
   that reads most like real text wins (see ``implausibility``). charset-normalizer alone is
   unreliable on short texts: it often calls a Russian paragraph in cp1251 "cp1250" or "mac_*".

``normalise_text`` then fixes newlines, drops control characters and applies NFC, so that every
source produces text in the same canonical form (offsets downstream refer to it).
"""

from __future__ import annotations

import codecs
import itertools
import logging
import re
import unicodedata
from dataclasses import dataclass

import charset_normalizer

from watchfloor.ingest.errors import SourceError

logger = logging.getLogger(__name__)

# How much of the input the binary checks and the encoding scorer look at: enough for a
# reliable verdict, small enough that a 20 MB file is judged in milliseconds.
SNIFF_BYTES = 8192
SCORE_BYTES = 32 * 1024
# Share of control bytes (other than tab, newlines, form feed) above which input is binary;
# real text has none, so even 10% means it was never meant to be read as text.
MAX_CONTROL_SHARE = 0.10
# A decoding whose implausibility (bad characters per non-ASCII character) is above this is
# not trusted as text when nothing else (an extension, a content type) says it is text.
MAX_IMPLAUSIBILITY = 0.5
# In Latin-script languages a word of four or more letters is mostly unaccented ("élève",
# "según", "Straße"); when most of its letters are accented it is almost certainly another
# script read in the wrong code page (Russian in cp1252 reads "Ïðèâåò"). Shorter words are
# skipped: "été", "où" and "à" are ordinary French.
MIN_WORD_FOR_ACCENT_SHARE = 4
MAX_ACCENTED_SHARE_IN_WORD = 0.5

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_CONVERT_HINT = (
    "only text, Markdown, HTML, PDF, JSON Lines and RSS/Atom inputs can be read — "
    "convert it to one of those first"
)
_OFFICE_HINT = "save it as PDF or plain text first"

# (magic number, what it is, what to do). Checked at offset 0 unless noted in _FTYP.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image", _CONVERT_HINT),
    (b"\xff\xd8\xff", "JPEG image", _CONVERT_HINT),
    (b"GIF87a", "GIF image", _CONVERT_HINT),
    (b"GIF89a", "GIF image", _CONVERT_HINT),
    (b"PK\x03\x04", "ZIP archive — .docx, .xlsx, .odt and .epub files are ZIP archives too",
     _OFFICE_HINT),
    (b"PK\x05\x06", "empty ZIP archive", _CONVERT_HINT),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office document (.doc/.xls/.ppt)",
     _OFFICE_HINT),
    (b"{\\rtf", "RTF document", _OFFICE_HINT),
    (b"\x7fELF", "ELF executable", _CONVERT_HINT),
    (b"\xca\xfe\xba\xbe", "Java class or Mach-O executable", _CONVERT_HINT),
    (b"\xcf\xfa\xed\xfe", "Mach-O executable", _CONVERT_HINT),
    (b"\x00asm", "WebAssembly module", _CONVERT_HINT),
    (b"\x1f\x8b", "gzip-compressed file", "decompress it first (gunzip)"),
    (b"\xfd7zXZ\x00", "xz-compressed file", "decompress it first (unxz)"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive", "extract it first"),
    (b"Rar!\x1a\x07", "RAR archive", "extract it first"),
    (b"SQLite format 3\x00", "SQLite database", _CONVERT_HINT),
    (b"OggS", "Ogg audio/video", _CONVERT_HINT),
    (b"ID3", "MP3 audio", _CONVERT_HINT),
    (b"fLaC", "FLAC audio", _CONVERT_HINT),
    (b"RIFF", "RIFF media file (WAV/AVI/WebP)", _CONVERT_HINT),
    (b"\x1a\x45\xdf\xa3", "Matroska/WebM video", _CONVERT_HINT),
)
# ISO base media files (MP4, MOV, HEIC) carry "ftyp" at offset 4.
_FTYP = b"ftyp"

# Bytes that never occur in text: C0 controls other than \t \n \v \f \r and ESC, and DEL.
_CONTROL_BYTES = frozenset(set(range(0x00, 0x09)) | set(range(0x0E, 0x1B)) | {0x1C, 0x1D,
                                                                              0x1E, 0x1F, 0x7F})

# Legacy code pages tried, in order of preference when two read equally well: Cyrillic first
# (the sources this tool is for), then Western European, then other common legacy pages.
_LEGACY_CANDIDATES = ("cp1251", "kz1048", "cp1252", "latin-1", "koi8-r", "cp1254", "cp1250")
# WHATWG: documents labelled latin-1/ascii are decoded as windows-1252 by every browser.
_DECLARED_ALIASES = {"iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252"}

# Letters only a few languages use; they count half against a decoding (see implausibility).
# Serbian/Macedonian Cyrillic is what Kazakh in kz1048 turns into when read as cp1251, and
# Icelandic thorn/eth is what Turkish in cp1254 turns into when read as cp1252.
_RARE_LETTERS = frozenset("ЂђЃѓЉљЊњЋћЌќЏџЅѕЈјþÞðÐ")
# Dashes and quotation marks of any kind are ordinary punctuation.
_ORDINARY_PUNCTUATION = frozenset({"Pd", "Pi", "Pf", "Ps", "Pe"})
# Non-letter characters that are ordinary in news text in any of our languages.
_COMMON_SYMBOLS = frozenset("«»“”„‘’‚‹›–—―…•·°№€£¥¢₽₸₴©®™§¶†‡‰±×÷¿¡′″\u00a0\u202f\u2009")
_WORD = re.compile(r"[^\W\d_]+")
# Newline variants folded to "\n" (CR LF and CR are handled first).
_NEWLINES = str.maketrans({"\u2028": "\n", "\u2029": "\n", "\x85": "\n", "\x0b": "\n",
                           "\x0c": "\n"})
# Invisible characters that only get in the way of matching: BOM/ZWNBSP, zero-width space,
# word joiner, soft hyphen. ZWJ/ZWNJ are kept (they are meaningful in Persian and Indic text).
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u2060\u00ad"))
# C0 and C1 control characters other than \t and \n (\r, \v, \f and NEL are folded first).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


@dataclass(frozen=True, kw_only=True)
class Decoded:
    """Decoded text (not yet normalised) and how it was decoded."""

    text: str
    encoding: str
    # False when the best legacy decoding still reads like mojibake; callers with no other
    # evidence that the input is text (unknown file extension) reject it.
    plausible: bool = True


def binary_reason(data: bytes) -> str | None:
    """A Failure reason when ``data`` is not text (binary format, NUL or control bytes)."""
    head = data[:SNIFF_BYTES]
    for magic, what, hint in _SIGNATURES:
        if head.startswith(magic):
            return f"binary file ({what}), not text; {hint}"
    if head[4:8] == _FTYP:
        return f"binary file (MP4/QuickTime media), not text; {_CONVERT_HINT}"
    if _utf16_without_bom(head) is not None:
        return None
    if b"\x00" in head:
        return f"binary file (contains NUL bytes), not text; {_CONVERT_HINT}"
    if head:
        controls = sum(1 for byte in head if byte in _CONTROL_BYTES)
        if controls / len(head) > MAX_CONTROL_SHARE:
            return f"binary file ({controls} control bytes in the first {len(head)}), not " \
                f"text; {_CONVERT_HINT}"
    return None


def decode_bytes(data: bytes, *, declared: str | None = None) -> Decoded:
    """Decode ``data`` as text; raise SourceError when it is binary.

    ``declared`` is a charset named by the input itself (HTTP Content-Type, ``<meta
    charset>``); it is preferred over guesses but not over a byte-order mark or valid UTF-8.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            # A BOM is as explicit as text encodings get; stray bad bytes after it are
            # replaced rather than letting a guesser override the file's own statement.
            return Decoded(text=data[len(bom):].decode(encoding, errors="replace"),
                           encoding=encoding)
    reason = binary_reason(data)
    if reason is not None:
        raise SourceError(reason)
    utf16 = _utf16_without_bom(data[:SNIFF_BYTES])
    if utf16 is not None:
        try:
            return Decoded(text=data.decode(utf16), encoding=utf16)
        except UnicodeDecodeError:
            raise SourceError(
                f"binary file (NUL bytes that are not valid {utf16.upper()}), not text; "
                f"{_CONVERT_HINT}"
            ) from None
    try:
        return Decoded(text=data.decode("utf-8"), encoding="utf-8")
    except UnicodeDecodeError:
        pass
    return _decode_legacy(data, declared=declared)


def decode_text(data: bytes, *, declared: str | None = None) -> str:
    """``decode_bytes`` followed by ``normalise_text``."""
    return normalise_text(decode_bytes(data, declared=declared).text)


def normalise_text(text: str) -> str:
    """Canonical text: ``\\n`` newlines, no control characters but ``\\n``/``\\t``, NFC.

    Trailing spaces on lines are dropped, runs of blank lines become one blank line and the
    whole text is stripped, so paragraph structure survives but layout noise does not.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_NEWLINES)
    text = _CONTROLS.sub("", text.translate(_INVISIBLE))
    # Lone surrogates (from JSON "\ud800" escapes) cannot be encoded as UTF-8 later.
    text = _SURROGATES.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    text = _TRAILING_SPACE.sub("\n", text)
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def implausibility(text: str) -> float:
    """How much ``text`` reads like mojibake: bad characters per non-ASCII character.

    0.0 is clean; 1.0 or more means every non-ASCII character is suspicious. Counted as bad:
    control, private-use, unassigned and surrogate characters (e.g. C1 controls from reading
    cp1252 as latin-1); unusual symbols (``³``, ``¤``); letters of words that mix Latin and
    Cyrillic ("cafй", French read as cp1251); a lowercase letter followed by an uppercase one
    inside a word ("пРХБЕР", KOI8-R read as cp1251); in words of four or more letters that are
    mostly accented Latin letters, every accented letter ("Ïðèâåò", Russian read as cp1252);
    and, at half weight, letters only a few languages use (Serbian-only Cyrillic such as ``ј``
    and ``ќ``, which is how Kazakh ``ә`` and ``қ`` in kz1048 read as cp1251; Icelandic ``þ``
    and ``ð``, which is how Turkish ``ş`` and ``ğ`` read as cp1252).
    """
    non_ascii = 0
    bad = 0.0
    for ch in text:
        if ch < "\x80":
            continue
        non_ascii += 1
        category = unicodedata.category(ch)
        if category[0] == "C" and ch != "\u00ad":
            bad += 2
        elif category[0] in "SPN" and category not in _ORDINARY_PUNCTUATION:
            bad += 0 if ch in _COMMON_SYMBOLS else 1
        elif ch in _RARE_LETTERS:
            bad += 0.5
    if non_ascii == 0:
        return 0.0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        scripts = {_script(ch) for ch in word}
        if "CYRILLIC" in scripts and "LATIN" in scripts:
            bad += sum(1 for ch in word if not ch.isascii())
            continue
        if _case_breaks(word):
            bad += 1
        if scripts == {"LATIN"} and len(word) >= MIN_WORD_FOR_ACCENT_SHARE:
            accented = sum(1 for ch in word if not ch.isascii())
            if accented / len(word) > MAX_ACCENTED_SHARE_IN_WORD:
                bad += accented
    return bad / non_ascii


def _decode_legacy(data: bytes, *, declared: str | None) -> Decoded:
    """Pick the legacy code page under which ``data`` reads most like text."""
    candidates: list[str] = []
    declared_codec = _codec_name(declared) if declared else None
    if declared_codec:
        candidates.append(_DECLARED_ALIASES.get(declared_codec, declared_codec))
    candidates.extend(_LEGACY_CANDIDATES)
    sample = _score_sample(data)
    guess = charset_normalizer.from_bytes(sample).best()
    if guess is not None and guess.encoding:
        guessed = _codec_name(guess.encoding)
        # UTF-16/32 are recognised by BOM or NUL pattern above; guessed for short Latin text,
        # they turn "été à Noël" into CJK, which no per-character check can call implausible.
        if guessed and not guessed.startswith(("utf-16", "utf-32", "utf-7")):
            candidates.append(guessed)
    seen: set[str] = set()
    scored: list[tuple[float, int, str]] = []
    for index, encoding in enumerate(candidates):
        codec = _codec_name(encoding)
        if codec is None or codec in seen:
            continue
        seen.add(codec)
        try:
            sample_text = codecs.getincrementaldecoder(codec)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        scored.append((round(implausibility(sample_text), 4), index, codec))
    scored.sort()
    logger.debug("encoding scores: %s", scored)
    for score, _index, codec in scored:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        return Decoded(text=text, encoding=codec, plausible=score <= MAX_IMPLAUSIBILITY)
    # latin-1 decodes every byte string, so this is reached only if it was filtered out.
    return Decoded(text=data.decode("latin-1"), encoding="latin-1", plausible=False)


def _score_sample(data: bytes) -> bytes:
    """Up to SCORE_BYTES starting a little before the first non-ASCII byte."""
    first = next((i for i, byte in enumerate(data[: 4 * SCORE_BYTES]) if byte >= 0x80), 0)
    start = max(0, first - 1024)
    return data[start : start + SCORE_BYTES]


def _codec_name(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit on every other byte, as in UTF-16 text."""
    pairs = len(head) // 2
    if pairs < 8:
        return None
    even_nuls = head[0 : pairs * 2 : 2].count(0)
    odd_nuls = head[1 : pairs * 2 : 2].count(0)
    if odd_nuls > 0.4 * pairs and even_nuls < 0.05 * pairs:
        return "utf-16-le"
    if even_nuls > 0.4 * pairs and odd_nuls < 0.05 * pairs:
        return "utf-16-be"
    return None


def _script(ch: str) -> str:
    if ch < "\x80":
        return "LATIN"
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def _case_breaks(word: str) -> bool:
    """True when a lowercase letter is directly followed by an uppercase one ("пРХБЕР")."""
    return any(a.islower() and b.isupper() for a, b in itertools.pairwise(word))
