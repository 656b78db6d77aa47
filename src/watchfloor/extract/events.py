"""Events stage: triggers, ACLED types, arguments, place, date and counts per event.

    extract_events(text, sentences=[...], places=[...], actors=[...], dates=[...],
                   quantities=[...], published=date(2011, 12, 20), doc=None)

returns CONTRACT ``events`` objects in text order. The inputs are the outputs of the other
stages for the same text (plain lists of CONTRACT dicts), so the stage is a pure function that
runs without a model; a parsed spaCy ``doc`` (of the text, or of a re-cased copy of an
ALL-CAPS text of the same length) sharpens negation and modality.

How an event is built:

1. Triggers (:mod:`.event_triggers`): every inflection of the lexicon's verbs and nouns in
   any case; negated and hypothetical ones dropped; plural trigger nouns counted by a number
   ("300 attacks last year") are statistics, not events.
2. Merging: the violent, protest and riot triggers of one sentence are one event (typed by
   the strongest class: a bombing that killed three is one bombing); each strategic class
   (arrests, deportations, sentences, agreements, security measures) of a sentence is one
   event; security-measure words in a sentence that reports violence are not an event.
3. Arguments (:mod:`.event_arguments`) for violent events; ``actor1`` is the first
   perpetrator, ``actor2`` the first victim or, for a clash, the other armed actor.
4. ``location`` (:mod:`.event_places`): the place of the sentence attached by
   "in/near/at/outside/of" (most specific first, then nearest to the trigger), else the
   nearest place of the sentence, among places in the countries the document is about;
   with a parse, places of the trigger's own clause first, then of the clauses it depends
   on, then of other clauses in the report's home country; names that only qualify a noun
   ("U.S. authorities") are skipped. Else the location of the violent event before it, else
   the dateline's place, else the most named place of the country the story is about
   (``subject_country``: its places, demonyms and actors). Demonyms are never locations.
5. ``date``: the most precise resolved date of the sentence, else the publication date with
   ``assumed`` true (see :func:`watchfloor.extract.dates.event_date_for`).
6. Counts: quantities of the sentence whose ``of`` is killed (``fatalities``), injured
   (``injured``), arrested/detained (``arrested``, arrest events only); null when none.
7. ``confidence``: :data:`BASE_CONFIDENCE` plus :data:`CONFIDENCE_BONUS` for each of a
   perpetrator, a place in the sentence, a stated date, capped at :data:`MAX_CONFIDENCE`.
8. Several events in one sentence (:mod:`.event_split`): coordinated event nouns with
   modifiers of their own ("a suicide attack in May and several shootings in ...") are
   separate events, each reading dates, places and counts in its own part of the sentence;
   a plural act located in one place of a list ("in Aktau, Almaty and Taraz") is one event
   per place.
9. Mentions that point back ("these clashes", "this attack", "such raids") add their
   sentence, participants and missing counts to the latest event of a compatible type
   instead of making a new one, unless a place or a date of their own sets them apart.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from dataclasses import replace
from datetime import date
from typing import Any

from watchfloor.extract import event_lexicon as lex
from watchfloor.extract.dates import event_date_for
from watchfloor.extract.event_arguments import (
    ACTED_ON,
    Argument,
    expand_target,
    parse_arguments,
    perpetrators,
    targets,
    trim_phrase,
    victims,
    weapons,
)
from watchfloor.extract.event_places import document_places, place_for
from watchfloor.extract.event_split import (
    Part,
    coordinated_parts,
    is_plural_act,
    listed_places,
)
from watchfloor.extract.event_triggers import Trigger, find_triggers, type_event
from watchfloor.extract.truecase import same_text

# Confidence of an event with a trigger and nothing else known.
BASE_CONFIDENCE = 0.5
# Added for each of: a perpetrator, a place in the sentence, a date stated in the sentence.
CONFIDENCE_BONUS = 0.12
# Rules are never certain.
MAX_CONFIDENCE = 0.9
# "The victims were identified as ...": persons named after such a cue are the victims of the
# violent event told at most IDENTIFY_REACH sentences before.
_IDENTIFIED = re.compile(
    r"\b(?:identified\s+(?:them\s+)?as|(?:victims?|dead|deceased|bodies|hostages)\s+"
    r"(?:were|are|was|is|have\s+been)(?:\s+identified\s+as)?|"
    r"(?:killed|dead|victims|kidnapped|wounded)\s+(?:were|are)\s*:|"
    r"the\s+following\s+(?:\w+\s+){0,3}(?:died|were\s+killed|were\s+kidnapped)\s*[:,]?)",
    re.IGNORECASE)
IDENTIFY_REACH = 2
_VICTIM_EVENT_TYPES = frozenset({"Violence against civilians", "Explosions/Remote violence",
                                 "Battles"})
# Characters from a number to the victim phrase it counts ("SIX JESUIT PRIESTS" has 4).
COUNT_REACH = 12
# Classes that make their own event even in a sentence reporting violence.
STRATEGIC = ("arrest", "deport", "sentence", "agreement", "security")
# A number right before a plural trigger noun: a statistic ("300 attacks this year").
_STATISTIC = re.compile(r"\b\d[\d,.]*\s+(?:\w+\s+)?$")
# Plural event nouns that name a kind of act when bare (see _is_generic); "explosions" and
# "bombs" are left out: "explosions were heard" reports what happened.
_GENERIC_PLURAL = re.compile(
    r"(?:attacks|raids|ambushes|assaults|murders|killings|assassinations|massacres|"
    r"kidnappings|abductions|sabotages|bombings|shootings|incursions)", re.IGNORECASE)
# "attacks by the rebels", "incursions by members of the IMU": a bare plural with its agent
# reports acts of someone in particular, not a kind of act.
_BY_AGENT = re.compile(r"\s+by\s+\w", re.IGNORECASE)
# "against" and up to two modifiers before what it governs ("against local security forces").
_AGAINST_FORCES = re.compile(
    r"\bagainst\s+(?:the\s+)?(?:[a-z][\w-]*\s+){0,2}?" + lex.SECURITY_FORCES.pattern,
    re.IGNORECASE)
# Words that make an event noun point back at an event told before ("these clashes").
_DEMONSTRATIVE = lex.words("this these those such")
# Event types one anaphoric mention may refer to: "these clashes" may be a riot told
# before, "this attack" a bombing.
_VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence",
                            "Violence against civilians", "Riots"})
_FAMILIES: dict[str, frozenset[str]] = {
    **dict.fromkeys(_VIOLENT_TYPES, _VIOLENT_TYPES),
    "Protests": frozenset({"Protests", "Riots"}),
}
# Words before a plural event noun that make it refer to particular events.
_DEFINITE = lex.words("the these those both its their his her our yesterday's today's "
                      "latest last")
_WORDS_BEFORE = re.compile(r"(?:[\w']+\W+){1,3}$")
# Words that count occurrences before a plural event noun (one adjective may come between):
# "several attacks", "a series of transnational attacks", "two bombings" report particular
# events, however vaguely. Digits are left to the statistic rule ("300 attacks last year").
_OCCURRENCES = re.compile(
    r"\b(?:several|numerous|multiple|repeated|a\s+few|(?:a\s+)?(?:series|string|spate|wave|"
    r"number|couple|handful)\s+of|two|three|four|five|six|seven|eight|nine|ten|twelve|"
    r"dozens\s+of)\s+(?:[a-z][\w-]*\s+)?$", re.IGNORECASE)
_QUANTITY_FIELD = {"killed": "fatalities", "injured": "injured", "arrested": "arrested",
                   "detained": "arrested"}


def _antecedent(text: str, trigger: Trigger, sent_start: int, event_type: str,
                events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The event an anaphoric mention ("these clashes", "this attack", "such raids") refers
    back to: the latest event of the document of a compatible type; None when the mention
    is not anaphoric or nothing was told before."""
    if trigger.text.lower().endswith("ed"):
        return None  # "those massacred", "those kidnapped": the people, not the event
    before = _WORDS_BEFORE.search(text[max(sent_start, trigger.start - 40):trigger.start])
    words = before.group(0).lower().split() if before else []
    if not set(words[-2:]) & _DEMONSTRATIVE:
        return None
    family = _FAMILIES.get(event_type, {event_type})
    return next((e for e in reversed(events) if e["event_type"] in family), None)


