"""Arguments of an event: perpetrators, victims, targets and weapons within its sentence.

The rules read word windows around the trigger and the stage's inputs (actor mentions);
they work on ALL-CAPS wire copy and mixed case alike, with or without a parse:

- perpetrators: actors typed as armed non-state groups anywhere in the sentence; state
  forces only as the subject of an active trigger ("SOLDIERS KILLED ...") or the agent of a
  passive one ("killed by soldiers"); descriptions such as "gunmen", "armed men",
  "FMLN urban commandos" (:data:`~.event_lexicon.PERPETRATOR_NOUNS`).
- victims: persons and people nouns that are the object of an active trigger, the subject of
  a passive one ("N people were killed"), or follow "of" after a nominal trigger ("the murder
  of X"); speakers ("X said") are never victims.
- targets: building/vehicle/infrastructure nouns in a sentence of an attack, bombing or arson.
- weapons: weapon words in a sentence of violence (not in one about seized or traded arms);
  a weapon word before another is its modifier ("grenade launchers").

With a parse, phrases the trigger acts on are never its perpetrators ("the number of
terrorists killed"), leading verbs, prepositions and dates are trimmed off a phrase ("use
ground-to-air missiles"), and targets take their owner and "of" complement ("Merino's
home", "the offices of the development corporation").

Spans are noun phrases: the head word plus the modifiers right before it (never articles,
numbers or function words), so that "the electric power substation" gives "electric power
substation".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from watchfloor.extract import event_lexicon as lex

# Modifier words a noun phrase may take on its left (at most this many).
MAX_MODIFIERS = 3
# Words between a trigger verb and its object ("killed three peasants", "attacked the
# national guard barracks").
OBJECT_WINDOW_WORDS = 7
# Words between a subject and its verb ("guerrillas yesterday attacked").
SUBJECT_WINDOW_WORDS = 6
# Words between a trigger and a target noun after it ("exploded at the entrance of the
# embassy") or before it ("the embassy of X was bombed").
TARGET_AFTER_WORDS = 8
TARGET_BEFORE_WORDS = 4
# Punctuation and words that end a clause: a target beyond them belongs to another one.
_CLAUSE_BREAK = re.compile(r"[;:]|\b(?:said|says|and\s+that|while|whereas|but)\b",
                           re.IGNORECASE)
# A force named as an institution ("the army", "the armed forces", "the police") is an
# organization; its members ("soldiers", "policemen", "troops") are a group of people.
_INSTITUTION = re.compile(r"\b(?:army|armed\s+forces|air\s+force|navy|police|national\s+guard|"
                          r"military|security\s+forces|guard|forces?)$", re.IGNORECASE)
# A perpetrator noun followed, within the same phrase, by another one ("guerrilla urban
# commandos", "rebel gunmen") is a modifier of the later head.
_BEFORE_PERP_HEAD = re.compile(
    r"[\s\-]+(?:[A-Za-z]+[\s\-]+)?(?:" + "|".join(sorted(lex.PERPETRATOR_NOUNS, key=len,
                                                       reverse=True)) + r")\b", re.IGNORECASE)
# Words between a counted vague phrase ("TWO INDIVIDUALS") and the trigger it does.
COUNTED_DOER_WORDS = 3
# "FIVE MEMBERS OF THE", "PRESUMED MEMBERS OF": followed by an armed actor's name.
_MEMBERS_OF_RE = re.compile(
    r"\b(?:(?:\d{1,4}|one|two|three|four|five|six|seven|eight|nine|ten|several|some)\s+)?"
    r"(?:[a-z]+\s+)?members\s+of\s+(?:the\s+)?", re.IGNORECASE)
# A count right before a perpetrator phrase belongs to it ("10 TERRORISTS").
_COUNT_BEFORE = re.compile(
    r"\b(?:\d{1,4}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty|forty|fifty|hundred)\s+$", re.IGNORECASE)
# Vehicles after these words carried the doers or the victims: "fled in a car".
_VEHICLE = re.compile(r"cars?|vehicles?|trucks?|jeeps?|motorcycles?|pickups?|taxis?",
                      re.IGNORECASE)
_CONVEYANCE = re.compile(r"\b(?:fled|escaped|riding|rode|drove|driving|traveling|travelling|"
                         r"aboard|arrived|got\s+out\s+of)\s+(?:\w+\s+){0,3}$", re.IGNORECASE)
# Actor types that act as perpetrators wherever they stand in the sentence.
NON_STATE_ARMED = frozenset({"Rebel group", "Political militia", "Identity militia"})
# Actor types that may perpetrate when they are the grammatical agent.
AGENT_TYPES = NON_STATE_ARMED | {"State forces", "External/Other forces", "Rioters"}

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-]*")
_VICTIM_RE = re.compile(r"\b(?:" + "|".join(sorted(lex.VICTIM_NOUNS, key=len, reverse=True))
                        + r")\b", re.IGNORECASE)
_TARGET_RE = re.compile(r"\b(?:" + "|".join(sorted(lex.TARGET_NOUNS, key=len, reverse=True))
                        + r")\b", re.IGNORECASE)
_PERP_RE = re.compile(
    r"\b(?:" + "|".join(sorted(lex.PERPETRATOR_NOUNS | lex.PERPETRATOR_VAGUE, key=len,
                               reverse=True)) + r")\b", re.IGNORECASE)
_WEAPON_RE = re.compile(r"\b(?:" + lex.WEAPON_PATTERNS + r")\b", re.IGNORECASE)
# Left modifiers ending like participles are kept only when listed ("armed men").
_PARTICIPLE = re.compile(r"(?:ed|ing)$", re.IGNORECASE)
_KEEP_PARTICIPLES = lex.PERPETRATOR_MODIFIERS | frozenset({"united", "armored", "armoured"})
# Words that end a modifier run even though they are content words.
_NOT_MODIFIER = frozenset({
    "dead", "another", "prevent", "alleged", "suspected", "attack", "attacks", "bombing",
    "bomb", "killed", "murdered", "kidnapped", "said",
    "reported", "were", "yesterday", "today", "night", "morning", "afternoon", "evening",
    "past", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "latest", "recent", "out", "between", "struggle",
}) | lex.FUNCTION_WORDS
# A dotted abbreviation ("U.S.", "U.N.") modifies the noun after it.
_ABBREVIATION = re.compile(r"(?<![\w.])(?:[A-Za-z]\.){2,4}$")
# A possessive ("WEDNESDAY'S", "the army's") ends a modifier run: what it owns is the phrase.
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
# Singular perpetrator nouns that are often modifiers ("terrorist attack", "guerrilla
# column"): followed by one of these words they describe the thing, not who did it.
_MODIFIED_BY_PERP = re.compile(
    r"[\s\-]+(?:attacks?|actions?|activit(?:y|ies)|offensive|operations?|violence|"
    r"organi[sz]ations?|groups?|forces?|movements?|fronts?|columns?|units?|leaders?|"
    r"leadership|command|commanders?|campaign|war|warfare|acts?|incidents?|threats?|"
    r"positions?|camps?|bases?|radio|station|sources?|spokesm[ae]n|propaganda|"
    r"infiltration|incursions?|ambush|raids?|sabotage|harassment|struggle|"
    r"members?|factions?|cells?|bands?|gangs?|squads?|detachments?|"
    r"[a-z]*ings?)\b", re.IGNORECASE)


# Role of a parsed phrase that a trigger acts on without being a victim or a target
# ("the number of guerrillas killed"): it cannot be the perpetrator of that trigger.
ACTED_ON = "acted_on"
# A weapon word right before another one is its modifier ("rocket launchers").
_BEFORE_WEAPON_HEAD = re.compile(r"[\s\-]+(?:" + lex.WEAPON_PATTERNS + r")\b", re.IGNORECASE)
# Arms that were seized, found in a cache, bought or handed over: not used in the event.
_ARMS_HANDLED = re.compile(
    r"\b(?:confiscat\w*|seiz(?:e|ed|es|ing|ure|ures)|caches?|arsenals?|stockpiles?|"
    r"recover(?:ed|ing)|turned\s+(?:in|over)|handed\s+(?:in|over)|smuggl\w*|"
    r"shipments?|purchas\w*|bought|supplie[ds]|supplying|deliver(?:ed|ing|y|ies)|"
    r"traffic(?:king|ked)\s+in\s+(?:arms|weapons)|arms\s+(?:deal|sales?))\b", re.IGNORECASE)
# Generic state actors that speak and decide but do not perpetrate.
_NOT_PERPETRATORS = frozenset({"generic-government", "generic-authorities", "generic-president"})


@dataclass(frozen=True)
class Argument:
    role: str  # perpetrator | victim | target | weapon
    kind: str  # person | group | organization | state | object
    start: int
    end: int
    text: str
    actor_id: str | None = None
    # "window" for victims found by word windows next to a parse: unnamed ones fill the role
    # but are not counted as dead one by one (the parse's reading decides the count).
    found_by: str = ""


def noun_phrase_start(text: str, head_start: int, *, lower_bound: int) -> int:
    """Start of the noun phrase ending with the word at ``head_start``."""
    start = head_start
    count = 0
    pos = head_start
    while count < MAX_MODIFIERS:
        gap_end = pos
        i = pos - 1
        while i >= lower_bound and text[i] in " \t\n\"'-":
            i -= 1
        dotted = _ABBREVIATION.search(text, max(lower_bound, i - 8), i + 1) if i >= 0 else None
        if dotted is not None and text[i] == ".":  # "U.S. embassy"
            j = dotted.start()
            start = pos = j
            count += 1
            continue
        if i < lower_bound or not (text[i].isalnum()):
            break
        if "\n\n" in text[i:gap_end]:
            break
        j = i
        while j > lower_bound and (text[j - 1].isalnum() or text[j - 1] in "'-"):
            j -= 1
        word = text[j:i + 1]
        low = word.lower()
        if low in _NOT_MODIFIER or word.isdigit() or _POSSESSIVE.search(word):
            break
        if _PARTICIPLE.search(low) and low not in _KEEP_PARTICIPLES:
            break
        if low.endswith("ly") and low != "heavily":
            break
        start = j
        pos = j
        count += 1
    return start


def _span(text: str, start: int, end: int, *, lower_bound: int) -> tuple[int, int, str]:
    s = noun_phrase_start(text, start, lower_bound=lower_bound)
    return s, end, text[s:end]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _words_between(text: str, start: int, end: int) -> int:
    return len(_WORD.findall(text, start, end)) if end > start else 0


def _is_speaker(text: str, start: int, end: int, sent: tuple[int, int]) -> bool:
    after = text[end:min(sent[1], end + 40)]
    before = text[max(sent[0], start - 30):start]
    return bool(lex.SPEECH.match(after.strip(" ,")) or re.search(
        r"\b(?:said|according\s+to|spokesman|told)\W*$", before, re.IGNORECASE))


def _after_by(text: str, start: int, sent: tuple[int, int]) -> bool:
    """The phrase at ``start`` is the agent of a passive ("killed by men in uniform")."""
    return re.search(r"\bby\s+(?:an?\s+|the\s+)?$", text[max(sent[0], start - 9):start],
                     re.IGNORECASE) is not None


def _passive(text: str, trigger_start: int, sent_start: int) -> bool:
    return bool(lex.PASSIVE_BEFORE.search(text[max(sent_start, trigger_start - 30):trigger_start]))


def perpetrators(
    text: str, sent: tuple[int, int], triggers: list[tuple[int, int]], actors: list[dict[str, Any]]
) -> list[Argument]:
    out: list[Argument] = []
    first, last = min(t[0] for t in triggers), max(t[1] for t in triggers)
    for actor in actors:
        a_start, a_end = int(actor["start"]), int(actor["end"])
        if not (sent[0] <= a_start and a_end <= sent[1]):
            continue
        atype = actor.get("actor_type")
        if atype not in AGENT_TYPES or _is_speaker(text, a_start, a_end, sent):
            continue
        if atype not in NON_STATE_ARMED:
            if actor.get("kind") in ("person", "state") or str(actor.get("actor_id")) in \
                    _NOT_PERPETRATORS:
                continue
            subject = a_end <= first and _words_between(text, a_end, first) <= \
                SUBJECT_WINDOW_WORDS and not _passive(text, first, sent[0])
            agent = a_start >= last and re.search(
                r"\bby\s+(?:the\s+)?(?:\w+\s+){0,2}$", text[max(sent[0], a_start - 25):a_start],
                re.IGNORECASE) is not None
            if not (subject or agent):
                continue
        kind = "organization" if actor.get("kind") == "organization" or \
            _INSTITUTION.search(text, a_start, a_end) else (
            "person" if actor.get("kind") == "person" else "group")
        if kind == "group" and _PERP_RE.fullmatch(str(actor.get("text", "")).split()[-1]):
            continue  # a description: found (with its modifiers) by the noun rule below
        out.append(Argument("perpetrator", kind, a_start, a_end, text[a_start:a_end],
                            actor.get("actor_id")))
    for m in _PERP_RE.finditer(text, sent[0], sent[1]):
        low = m.group(0).lower()
        plural = low.endswith(("s", "men"))  # "gunmen firing" is no "gunman attack"
        if not plural and _MODIFIED_BY_PERP.match(text, m.end(), sent[1]):
            continue  # "terrorist attack", "guerrilla column": a modifier, not a doer
        if _BEFORE_PERP_HEAD.match(text, m.end(), sent[1]):
            continue  # "guerrilla urban commandos": the phrase of the later head holds it
        s, e, span = _span(text, m.start(), m.end(), lower_bound=sent[0])
        count = _COUNT_BEFORE.search(text, max(sent[0], s - 16), s)
        if count is not None:  # "10 terrorists", "two individuals": the number is part of it
            s = count.start()
            span = text[s:e]
        if low in lex.PERPETRATOR_VAGUE:
            mods = {w.lower() for w in _WORD.findall(span)[:-1]}
            agent = _after_by(text, s, sent) and s >= last and not low.startswith("group")
            doer = agent or (count is not None and e <= first
                             and _words_between(text, e, first) <= COUNTED_DOER_WORDS
                             and not _passive(text, first, sent[0]))
            if not mods & lex.PERPETRATOR_MODIFIERS and not doer:
                continue  # "two individuals" only as the doer: "two individuals shot him"
        if any(_overlaps((s, e), (a.start, a.end)) and a.kind == "organization" for a in out):
            s = max(s, max(a.end for a in out if _overlaps((s, e), (a.start, a.end))))
            s = s + len(text[s:e]) - len(text[s:e].lstrip(" -"))
            span = text[s:e]
        if not span.strip() or _is_speaker(text, s, e, sent):
            continue
        actor_id = next((a.get("actor_id") for a in actors
                         if int(a["start"]) <= m.start() < int(a["end"])), None)
        out.append(Argument("perpetrator", "group", s, e, span, actor_id))
    out += _members_of(text, sent, first, actors, out)
    return out


def _members_of(text: str, sent: tuple[int, int], first: int, actors: list[dict[str, Any]],
                found: list[Argument]) -> list[Argument]:
    """"FIVE MEMBERS OF THE ARMED FORCES KILLED ...", "... BY MEMBERS OF THE ARMY": members of
    an armed actor who did the act (the subject before the trigger, or the agent after
    "by") are a group of perpetrators, the count and the actor's name included."""
    out: list[Argument] = []
    for m in _MEMBERS_OF_RE.finditer(text, sent[0], sent[1]):
        actor = next((a for a in actors if int(a["start"]) == m.end()
                      and a.get("actor_type") in AGENT_TYPES), None)
        if actor is None:
            continue
        s, e = m.start(), int(actor["end"])
        subject = e <= first and _words_between(text, e, first) <= SUBJECT_WINDOW_WORDS \
            and not _passive(text, first, sent[0])
        agent = re.search(r"\bby\s+$", text[max(sent[0], s - 5):s], re.IGNORECASE)
        if (subject or agent) and not any(_overlaps((s, e), (a.start, a.end)) and
                                          a.kind != "organization" for a in found):
            out.append(Argument("perpetrator", "group", s, e, text[s:e]))
    return out


