"""MUC-3/4 answer keys: the templates in ``key-*`` files, parsed into plain values.

A key file holds templates of 25 numbered slots (``0.  MESSAGE: ID  TST1-MUC3-0001``). A slot
value may continue on the following indented lines (one filler per line); fillers are quoted
strings (``"GUERRILLAS"``), set values (``ATTACK``), cross-references (``DEATH: "PEASANT"``),
``-`` (empty) or ``*`` (slot not applicable: the whole template is "irrelevant" when
``MESSAGE: TEMPLATE`` is ``*``). Alternatives are separated by `` / ``; a leading ``?`` marks
an uncertain filler. ``;;;`` lines are annotator comments.

Only the slots the evaluation uses are interpreted (:data:`SLOTS`); the others stay available
as raw lines in :attr:`KeyTemplate.raw`. The path is always an argument: benchmark data is
read where it lies, never copied.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

# Slot names (as written in the keys) the evaluation reads.
SLOTS = (
    "MESSAGE: ID", "MESSAGE: TEMPLATE", "INCIDENT: DATE", "INCIDENT: LOCATION",
    "INCIDENT: TYPE", "INCIDENT: INSTRUMENT ID", "PERP: INDIVIDUAL ID",
    "PERP: ORGANIZATION ID", "PHYS TGT: ID", "HUM TGT: NAME", "HUM TGT: DESCRIPTION",
    "HUM TGT: NUMBER", "HUM TGT: EFFECT OF INCIDENT",
)
# Two-digit years in the keys are 1980s/1990s (the corpus covers 1979-1990).
CENTURY = 1900
_SLOT_LINE = re.compile(r"^\s*(?P<num>\d{1,2})\.\s+(?P<name>[A-Z ]+?:\s?[A-Z ]+?)(?:\s{2,}|\t|$)"
                        r"(?P<value>.*)$")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_MONTHS = {m: i + 1 for i, m in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"])}
_DAY_MONTH_YEAR = re.compile(r"(?:(\d{1,2})\s+)?([A-Z]{3})\s+(\d{2,4})")


@dataclass(frozen=True)
class Filler:
    """One slot filler: its alternatives (strings without quotes), uncertain or not.

    ``ref`` is the quoted filler a set value points to (``DEATH: "PEASANT"`` -> value
    ``DEATH``, ref alternatives ``("PEASANT",)``).
    """

    alternatives: tuple[str, ...]
    uncertain: bool = False
    ref: tuple[str, ...] = ()


@dataclass(frozen=True)
class DateRange:
    """A key date: ``start`` None means "on or before ``end``" (``- 15 JAN 90``)."""

    start: date | None
    end: date


@dataclass(frozen=True)
class Location:
    """``PERU: LIMA (CITY): SAN ISIDRO (NEIGHBORHOOD)`` -> country and typed parts."""

    country: str
    parts: tuple[tuple[str, str], ...] = ()  # (name, kind) e.g. ("LIMA", "CITY")

    def named(self, *kinds: str) -> list[str]:
        wanted = set(kinds)
        return [name for name, kind in self.parts
                if wanted & {k.strip() for k in kind.split("/")}]


@dataclass
class KeyTemplate:
    doc_id: str
    number: str  # "1", "2 (OPTIONAL)", "*"
    slots: dict[str, list[str]] = field(default_factory=dict)  # slot -> raw value lines
    raw: list[str] = field(default_factory=list)

    @property
    def relevant(self) -> bool:
        return self.number.strip() != "*"

    @property
    def optional(self) -> bool:
        return "OPTIONAL" in self.number

    def fillers(self, slot: str) -> list[Filler]:
        return [f for line in self.slots.get(slot, []) for f in parse_fillers(line)]

    def strings(self, slot: str) -> list[tuple[str, ...]]:
        """The quoted fillers of a string slot, each a tuple of alternatives."""
        return [f.alternatives for f in self.fillers(slot) if f.alternatives and not f.ref]

    @property
    def incident_type(self) -> str | None:
        values = [a for f in self.fillers("INCIDENT: TYPE") for a in f.alternatives]
        return values[0] if values else None

    @property
    def dates(self) -> list[DateRange]:
        return [d for line in self.slots.get("INCIDENT: DATE", []) for d in parse_dates(line)]

    @property
    def locations(self) -> list[Location]:
        out: list[Location] = []
        for line in self.slots.get("INCIDENT: LOCATION", []):
            out += parse_locations(line)
        return out

    @property
    def deaths(self) -> int | None:
        """Number of people killed: the HUM TGT: NUMBER of every filler whose effect is DEATH,
        summed; None when no filler died or a count is not a number (PLURAL, ranges)."""
        dead: set[str] = set()
        for f in self.fillers("HUM TGT: EFFECT OF INCIDENT"):
            if "DEATH" in f.alternatives:
                dead.update(f.ref)
        if not dead:
            return None
        total = 0
        counted: set[str] = set()
        for f in self.fillers("HUM TGT: NUMBER"):
            if not set(f.ref) & dead:
                continue
            value = f.alternatives[0] if f.alternatives else ""
            if not value.isdigit():
                return None
            total += int(value)
            counted.update(f.ref)
        return total if counted >= dead else None


def _split_alternatives(value: str) -> list[str]:
    """Split on ``/`` outside quotes and brackets."""
    parts, buf, quoted, depth, i = [], [], False, 0, 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            buf.append(value[i:i + 2])
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "()":
            depth += 1 if ch == "(" else -1
        if ch == "/" and not quoted and depth <= 0:
            parts.append("".join(buf).strip())
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append("".join(buf).strip())
    return [p for p in parts if p]


def _unquote(text: str) -> str:
    return text.replace('\\"', '"').strip()


def parse_fillers(line: str) -> list[Filler]:
    """One value line -> its fillers (a line holds one filler, maybe with alternatives)."""
    line = line.strip()
    if line in ("", "-", "*"):
        return []
    uncertain = line.startswith("?")
    line = line.lstrip("? ").strip()
    ref_match = re.match(r'^(?P<set>(?:"[^"]*"|[^"])*?):\s*(?P<ref>".*)$', line)
    if ref_match:  # DEATH: "PEASANT" / NO INJURY OR DEATH: "X"
        values = tuple(_unquote(a.strip("? ").strip().strip('"'))
                       for a in _split_alternatives(ref_match.group("set")))
        refs = tuple(_unquote(q) for q in _QUOTED.findall(ref_match.group("ref")))
        return [Filler(tuple(v for v in values if v), uncertain, refs)]
    alternatives = []
    for part in _split_alternatives(line):
        part = part.lstrip("? ").strip()
        quoted = _QUOTED.findall(part)
        alternatives.append(_unquote(quoted[0]) if quoted else part)
    return [Filler(tuple(alternatives), uncertain)]


def _one_date(text: str) -> date | None:
    m = _DAY_MONTH_YEAR.search(text)
    if not m or m.group(2) not in _MONTHS:
        return None
    year = int(m.group(3))
    year += CENTURY if year < 100 else 0
    month = _MONTHS[m.group(2)]
    try:
        if m.group(1):
            return date(year, month, int(m.group(1)))
        return date(year, month, 1)
    except ValueError:
        return None


def _month_end(day: date) -> date:
    nxt = day.replace(day=28) + timedelta(days=4)
    return nxt - timedelta(days=nxt.day)


def parse_dates(line: str) -> list[DateRange]:
    """``09 JAN 90`` / ``- 15 JAN 90`` / ``10 NOV 89 - 11 NOV 89`` / alternatives in brackets."""
    out: list[DateRange] = []
    for alt in _split_alternatives(line.strip().lstrip("?").strip()):
        alt = alt.strip("() ?")
        if not alt or alt in ("-", "*"):
            continue
        if "-" in alt:
            left, right = (s.strip() for s in alt.split("-", 1))
            end = _one_date(right)
            start = _one_date(left) if left else None
            if end is not None:
                out.append(DateRange(start, end))
            continue
        day = _one_date(alt)
        if day is None:
            continue
        has_day = bool(re.match(r"\s*\d{1,2}\s+[A-Z]{3}", alt))
        out.append(DateRange(day, day) if has_day else DateRange(day, _month_end(day)))
    return out


def parse_locations(line: str) -> list[Location]:
    """``COUNTRY: NAME (KIND): NAME (KIND)``, alternatives separated by `` / ``."""
    out: list[Location] = []
    for alt in _split_alternatives(line.strip().lstrip("?").strip()):
        alt = alt.strip().lstrip("?").strip()
        if alt.startswith("(") and alt.endswith(")"):
            alt = alt[1:-1]
        if not alt or alt in ("-", "*"):
            continue
        pieces = [p.strip() for p in alt.split(":")]
        parts = []
        for piece in pieces[1:]:
            m = re.match(r"^(?P<name>.*?)\s*\((?P<kind>[A-Z /]+)\)\s*$", piece)
            parts.append((m.group("name"), m.group("kind")) if m else (piece, ""))
        out.append(Location(pieces[0].strip("() "), tuple(parts)))
    return out


def parse_key_text(content: str) -> Iterator[KeyTemplate]:
    """Templates of one key file's content, in file order."""
    current: KeyTemplate | None = None
    slot: str | None = None
    for line in content.splitlines():
        if line.lstrip().startswith(";;;"):
            continue
        m = _SLOT_LINE.match(line)
        if m and m.group("name").strip() in _KNOWN_NAMES:
            name = m.group("name").strip()
            value = m.group("value").strip()
            if name == "MESSAGE: ID":
                if current is not None:
                    yield current
                current = KeyTemplate(doc_id=value.split()[0] if value else "", number="")
            if current is None:
                continue
            slot = name
            current.raw.append(line)
            if name == "MESSAGE: TEMPLATE":
                current.number = value
            current.slots.setdefault(name, []).append(value)
        elif current is not None and slot is not None and line.strip():
            current.raw.append(line)
            current.slots.setdefault(slot, []).append(line.strip())
        elif not line.strip():
            slot = None
    if current is not None:
        yield current