def _same_occasion(antecedent: dict[str, Any], mention: dict[str, Any],
                   own_place: dict[str, Any] | None) -> bool:
    """Nothing in the mention's sentence sets it apart from the event it points back to:
    no place of its own other than the event's, no stated date outside the event's."""
    if own_place is not None and not _within(antecedent["location"] or {}, own_place):
        return False
    when, then = mention["date"], antecedent["date"]
    if when.get("assumed") or not when.get("start_date") or not then.get("start_date"):
        return True
    return bool(when["start_date"] <= (then.get("end_date") or then["start_date"])
                and then["start_date"] <= (when.get("end_date") or when["start_date"]))


def _within(place: dict[str, Any], area: dict[str, Any]) -> bool:
    """``place`` is ``area`` or lies in it (``area`` a country or first-level division)."""
    if place.get("geonameid") is not None and place.get("geonameid") == area.get("geonameid"):
        return True
    if place.get("country_code") is None or place.get("country_code") != area.get(
            "country_code"):
        return False
    code = str(area.get("feature_code") or "")
    if code.startswith("PCL"):
        return True
    return code == "ADM1" and place.get("admin1_code") is not None and place.get(
        "admin1_code") == area.get("admin1_code")


def _absorb(antecedent: dict[str, Any], mention: dict[str, Any]) -> None:
    """What an anaphoric mention adds to the event it refers to: its evidence sentence,
    participants not yet listed, counts the event lacked, its triggers."""
    for span in mention["evidence"]:
        if span not in antecedent["evidence"]:
            antecedent["evidence"].append(span)
    known = {(p["role"], p["text"]) for p in antecedent["participants"]}
    antecedent["participants"] += [p for p in mention["participants"]
                                   if (p["role"], p["text"]) not in known]
    for field in ("fatalities", "injured", "arrested"):
        if antecedent.get(field) is None and mention.get(field) is not None:
            antecedent[field] = mention[field]
    antecedent["triggers"] = antecedent.get("triggers", []) + mention.get("triggers", [])