def victims(
    text: str, sent: tuple[int, int], triggers: list[tuple[int, int, str]],
    actors: list[dict[str, Any]], perps: list[Argument],
) -> list[Argument]:
    out: list[Argument] = []
    taken = [(p.start, p.end) for p in perps]
    victim_triggers = [t for t in triggers if t[2] in ("kill", "kidnap", "attack", "injure",
                                                       "explosive")]
    if not victim_triggers:
        return out

    def attached(start: int, end: int) -> bool:
        for t_start, t_end, _ in victim_triggers:
            if start >= t_end and _words_between(text, t_end, start) <= OBJECT_WINDOW_WORDS \
                    and not re.search(r"[;:]|\bsaid\b", text[t_end:start], re.IGNORECASE):
                return True  # object of the verb, or "the murder of X"
            if end <= t_start and _words_between(text, end, t_start) <= SUBJECT_WINDOW_WORDS \
                    and _passive(text, t_start, sent[0]):
                return True  # "X was killed", "three peasants were kidnapped"
        return False

    for actor in actors:
        a_start, a_end = int(actor["start"]), int(actor["end"])
        if not (sent[0] <= a_start and a_end <= sent[1]) or actor.get("kind") != "person":
            continue
        if any(_overlaps((a_start, a_end), t) for t in taken):
            continue
        if _is_speaker(text, a_start, a_end, sent) or not attached(a_start, a_end):
            continue
        out.append(Argument("victim", "person", a_start, a_end, text[a_start:a_end],
                            actor.get("actor_id")))
        taken.append((a_start, a_end))
    for m in _VICTIM_RE.finditer(text, sent[0], sent[1]):
        s, e, span = _span(text, m.start(), m.end(), lower_bound=sent[0])
        if any(_overlaps((s, e), t) for t in taken) or not attached(s, e) or \
                _after_by(text, s, sent):
            continue
        if _is_speaker(text, s, e, sent):
            continue
        out.append(Argument("victim", "person" if m.group(0).lower() in _SINGULAR else "group",
                            s, e, span))
        taken.append((s, e))
    return out


