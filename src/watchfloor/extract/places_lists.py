"""Lists of place names: runs of mentions joined by commas and "and"/"or".

Names in one coordination are usually of one kind ("Oregon and Washington" are states,
"New York and Toronto" cities, "Nigeria, Cameroon and Chad" countries), and a plural type
word after the list, or before it with "of", says what kind all of them are ("Becker, Clay
and Wilkin counties", "the provinces of Nyanza and Western"). Pure functions over the text
and the mentions; ``places_resolve`` turns them into score terms.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from watchfloor.extract.places_recognise import Mention

# What joins the last items of a list of places: "A, B and C", "A, B, or C", and with a
# repeated preposition "in Wales and in England", "from A and from B".
LIST_GAP = re.compile(
    r"^\s*,?\s*(?:and|or|&)\s+(?:(?:in|to|from|at|of|for)\s+)?(?:the\s+)?$", re.IGNORECASE)
# Plural type words: after a list ("Becker and Clay counties") or before it with "of" ("the
# provinces of Nyanza and Western") they make every item an administrative unit; the first
# words name first-level units in most countries, the second second-level ones (a county
# is first-level in Kenya or Ireland, but second-level in the United States).
PLURAL_ADMIN1_WORDS = (
    "states", "provinces", "regions", "oblasts", "governorates", "prefectures",
    "territories", "departments", "cantons",
)
PLURAL_ADMIN2_WORDS = ("counties", "districts", "parishes", "municipalities", "townships",
                       "boroughs")
_PLURAL = "(?P<word>" + "|".join(PLURAL_ADMIN1_WORDS + PLURAL_ADMIN2_WORDS) + ")"
_PLURAL_AFTER = re.compile(r"[ \t]+" + _PLURAL + r"\b", re.IGNORECASE)
_PLURAL_BEFORE = re.compile(r"\b" + _PLURAL + r"[ \t]+of[ \t]+(?:the[ \t]+)?$", re.IGNORECASE)


def joined_runs(text: str, mentions: Sequence[Mention]) -> list[list[int]]:
    """Indexes of ``mentions`` (sorted by offset) in maximal runs joined by a comma or by
    "and"/"or" on one line; a mention joined to nothing is a run of one."""
    runs: list[list[int]] = []
    for i in range(len(mentions)):
        gap = text[mentions[i - 1].end:mentions[i].start] if i else ""
        joined = i > 0 and "\n" not in gap and (gap.strip() == "," or LIST_GAP.match(gap))
        if joined:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def run_gaps(text: str, mentions: Sequence[Mention], run: Sequence[int]) -> list[str]:
    return [text[mentions[a].end:mentions[b].start] for a, b in itertools.pairwise(run)]


def coordinated(text: str, mentions: Sequence[Mention], run: Sequence[int]) -> bool:
    """True when a run of two or more names is joined by "and"/"or" somewhere: a
    coordination, not (only) a comma chain, which may be a hierarchy ("Paris, Texas")."""
    return len(run) >= 2 and any(LIST_GAP.match(g) for g in run_gaps(text, mentions, run))


def plural_admin_items(text: str, mentions: Sequence[Mention]) -> dict[int, str]:
    """Mentions named as administrative units by a plural type word around their list,
    with that word in lower case: "Becker, Clay and Wilkin counties", "Pleasant and
    Madison townships", "the provinces of Nyanza, Rift Valley and Western". The run must
    be a coordination: a single name before a plural ("the Gulf states", "the Baltic
    states") names a group, not a unit."""
    found: dict[int, str] = {}
    for run in joined_runs(text, mentions):
        if not coordinated(text, mentions, run):
            continue
        first, last = mentions[run[0]], mentions[run[-1]]
        hit = _PLURAL_AFTER.match(text, last.end) or _PLURAL_BEFORE.search(
            text, max(0, first.start - 40), first.start)
        if hit:
            found.update(dict.fromkeys(run, hit.group("word").lower()))
    return found


def plural_level(word: str) -> str:
    """The admin level a plural type word names first: "admin1" or "admin2"."""
    return "admin2" if word in PLURAL_ADMIN2_WORDS else "admin1"


def singular(word: str) -> str:
    """"counties" -> "County", "provinces" -> "Province": the type word as part of a name
    ("Western Province")."""
    stem = word[:-3] + "y" if word.endswith("ies") else word[:-1]
    return stem.capitalize()


# "Central and South America", "North and South Korea": the first name shares the head
# noun of the second (an elided coordination).
_AND_ONLY = re.compile(r"^\s*(?:and|or|&)\s+$", re.IGNORECASE)
_ONE_WORD = re.compile(r"^[A-Z][a-z]+$")


def elided_names(text: str, mentions: Sequence[Mention]) -> dict[int, str]:
    """For a one-word mention coordinated with a longer next one ("Central" in "Central
    and South America"), the full name it stands for: the word and the next mention's
    words after its first ("Central America"). The caller keeps it only where the
    gazetteer knows that name."""
    out: dict[int, str] = {}
    for i in range(len(mentions) - 1):
        m, nxt = mentions[i], mentions[i + 1]
        words = nxt.text.split()
        if (len(words) >= 2 and _ONE_WORD.match(m.text)
                and _AND_ONLY.match(text[m.end:nxt.start])):
            out[i] = " ".join([m.text, *words[1:]])
    return out
