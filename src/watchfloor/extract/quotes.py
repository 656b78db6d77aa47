"""Direct quotations and who said them.

``extract_quotes(text)`` returns the CONTRACT ``quotes`` objects: ``start``/``end``/``text`` of
the quoted words (quote marks excluded) and ``speaker`` ({text, start, end, actor_id: null},
plus ``title`` and ``organization`` when the report gives them) or null.

Rules:

- Quote marks: straight ``"`` (paired in order inside a paragraph), curly “ ” and guillemets
  « ». Single quotes are not read (they are apostrophes too often).
- A quote split around its attribution (``"There is," said X, "every reason"``) gives one quote
  object per part, each with the speaker.
- Multi-paragraph quotes: a paragraph that ends inside a quote and a next paragraph opening
  with a quote mark continue one speech; a paragraph made only of a quote, right after a
  paragraph whose quote had a speaker, continues that speaker ("continued": true).
- Speakers after the quote (``," said council secretary Marat Tajin.``, ``," he said.``) or
  before it (``According to Colonel X at the Y Ministry, "``, ``X said: "``, MUC ``[NAME] "``).
- Pronouns ("he said") are resolved to the nearest preceding named person (an earlier speaker,
  or a name after a title, or a spaCy PERSON when a ``doc`` is given) when the sentence naming
  them names no other person; the speaker then carries the name and a ``pronoun`` span.
  Otherwise the pronoun itself is the speaker.
- Unattributed quotes shorter than :data:`MIN_UNATTRIBUTED_WORDS` words are scare quotes or
  names ("the so-called "liberation army"") and are dropped.

Limits: English speech verbs only; in ALL-CAPS text names cannot be told from other words, so
a speaker phrase there is the words before the verb after the last function word.
"""

from __future__ import annotations

import re
from typing import Any


def _words(words: str) -> frozenset[str]:
    """A set of words written as one string (easier to read and edit than a list)."""
    return frozenset(words.split())

__all__ = ["extract_quotes"]

# Unattributed quotes shorter than this are scare quotes, titles or names, not speech.
MIN_UNATTRIBUTED_WORDS = 5
# How far an attribution is looked for around a quote (characters), inside its sentence.
ATTRIBUTION_WINDOW = 160
# How far back a pronoun speaker looks for the person it stands for (characters).
PRONOUN_LOOKBACK = 1500
# Longest speaker phrase kept (words): longer ones are clauses, not names.
MAX_SPEAKER_WORDS = 10

_OPEN = "\u201c\u00ab\u201e"
_CLOSE = "\u201d\u00bb"
_MARKS_RE = re.compile(r"[\"\u201c\u201d\u00ab\u00bb\u201e]")
_PARA_BLANK_RE = re.compile(r"\n[ \t]*\n\s*")
_VERBS = (r"said|says|say|told|tells|added|adds|stated|states|declared|explained|noted|warned"
          r"|stressed|insisted|asserted|claimed|announced|remarked|commented|asked|replied"
          r"|continued|concluded|argued|wrote|writes|emphasi[sz]ed|acknowledged|admitted"
          r"|recalled|observed|pointed\s+out|went\s+on|complained|urged|cited|affirmed"
          r"|reported|confirmed|denied|charged|predicted|vowed|promised")
_PRONOUNS = _words(
"he she they we i it")
_NP = r"[^,.;:!?\"\u201c\u201d\u00ab\u00bb\n\[\]]{1,90}?"
_AFTER_RE = re.compile(
    rf"\s*[,.!?]?\s*(?:(?P<verb>{_VERBS})\s+(?P<np1>{_NP})(?=\s*(?:[,.;:!?\"\u201c]|$))"
    rf"|(?P<np2>{_NP})\s+(?:{_VERBS})\b)", re.IGNORECASE)
_BEFORE_ACCORDING_RE = re.compile(rf"according\s+to\s+(?P<np>{_NP})\s*[,:]?\s*$",
                                  re.IGNORECASE)