_SINGULAR = frozenset(w for w in lex.VICTIM_NOUNS if not w.endswith("s") and w not in (
    "people", "men", "women", "children", "policemen", "businessmen", "councilmen"))


def _near_trigger(text: str, start: int, end: int, triggers: list[tuple[int, int]]) -> bool:
    """A noun phrase close enough to a trigger to be what it hit: after it within
    :data:`TARGET_AFTER_WORDS` words ("exploded at the entrance of the embassy"), or before
    it within :data:`TARGET_BEFORE_WORDS` ("the embassy was bombed"), in the same clause."""
    for t_start, t_end in triggers:
        if start >= t_end and _words_between(text, t_end, start) <= TARGET_AFTER_WORDS and \
                not _CLAUSE_BREAK.search(text, t_end, start):
            return True
        if end <= t_start and _words_between(text, end, t_start) <= TARGET_BEFORE_WORDS and \
                not _CLAUSE_BREAK.search(text, end, t_start):
            return True
    return False


def targets(text: str, sent: tuple[int, int], taken: list[tuple[int, int]],
            *, triggers: list[tuple[int, int]] | None = None) -> list[Argument]:
    """Target nouns of the sentence; with ``triggers``, only those near one of them."""
    out: list[Argument] = []
    for m in _TARGET_RE.finditer(text, sent[0], sent[1]):
        s, e, span = _span(text, m.start(), m.end(), lower_bound=sent[0])
        if any(_overlaps((s, e), t) for t in taken):
            continue
        if triggers is not None and not _near_trigger(text, s, e, triggers):
            continue
        if _VEHICLE.fullmatch(m.group(0)) and _CONVEYANCE.search(text, max(sent[0], s - 30), s):
            continue  # "fled in a car", "riding a motorcycle": how they came, not what was hit
        out.append(Argument("target", "object", s, e, span))
        taken.append((s, e))
    return out