def _against_forces(after: str) -> bool:
    """An "against <security forces>" phrase after the trigger ("attacks by militants
    against security services"): aimed at the forces even where the parse attached the
    phrase elsewhere."""
    return _AGAINST_FORCES.search(after) is not None


def _is_statistic(text: str, trigger: Trigger, sent_start: int) -> bool:
    return trigger.text.lower().endswith("s") and bool(
        _STATISTIC.search(text[max(sent_start, trigger.start - 30):trigger.start]))


def _is_generic(text: str, trigger: Trigger, sent_start: int) -> bool:
    """A bare plural event noun speaks of a kind of act, not of one event ("terrorist
    attacks will not stop us", "kidnappings and murders continue"); "the attacks", "their
    raids" refer back to reported ones and stay, and so do counted occurrences ("several
    attacks", "a series of transnational attacks", "three bombings") and acts with their
    agent ("incursions by members of the IMU")."""
    if not _GENERIC_PLURAL.fullmatch(trigger.text):
        return False
    window = text[max(sent_start, trigger.start - 40):trigger.start]
    if _OCCURRENCES.search(window) or _BY_AGENT.match(text, trigger.end):
        return False
    before = _WORDS_BEFORE.search(window)
    words = before.group(0).lower().split() if before else []
    return not (set(words[-3:]) & _DEFINITE)


def _groups(triggers: list[Trigger]) -> list[list[Trigger]]:
    """Triggers merged into events: per sentence, one violent event plus one per strategic
    class (security measures only in sentences without violence)."""
    by_sentence: dict[int, list[Trigger]] = {}
    for t in triggers:
        by_sentence.setdefault(t.sentence, []).append(t)
    groups: list[list[Trigger]] = []
    for _, items in sorted(by_sentence.items()):
        violent = [t for t in items if t.cls not in STRATEGIC]
        if violent:
            groups.append(violent)
        for cls in STRATEGIC:
            same = [t for t in items if t.cls == cls]
            if same and not (cls == "security" and any(t.cls in lex.VIOLENT for t in items)):
                groups.append(same)
    return sorted(groups, key=lambda g: g[0].start)