_BEFORE_NP_VERB_RE = re.compile(
    rf"(?:^|[,;:.!?]\s*|\b(?:and|but|as)\s+)(?P<np>{_NP})\s+(?:{_VERBS})"
    rf"(?:\s+(?:that|reporters|journalists|the\s+press|[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?))?"
    rf"\s*[,:]?\s*$", re.IGNORECASE)
_BEFORE_VERB_NP_RE = re.compile(rf"\b(?:{_VERBS})\s+(?P<np>{_NP})\s*[,:]\s*$", re.IGNORECASE)
_BRACKET_RE = re.compile(r"\[(?P<np>[A-Za-z][^\]\n]{0,40})\]\s*$")
# Words that make a phrase a title: everything up to the last of them is the title.
_TITLE_WORDS = _words(
"president minister secretary spokesman spokeswoman spokesperson colonel col col. general "
    "gen gen. major maj maj. captain capt capt. lieutenant lt lt. commander chief director "
    "head governor mayor senator ambassador deputy official officer analyst sergeant sgt "
    "admiral prosecutor judge leader chairman chairwoman professor dr dr. mr mr. mrs mrs. ms "
    "ms. envoy adviser advisor representative coordinator inspector marshal premier king "
    "queen prince sheikh imam bishop cardinal father chancellor attorney counsel manager "
    "researcher expert editor correspondent member vice acting former retired")
_ORG_SPLIT_RE = re.compile(r"\s+(?:at|of|from|for|with)\s+(?:the\s+)?(?=[A-Z])")
_CAPS_FUNCTION = _words(
"as an a the in on at of to for and but or that this these those with by from example "
    "also then later today yesterday")
_TITLE_NAME_RE = re.compile(
    r"\b(?:President|Minister|Secretary|Spokesman|Colonel|Col\.|General|Gen\.|Major|Maj\."
    r"|Captain|Lieutenant|Commander|Chief|Director|Governor|Mayor|Senator|Ambassador"
    r"|Deputy|Sergeant|Admiral|Prosecutor|Judge|Leader|Chairman|Professor|Dr\.?|Mr\.?|Mrs\.?"
    r"|Ms\.?)\s+(?P<name>[A-Z][a-z'\u2019-]+(?:\s+[A-Z][a-z'\u2019-]+){0,2})")


def extract_quotes(text: str, *, doc: Any = None) -> list[dict[str, Any]]:
    """Direct quotations of ``text`` as CONTRACT ``quotes`` objects, in text order.

    ``doc``: an optional spaCy Doc of the same text; its PERSON entities help resolve "he said".
    """
    if not text:
        return []
    spans = _quote_spans(text)
    persons = _doc_persons(doc, text)
    out: list[dict[str, Any]] = []
    speakers: list[dict[str, Any]] = []  # named speakers so far, for pronouns
    for q_start, q_end, open_at, close_at, para, continued in spans:
        content_start, content_end = _strip(text, q_start, q_end)
        if content_end <= content_start:
            continue
        speaker = _speaker_after(text, close_at, para) if close_at is not None else None
        if speaker is None:
            speaker = _speaker_before(text, open_at, para)
        quote: dict[str, Any] = {"start": content_start, "end": content_end,
                                 "text": text[content_start:content_end], "speaker": None}
        prev = out[-1] if out else None
        if speaker is None and prev is not None and prev["speaker"] is not None and (
                _same_sentence(text, prev["end"], open_at)):
            quote["speaker"] = dict(prev["speaker"])  # the second part of a split quote
        elif speaker is None and prev is not None and (
                continued or _whole_paragraph(text, open_at, para)):
            if prev["speaker"] is not None and _adjacent_paragraphs(text, prev["end"], open_at):
                quote["speaker"] = dict(prev["speaker"])
                quote["continued"] = True
        elif speaker is not None:
            if speaker["text"].lower() in _PRONOUNS:
                speaker = _resolve_pronoun(text, speaker, speakers, persons)
            elif not speaker.get("pronoun"):
                speakers.append(speaker)
            quote["speaker"] = speaker
            if continued and prev is not None and prev["speaker"] is None:
                prev["speaker"] = dict(speaker)  # the speech began a paragraph earlier
                quote["continued"] = True
        if quote["speaker"] is None and len(quote["text"].split()) < MIN_UNATTRIBUTED_WORDS:
            continue
        out.append(quote)
    return out