def weapons(text: str, sent: tuple[int, int]) -> list[Argument]:
    """Weapon words of the sentence with their modifiers ("powerful bomb", "AK-47 rifles");
    a weapon word before another one modifies it ("grenade launchers", "AK-47 rifle"), and
    weapons seized, found in caches or traded are not what the event was done with."""
    out: list[Argument] = []
    if _ARMS_HANDLED.search(text, sent[0], sent[1]):
        return out
    for m in _WEAPON_RE.finditer(text, sent[0], sent[1]):
        if _BEFORE_WEAPON_HEAD.match(text, m.end(), sent[1]):
            continue
        s, e, span = _span(text, m.start(), m.end(), lower_bound=sent[0])
        out.append(Argument("weapon", "object", s, e, span))
    return out


# ------------------------------------------------------------------------ with a spaCy parse
# Dependency labels of the words a trigger verb acts on, and of its doer.
_OBJECT_DEPS = frozenset({"dobj", "nsubjpass", "obj"})
_AGENT_DEPS = frozenset({"nsubj"})
# Left modifiers kept in a parsed noun phrase.
_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod"})
# Modifiers that say something about the event, not what the thing is.
_EVENT_ADJECTIVES = frozenset({"dead", "wounded", "injured", "alleged", "suspected", "another",
                               "other", "several", "many", "same", "former", "late"})