def _event_id(text: str, group: list[Trigger], *, salt: str = "") -> str:
    digest = hashlib.sha1(text.encode("utf-8"))
    digest.update((";".join(f"{t.start}:{t.end}" for t in group) + salt).encode())
    return "ev-" + digest.hexdigest()[:16]


def _participant(arg: Argument) -> dict[str, Any]:
    return {"role": arg.role, "kind": arg.kind, "text": arg.text, "start": arg.start,
            "end": arg.end, "actor_id": arg.actor_id}


def _actor_ref(arg: Argument | None, actors: list[dict[str, Any]]) -> dict[str, Any] | None:
    if arg is None:
        return None
    actor = next((a for a in actors if a["start"] <= arg.start < a["end"]
                  or arg.start <= a["start"] < arg.end), None)
    return {"text": arg.text, "start": arg.start, "end": arg.end,
            "actor_id": (actor or {}).get("actor_id", arg.actor_id),
            "name": (actor or {}).get("name") or arg.text}


def _counts(quantities: list[dict[str, Any]], sent: tuple[int, int],
            classes: set[str]) -> dict[str, int | None]:
    out: dict[str, int | None] = {"fatalities": None, "injured": None, "arrested": None}
    for q in quantities:
        if not (sent[0] <= q.get("start", -1) and q.get("end", 0) <= sent[1]):
            continue
        field = _QUANTITY_FIELD.get(str(q.get("of")))
        value = q.get("value")
        if field is None or not isinstance(value, int | float):
            continue
        if (field == "arrested") != ("arrest" in classes):
            continue
        if field != "arrested" and not classes & (lex.VIOLENT | {"protest"}):
            continue
        out[field] = (out[field] or 0) + int(value)
    return out


def _named_dead(args: list[Argument], quantities: list[dict[str, Any]]) -> int | None:
    """Fatalities stated victim by victim ("the mayor and his driver were killed", "killed
    six Jesuit priests and their cook"): one per single-person victim plus the number
    counting each group of victims; None when a group has no number."""
    vics = [a for a in args if a.role == "victim" and (a.found_by != "window" or a.actor_id)]
    if not vics:
        return None
    total = 0
    persons: set[str] = set()
    for a in vics:
        if a.kind == "person":
            persons.add(a.actor_id or a.text.lower())
            continue
        number = next((q.get("value") for q in quantities
                       if isinstance(q.get("value"), int) and not isinstance(q.get("value"), bool)
                       and q.get("start", -1) < a.start <= q.get("start", -1) + COUNT_REACH
                       and q.get("end", 0) <= a.end), None)
        if number is None:
            return None
        total += int(number)
    return total + len(persons)


def _usable_doc(doc: Any, text: str) -> bool:
    return doc is not None and same_text(doc, text)


def _dedupe(args: list[Argument]) -> list[Argument]:
    out: list[Argument] = []
    for a in args:
        if not any(b.role == a.role and (a.kind == "organization") == (b.kind == "organization")
                   and a.start < b.end and b.start < a.end for b in out):
            out.append(a)
    return out


def _with_actor_ids(args: list[Argument], actors: list[dict[str, Any]]) -> list[Argument]:
    """Parsed arguments take the id of the actor mention they are (a person's full name and
    surname then count as one participant); a victim phrase overlapping a person's name ("the
    peasant Jose Lopez", or a part of the name) becomes that name."""
    by_span = {(int(a["start"]), int(a["end"])): a.get("actor_id") for a in actors}
    persons = [a for a in actors if a.get("kind") == "person" and a.get("actor_id")]
    out: list[Argument] = []
    for arg in args:
        if arg.actor_id is None and (arg.start, arg.end) in by_span:
            arg = replace(arg, actor_id=by_span[(arg.start, arg.end)])
        elif arg.actor_id is None and arg.role == "victim":
            named = next((p for p in persons if arg.start < int(p["end"])
                          and int(p["start"]) < arg.end), None)
            if named is not None:
                arg = replace(arg, kind="person", start=int(named["start"]),
                              end=int(named["end"]), text=str(named["text"]),
                              actor_id=named["actor_id"])
        out.append(arg)
    return out