# ------------------------------------------------------------------------------ quote spans
def _paragraphs(text: str) -> list[tuple[int, int]]:
    splitter = _PARA_BLANK_RE if _PARA_BLANK_RE.search(text) else re.compile(r"\n\s*")
    spans, start = [], 0
    for m in splitter.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if b > a]


def _quote_spans(
    text: str,
) -> list[tuple[int, int, int, int | None, tuple[int, int], bool]]:
    """(content start, content end, opening mark, closing mark or None, paragraph, continued)."""
    found: list[tuple[int, int, int, int | None, tuple[int, int], bool]] = []
    carry = False  # the previous paragraph ended inside a quote
    for para in _paragraphs(text):
        a, b = para
        open_at: int | None = None
        continued = False
        for m in _MARKS_RE.finditer(text, a, b):
            ch, pos = m.group(0), m.start()
            if open_at is None:
                if ch in _CLOSE:
                    continue  # a stray closing mark
                open_at = pos
                continued = carry and not text[a:pos].strip()
            elif ch in _OPEN and ch != '"':
                open_at = pos  # re-opened: the earlier mark was stray
            else:
                found.append((open_at + 1, pos, open_at, pos, para, continued))
                open_at = None
                continued = False
        carry = False
        if open_at is not None:
            nxt = text[b:b + 20].lstrip()
            if nxt[:1] in ('"', *_OPEN) or b >= len(text.rstrip()):
                found.append((open_at + 1, b, open_at, None, para, continued))
                carry = True
    return found


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


def _whole_paragraph(text: str, open_at: int, para: tuple[int, int]) -> bool:
    return not text[para[0]:open_at].strip()


def _same_sentence(text: str, prev_end: int, open_at: int) -> bool:
    """Nothing but an attribution between two quote parts ("," he said, adding that ")."""
    between = text[prev_end:open_at]
    return len(between) <= ATTRIBUTION_WINDOW and "\n\n" not in between and not re.search(
        r"[.!?][\"\u201d]?\s+[\"\u201c]?[A-Z]", between)


def _adjacent_paragraphs(text: str, prev_end: int, open_at: int) -> bool:
    """The previous quote ends in the paragraph just before ``open_at``."""
    between = text[prev_end:open_at]
    return len(between) < 400 and between.count("\n") <= 3 and len(
        re.findall(r"[.!?]\s", between)) <= 1


# ---------------------------------------------------------------------------- attribution
def _speaker_after(text: str, close_at: int, para: tuple[int, int]) -> dict[str, Any] | None:
    tail_end = min(para[1], close_at + 1 + ATTRIBUTION_WINDOW)
    m = _AFTER_RE.match(text, close_at + 1, tail_end)
    if not m:
        return None
    name = "np1" if m.group("np1") else "np2"
    return _parse_np(text, m.start(name), m.end(name))


def _speaker_before(text: str, open_at: int, para: tuple[int, int]) -> dict[str, Any] | None:
    head_start = max(para[0], open_at - ATTRIBUTION_WINDOW)
    head = text[head_start:open_at]
    for pattern in (_BRACKET_RE, _BEFORE_ACCORDING_RE, _BEFORE_VERB_NP_RE, _BEFORE_NP_VERB_RE):
        m = pattern.search(head)
        if m:
            parsed = _parse_np(text, head_start + m.start("np"), head_start + m.end("np"))
            if parsed is not None:
                return parsed
    return None