_RELATIVE = frozenset({"who", "that", "which", "whom"})


def token_at(doc: Any, start: int) -> Any:
    """The token of ``doc`` covering character ``start`` (None outside tokens)."""
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _phrase(token: Any) -> tuple[int, int]:
    """Character span of the noun phrase headed by ``token`` (a PERSON entity whole)."""
    if token.ent_type_ == "PERSON":
        for ent in token.doc.ents:
            if ent.start <= token.i < ent.end:
                return ent.start_char, ent.end_char
    start = token.i
    for child in sorted(token.lefts, key=lambda t: -t.i):
        if child.i != start - 1 or child.dep_ not in _MODIFIER_DEPS:
            break
        if child.lower_ in _EVENT_ADJECTIVES or child.like_num:
            break
        start = child.i
    first = token.doc[start]
    return first.idx, token.idx + len(token.text)


def _with_conjuncts(token: Any) -> list[Any]:
    out, todo = [], [token]
    while todo:
        t = todo.pop()
        out.append(t)
        todo += [c for c in t.children if c.dep_ in ("conj", "appos")]
    return out


def _objects(trigger: Any) -> tuple[list[Any], list[Any]]:
    """(things acted on, doers) of a trigger token."""
    acted: list[Any] = []
    doers: list[Any] = []
    head = trigger
    if trigger.dep_ == "conj" and not any(c.dep_ in _OBJECT_DEPS | _AGENT_DEPS
                                          for c in trigger.children):
        head = trigger.head  # "... and were also killed": share the first verb's subject
    if trigger.pos_ == "NOUN" and trigger.dep_ == "compound" and trigger.head.pos_ == "NOUN":
        head = trigger.head  # "the assassination attempt against X": the head's object
    for child in list(trigger.children) + ([] if head is trigger else list(head.children)):
        if child.dep_ in _OBJECT_DEPS:
            acted.append(child)
        elif child.dep_ in _AGENT_DEPS:
            doers.append(child)
        elif child.dep_ == "agent":
            doers += [g for g in child.children if g.dep_ == "pobj"]
        elif child.dep_ == "prep" and child.lower_ in ("of", "against", "on") and \
                trigger.pos_ == "NOUN" and child.head.pos_ == "NOUN":
            acted += [g for g in child.children if g.dep_ == "pobj"]
    for t in list(acted) + list(doers):
        if t.lower_ in _RELATIVE and trigger.dep_ == "relcl":
            (acted if t in acted else doers).append(trigger.head)
    if trigger.dep_ == "relcl" and not acted and any(c.dep_ == "auxpass"
                                                     for c in trigger.children):
        acted.append(trigger.head)  # "the mayor, kidnapped on 5 January, ..."
    if trigger.dep_ == "acl" and trigger.tag_ == "VBN":
        acted.append(trigger.head)
    expand = [t for a in acted for t in _with_conjuncts(a) if t.lower_ not in _RELATIVE]
    agents = [t for a in doers for t in _with_conjuncts(a) if t.lower_ not in _RELATIVE]
    return expand, agents