def _arguments(text: str, sent: tuple[int, int], group: list[Trigger],
               actors: list[dict[str, Any]], doc: Any) -> list[Argument]:
    spans = [(t.start, t.end) for t in group]
    with_class = [(t.start, t.end, t.cls) for t in group]
    parsed = _with_actor_ids(parse_arguments(doc, text, with_class) if doc is not None else [],
                             actors)
    acted = [(a.start, a.end) for a in parsed if a.role in (ACTED_ON, "victim", "target")]
    perps = [p for p in _dedupe(perpetrators(text, sent, spans, actors)
                                + [a for a in parsed if a.role == "perpetrator"])
             if not any(p.start < e and s < p.end for s, e in acted)]
    vics = [a for a in parsed if a.role == "victim"]
    vics += [replace(v, found_by="window") if doc is not None else v
             for v in victims(text, sent, with_class, actors, perps + vics)]
    vics = [v for v in _dedupe(vics) if not any(
        v.start < p.end and p.start < v.end for p in perps)]
    taken = [(a.start, a.end) for a in perps + vics]
    classes = {t.cls for t in group}
    tgts = [a for a in parsed if a.role == "target"]
    if classes & {"explosive", "attack", "arson", "destroy"}:
        tgts += targets(text, sent, taken + [(a.start, a.end) for a in tgts],
                        triggers=spans if doc is not None else None)
    args = perps + vics + _dedupe(tgts) + weapons(text, sent)
    if doc is None:
        return args
    args = [expand_target(doc, a, text) if a.role == "target" else a for a in args]
    return [a if a.actor_id else trim_phrase(doc, a, text) for a in args]


def extract_events(
    text: str,
    *,
    doc: Any = None,
    sentences: list[tuple[int, int]],
    places: list[dict[str, Any]],
    actors: list[dict[str, Any]],
    dates: list[dict[str, Any]],
    quantities: list[dict[str, Any]],
    published: date | None,
) -> list[dict[str, Any]]:
    """CONTRACT event objects for ``text`` (see the module docstring)."""
    if not text or not sentences:
        return []
    triggers = [t for t in find_triggers(text, sentences=sentences, doc=doc)
                if not _is_statistic(text, t, sentences[t.sentence][0])
                and not _is_generic(text, t, sentences[t.sentence][0])]
    geography = document_places(text, places, actors)
    previous: dict[str, Any] | None = None  # the location of the last violent event
    parse_doc = doc if _usable_doc(doc, text) else None
    events: list[dict[str, Any]] = []
    parts = [(part, sentences[group[0].sentence]) for group in _groups(triggers)
             for part in (coordinated_parts(group, sentences[group[0].sentence], parse_doc)
                          if set(t.cls for t in group) & lex.VIOLENT else
                          [Part(triggers=group, zone=sentences[group[0].sentence])])]
    for part, sent in parts:
        group = part.triggers
        sentence = text[sent[0]:sent[1]]
        classes = {t.cls for t in group}
        primary = min(group, key=lambda t: (lex.CLASS_RANK.get(t.cls, 99), t.start))
        when = event_date_for(sent[0], sent[1], [d for d in dates if part.admits(d)],
                              published=published, trigger=(primary.start, primary.end),
                              text=text)
        args = _arguments(text, sent, group, actors, parse_doc) if classes & (
            lex.VIOLENT | {"protest"}) else []
        hit = " ".join(a.text for a in args if a.role in ("victim", "target"))
        forces_hit = bool(lex.SECURITY_FORCES.search(hit)) or _against_forces(
            text[primary.end:sent[1]])
        event_type, sub_type = type_event(classes, sentence, forces_hit=forces_hit)
        own_places = [p for p in places if part.admits(p)]
        place = place_for(text, sent, (primary.start, primary.end), own_places, geography,
                          doc=parse_doc)
        location = place or previous or geography.fallback
        if classes & lex.VIOLENT:
            previous = location
        perps = [a for a in args if a.role == "perpetrator"]
        others = [a for a in args if a.role == "victim"] or perps[1:]
        confidence = BASE_CONFIDENCE + CONFIDENCE_BONUS * (
            bool(perps) + (place is not None) + (not when.get("assumed")))
        counts = _counts([q for q in quantities if part.admits(q)], sent, classes)
        if counts["fatalities"] is None and classes & {"kill"} and not classes & {"kidnap"}:
            counts["fatalities"] = _named_dead(args, quantities)
        event: dict[str, Any] = {
            "event_id": _event_id(text, group),
            "event_type": event_type,
            "sub_event_type": sub_type,
            "trigger": {"start": primary.start, "end": primary.end, "text": primary.text},
            "date": when,
            "location": location,
            "actor1": _actor_ref(perps[0] if perps else None, actors),
            "actor2": _actor_ref(others[0] if others else None, actors),
            "participants": [_participant(a) for a in args],
            **counts,
            "evidence": [{"start": sent[0], "end": sent[1]}],
            "confidence": round(min(MAX_CONFIDENCE, confidence), 3),
            "triggers": [{"start": t.start, "end": t.end, "text": t.text, "class": t.cls}
                         for t in group],
        }
        antecedent = _antecedent(text, primary, sent[0], event_type, events)
        if antecedent is not None and _same_occasion(antecedent, event, place):
            # "these attacks": told before, not a new event
            _absorb(antecedent, event)
            continue
        events.append(event)
        if place is not None and is_plural_act(parse_doc, primary):
            # "several shootings in Aktau, Almaty and Taraz": one event per place
            for other in listed_places(text, place, own_places, part.zone):
                if other is not place:
                    events.append(event | {
                        "event_id": _event_id(text, group, salt=f"@{other['start']}"),
                        "location": other, "fatalities": None, "injured": None,
                        "arrested": None})
    _add_identified_victims(text, sentences, actors, events)
    _name_persons_fully(actors, events)
    return events


