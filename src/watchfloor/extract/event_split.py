"""Several events in one sentence: coordinated event nouns, and one act in a list of places.

The events stage makes one event of the violent triggers of a sentence ("a bomb exploded,
killing three" is one bombing). Two shapes of sentence report more than one:

- **Coordinated event nouns**, each with modifiers of its own: "the country experienced its
  first suicide attack in May and several shootings of police in places like Aktau". With a
  parse, a trigger noun that is a conjunct (``conj``) of another part of the sentence, has a
  modifier of its own (a preposition or a counting word) and is not inside the other
  trigger's phrase starts a new event. Each part gets a *zone* of the sentence: from the
  start of its phrase to the start of the next part's phrase. Words between two conjuncts
  belong to the first ("its first suicide attack ... in May"); words before the first part
  are shared. A part reads dates, places and counts in its own zone and the shared text, never
  in another part's zone. "The bombing and shooting at the embassy" stays one event: the first
  noun has no modifier of its own.
- **One kind of act in a list of places**: a plural act ("several shootings", "attacks")
  located in one place of a coordinated list ("in Aktau, Almaty and Taraz") is one event per
  listed place, as ACLED codes one event per location. The counts of the sentence stay with
  the first place (a total for all places is not divided by guesswork).

Pure functions over character offsets and a spaCy parse; without a parse nothing is split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from watchfloor.extract.event_triggers import Trigger

# Modifier dependencies that give a conjunct event noun a content of its own.
_OWN_MODIFIERS = frozenset({"prep", "nummod", "npadvmod"})
# Adjectives that count occurrences ("several shootings", "numerous raids").
_COUNTING = frozenset({"several", "numerous", "multiple", "repeated", "many", "further",
                       "more", "other", "new"})
# What may stand between two places of one list: "Aktau, Almaty and Taraz".
_LIST_GLUE = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Part:
    """Triggers reported as one event, the zone of the sentence they own, and the zones of
    the sentence's other parts (whose dates, places and counts are not theirs)."""

    triggers: list[Trigger]
    zone: tuple[int, int]
    foreign: tuple[tuple[int, int], ...] = ()

    def admits(self, item: dict[str, Any]) -> bool:
        """Whether a dated/placed/counted span of the sentence may belong to this part."""
        start, end = item.get("start"), item.get("end")
        if start is None or end is None:
            return True
        return not any(a <= start and end <= b for a, b in self.foreign)


def _token(doc: Any, trigger: Trigger) -> Any:
    span = doc.char_span(trigger.start, trigger.end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _has_own_modifier(token: Any) -> bool:
    return any(c.dep_ in _OWN_MODIFIERS or (c.dep_ == "amod" and c.lower_ in _COUNTING)
               for c in token.children)


def _phrase_start(token: Any) -> int:
    return int(min(t.idx for t in token.subtree))


def coordinated_parts(group: list[Trigger], sent: tuple[int, int], doc: Any) -> list[Part]:
    """The events among one sentence's violent triggers (see the module docstring)."""
    whole = [Part(triggers=group, zone=sent)]
    if doc is None or len(group) < 2:
        return whole
    tokens = [(t, _token(doc, t)) for t in sorted(group, key=lambda t: t.start)]
    if any(tok is None for _t, tok in tokens):
        return whole
    starts: list[int] = []  # phrase start of each new part after the first
    first_token = tokens[0][1]
    for trigger, tok in tokens[1:]:
        inside_other = any(tok is not other and tok in other.subtree
                           for _t, other in tokens)
        if (tok.dep_ == "conj" and tok.pos_ in ("NOUN", "PROPN") and not inside_other
                and _has_own_modifier(tok) and _has_own_modifier(first_token)
                and first_token.pos_ in ("NOUN", "PROPN")):
            starts.append(max(_phrase_start(tok), trigger.start - 40, sent[0]))
    if not starts:
        return whole
    first_start = max(sent[0], _phrase_start(first_token))
    bounds = [first_start, *starts, sent[1]]
    zones = [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]
    members: list[list[Trigger]] = [[] for _ in zones]
    for trigger in group:
        index = max((i for i, (a, _b) in enumerate(zones) if a <= trigger.start), default=0)
        members[index].append(trigger)
    parts = []
    for i, zone in enumerate(zones):
        if members[i]:
            foreign = tuple(z for j, z in enumerate(zones) if j != i)
            parts.append(Part(triggers=members[i], zone=zone, foreign=foreign))
    return parts or whole


def listed_places(text: str, place: dict[str, Any], places: list[dict[str, Any]],
                  zone: tuple[int, int]) -> list[dict[str, Any]]:
    """``place`` and the places listed with it in ``zone`` ("Aktau, Almaty and Taraz"), in
    text order; just ``[place]`` when it stands alone."""
    inside = sorted((p for p in places if zone[0] <= p["start"] and p["end"] <= zone[1]
                     and not p.get("demonym")), key=lambda p: p["start"])
    if place not in inside:
        return [place]
    i = inside.index(place)
    lo = hi = i
    while lo > 0 and _LIST_GLUE.fullmatch(text[inside[lo - 1]["end"]:inside[lo]["start"]]):
        lo -= 1
    while hi + 1 < len(inside) and _LIST_GLUE.fullmatch(
            text[inside[hi]["end"]:inside[hi + 1]["start"]]):
        hi += 1
    listed = inside[lo:hi + 1]
    keys = {(p.get("geonameid"), p.get("name")) for p in listed}
    return listed if len(keys) == len(listed) else [place]


def is_plural_act(doc: Any, trigger: Trigger) -> bool:
    """A trigger noun naming several acts of one kind ("shootings", "attacks", "raids"),
    by its part-of-speech tag (a verb "attacks" is one act); False without a parse."""
    if doc is None:
        return False
    token = _token(doc, trigger)
    return token is not None and token.tag_ in ("NNS", "NNPS")