# Parts of speech and entity types that never begin a participant's noun phrase: a verb
# ("use ground-to-air missiles"), a date ("January dynamite"), a preposition ("inside
# university").
_NOT_PHRASE_START_POS = frozenset({"VERB", "AUX", "ADP", "DET", "PRON", "ADV", "SCONJ",
                                   "CCONJ", "PART", "INTJ", "PUNCT"})
_NOT_PHRASE_START_ENTS = frozenset({"DATE", "TIME"})


def trim_phrase(doc: Any, arg: Argument, text: str) -> Argument:
    """``arg`` without leading words that the parse says are not part of its noun phrase."""
    span = doc.char_span(arg.start, arg.end, alignment_mode="expand")
    if span is None or len(span) < 2:
        return arg
    i = 0
    while i < len(span) - 1 and ((span[i].pos_ in _NOT_PHRASE_START_POS
                                  and span[i].dep_ not in _MODIFIER_DEPS | {"nummod"})
                                 or span[i].ent_type_ in _NOT_PHRASE_START_ENTS):
        i += 1
    if i == 0:
        return arg
    start = max(arg.start, span[i].idx)
    return replace(arg, start=start, text=text[start:arg.end])


# Owners and modifiers a parsed target phrase takes on its left ("Merino's home", "the
# city's electric energy enterprise").
_TARGET_LEFT_DEPS = _MODIFIER_DEPS | {"poss", "case"}