# Every slot name of the 25-slot MUC-4 template (a value never starts a line with these).
_KNOWN_NAMES = frozenset(SLOTS) | frozenset({
    "INCIDENT: STAGE OF EXECUTION", "INCIDENT: INSTRUMENT TYPE", "PERP: INCIDENT CATEGORY",
    "PERP: ORGANIZATION CONFIDENCE", "PHYS TGT: TYPE", "PHYS TGT: NUMBER",
    "PHYS TGT: FOREIGN NATION", "PHYS TGT: EFFECT OF INCIDENT", "PHYS TGT: TOTAL NUMBER",
    "HUM TGT: TYPE", "HUM TGT: FOREIGN NATION", "HUM TGT: TOTAL NUMBER",
})


def key_files(root: Path, *, splits: tuple[str, ...]) -> list[Path]:
    base = root / "original" if (root / "original").is_dir() else root
    files: list[Path] = []
    for split in splits:
        folder = base / split
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder} not found: pass the muc4 benchmark folder")
        files += sorted(p for p in folder.iterdir() if p.name.startswith("key-"))
    return files


def load_keys(root: Path, *, splits: tuple[str, ...]) -> dict[str, list[KeyTemplate]]:
    """doc id -> its templates (irrelevant ``*`` templates included)."""
    out: dict[str, list[KeyTemplate]] = {}
    for path in key_files(root, splits=splits):
        for template in parse_key_text(path.read_text(encoding="latin-1")):
            out.setdefault(template.doc_id, []).append(template)
    return out