def _name_persons_fully(actors: list[dict[str, Any]], events: list[dict[str, Any]]) -> None:
    """A person participant mentioned by a shorter form ("Maza Marquez", "Oqueli") points at
    the document's fullest mention of the same person ("Miguel Maza Marquez"): the span an
    analyst reads as the name (the offsets still point into the text)."""
    fullest: dict[str, dict[str, Any]] = {}
    for a in actors:
        actor_id = a.get("actor_id")
        if a.get("kind") != "person" or not actor_id:
            continue
        best = fullest.get(actor_id)
        if best is None or len(str(a["text"]).split()) > len(str(best["text"]).split()):
            fullest[actor_id] = a
    for event in events:
        for p in event["participants"]:
            best = fullest.get(str(p.get("actor_id")))
            if best is not None and p.get("kind") == "person" and \
                    len(str(best["text"]).split()) > len(str(p["text"]).split()):
                p.update(start=int(best["start"]), end=int(best["end"]), text=str(best["text"]))


def _add_identified_victims(text: str, sentences: list[tuple[int, int]],
                            actors: list[dict[str, Any]], events: list[dict[str, Any]]) -> None:
    """Victims named in a sentence of their own ("The victims were identified as A, B and
    C.", "the dead are A and B"): the persons after the cue join the participants of the
    violent event told at most :data:`IDENTIFY_REACH` sentences before (in place)."""
    violent = [(e, e["evidence"][0]["start"]) for e in events
               if e["event_type"] in _VICTIM_EVENT_TYPES]
    if not violent:
        return
    starts = [s for s, _ in sentences]
    for si, (start, end) in enumerate(sentences):
        cue = _IDENTIFIED.search(text, start, end)
        if cue is None:
            continue
        before = [(e, at) for e, at in violent if at <= start
                  and bisect_right(starts, at) - 1 >= si - IDENTIFY_REACH]
        if not before:
            continue
        event = max(before, key=lambda pair: pair[1])[0]
        known = {(p["start"], p["end"]) for p in event["participants"]}
        for a in actors:
            if cue.end() <= a["start"] and a["end"] <= end and a.get("kind") == "person" \
                    and a.get("actor_id") and (a["start"], a["end"]) not in known:
                event["participants"].append(_participant(Argument(
                    "victim", "person", int(a["start"]), int(a["end"]), str(a["text"]),
                    a["actor_id"])))