def _parse_np(text: str, start: int, end: int) -> dict[str, Any] | None:
    """A speaker object from a phrase: name, title and organisation when they can be told."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum() and text[end - 1] != ".":
        end -= 1
    phrase = text[start:end]
    words = phrase.split()
    if not words or len(words) > MAX_SPEAKER_WORDS:
        return None
    if phrase.lower() in _PRONOUNS:
        return {"text": phrase, "start": start, "end": end, "actor_id": None}
    org: str | None = None
    org_span: tuple[int, int] | None = None
    m = _ORG_SPLIT_RE.search(phrase)
    if m:
        org_span = (start + m.end(), end)
        org = text[org_span[0]:org_span[1]]
        end = start + m.start()
        phrase = text[start:end]
    tokens = list(re.finditer(r"\S+", phrase))
    if phrase.isupper():
        # ALL CAPS: no capitals to find the name; drop leading function words
        while tokens and tokens[0].group(0).lower() in _CAPS_FUNCTION:
            tokens = tokens[1:]
        last_fn = max((i for i, t in enumerate(tokens) if t.group(0).lower() in _CAPS_FUNCTION),
                      default=-1)
        tokens = tokens[last_fn + 1:]
    if not tokens:
        return None
    last_title = max((i for i, t in enumerate(tokens)
                      if t.group(0).lower().rstrip(",") in _TITLE_WORDS), default=-1)
    title_toks, name_toks = tokens[:last_title + 1], tokens[last_title + 1:]
    if name_toks and not phrase.isupper() and not name_toks[0].group(0)[:1].isupper():
        title_toks, name_toks = tokens, []
    speaker: dict[str, Any]
    if name_toks:
        n_start, n_end = start + name_toks[0].start(), start + name_toks[-1].end()
        speaker = {"text": text[n_start:n_end], "start": n_start, "end": n_end, "actor_id": None}
    else:
        s_start, s_end = start + tokens[0].start(), start + tokens[-1].end()
        speaker = {"text": text[s_start:s_end], "start": s_start, "end": s_end, "actor_id": None}
    if title_toks and name_toks:
        speaker["title"] = text[start + title_toks[0].start():start + title_toks[-1].end()]
    if org:
        speaker["organization"] = org
    return speaker


# ------------------------------------------------------------------------------- pronouns
def _resolve_pronoun(text: str, pronoun: dict[str, Any], speakers: list[dict[str, Any]],
                     persons: list[tuple[int, int, str]]) -> dict[str, Any]:
    """The nearest person named before the pronoun, when that sentence names only one."""
    pos = pronoun["start"]
    lo = max(0, pos - PRONOUN_LOOKBACK)
    mentions: list[tuple[int, int, str]] = []  # (start, end, canonical name)
    for sp in speakers:
        full = sp["text"]
        if " " not in full.strip() and not full[:1].isupper():
            continue
        surname = full.split()[-1]
        for m in re.finditer(rf"\b{re.escape(surname)}\b", text[lo:pos]):
            mentions.append((lo + m.start(), lo + m.end(), full))
    for m in _TITLE_NAME_RE.finditer(text, lo, pos):
        mentions.append((m.start("name"), m.end("name"), m.group("name")))
    mentions.extend(p for p in persons if lo <= p[0] and p[1] <= pos)
    if not mentions:
        return pronoun
    nearest = max(mentions, key=lambda x: x[0])
    sent_lo = max(text.rfind(". ", lo, nearest[0]), text.rfind("\n", lo, nearest[0]), lo)
    sent_hi = min((i for i in (text.find(". ", nearest[1], pos), pos) if i != -1), default=pos)
    others = {_same_person_key(x[2]) for x in mentions if sent_lo <= x[0] < sent_hi}
    if len(others) > 1:
        return pronoun  # two people in that sentence: not clear who "he" is
    name = nearest[2]
    full = next((sp for sp in reversed(speakers) if sp["text"] == name), None)
    resolved: dict[str, Any]
    if full is not None:
        resolved = {k: v for k, v in full.items() if k != "pronoun"}
    else:
        resolved = {"text": text[nearest[0]:nearest[1]], "start": nearest[0],
                    "end": nearest[1], "actor_id": None}
    resolved["pronoun"] = {"text": pronoun["text"], "start": pronoun["start"],
                           "end": pronoun["end"]}
    return resolved


def _same_person_key(name: str) -> str:
    return name.split()[-1].lower() if name.split() else name


def _doc_persons(doc: Any, text: str) -> list[tuple[int, int, str]]:
    if doc is None or getattr(doc, "text", None) != text:
        return []
    return [(e.start_char, e.end_char, e.text) for e in getattr(doc, "ents", ())
            if e.label_ == "PERSON"]