def _left_edge(token: Any) -> int:
    """Index of the first word of ``token``'s phrase: its contiguous left modifiers (an
    owner with its own modifiers)."""
    start = token.i
    for child in sorted(token.lefts, key=lambda t: -t.i):
        if child.right_edge.i != start - 1:
            break
        if child.dep_ not in _TARGET_LEFT_DEPS or child.lower_ in _EVENT_ADJECTIVES \
                or child.like_num:
            break
        start = child.left_edge.i if child.dep_ == "poss" else child.i
    while start < token.i and token.doc[start].pos_ in ("DET", "NUM"):
        start += 1
    return start


def expand_target(doc: Any, arg: Argument, text: str) -> Argument:
    """A target phrase as the parse draws it: all its left modifiers and owner ("Public
    Works Minister Mauricio Stubig's residence") and an "of" complement ("the offices of
    the local development corporation")."""
    span = doc.char_span(arg.start, arg.end, alignment_mode="expand")
    if span is None or not len(span):
        return arg
    head = span[-1]
    first = min(_left_edge(head), span[0].i)
    last = head.i
    of = next((c for c in head.rights if c.dep_ == "prep" and c.lower_ == "of"
               and c.i == head.i + 1), None)
    pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    if pobj is not None and pobj.pos_ in ("NOUN", "PROPN") and \
            "," not in doc[head.i + 2:pobj.i + 1].text:
        last = pobj.i
    start, end = doc[first].idx, doc[last].idx + len(doc[last].text)
    if (start, end) == (arg.start, arg.end) or "\n\n" in text[start:end]:
        return arg
    return replace(arg, start=start, end=end, text=text[start:end])


def parse_arguments(
    doc: Any, text: str, triggers: list[tuple[int, int, str]]
) -> list[Argument]:
    """Victims, targets and described perpetrators from the dependency parse of ``doc``
    (whose text equals ``text`` up to letter case)."""
    out: list[Argument] = []
    for start, _, cls in triggers:
        if cls not in ("kill", "kidnap", "attack", "injure", "explosive", "arson", "destroy"):
            continue
        token = token_at(doc, start)
        if token is None:
            continue
        acted, doers = _objects(token)
        for t in acted:
            s, e = _phrase(t)
            low = t.lower_
            if t.ent_type_ == "PERSON" or (low in lex.VICTIM_NOUNS and cls != "arson"):
                kind = "person" if t.ent_type_ == "PERSON" or low in _SINGULAR else "group"
                out.append(Argument("victim", kind, s, e, text[s:e]))
            elif low in lex.TARGET_NOUNS:
                out.append(Argument("target", "object", s, e, text[s:e]))
            else:  # "the number of terrorists killed", "fired on FMLN columns"
                out.append(Argument(ACTED_ON, "group", s, e, text[s:e]))
        for t in doers:
            if t.lower_ in lex.PERPETRATOR_NOUNS:
                s, e = _phrase(t)
                out.append(Argument("perpetrator", "group", s, e, text[s:e]))
            elif t.ent_type_ == "PERSON" and cls != "injure":  # "Colonel X killed", "by X"
                s, e = _phrase(t)
                out.append(Argument("perpetrator", "person", s, e, text[s:e]))
    return out
