"""Event triggers and their ACLED types.

``find_triggers(text, sentences=..., doc=None)`` finds trigger words (all inflections, verbs
and nouns, any letter case) and drops those in a negated or hypothetical frame ("denied that
... attacked", "may attack", "threatened to kill", "plans to bomb"). With a parsed spaCy
``doc`` whose text is the same as ``text`` up to letter case, the parse adds: a ``neg``
child or a modal auxiliary of the trigger, a governing verb of denial or intention, and
drops verbs in the future tense; without it a short window of words before the trigger
decides.

``type_event(classes, sentence)`` maps the trigger classes of one sentence to an ACLED
``(event_type, sub_event_type)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from watchfloor.extract import event_lexicon as lex
from watchfloor.extract.truecase import same_text

# Words before a trigger searched for negation ("did not attack", "denied that X attacked").
NEGATION_WINDOW_WORDS = 4
# Words before a trigger searched for modality ("may attack", "threatened to kill").
MODALITY_WINDOW_WORDS = 3
# Governing words walked up from a trigger looking for denial, intention or negation.
UNREAL_HEAD_STEPS = 4
# Governing verbs (lemmas) that make the event unreal.
_UNREAL_HEADS = frozenset({"deny", "plan", "threaten", "intend", "want", "vow", "warn",
                           "prevent", "fear", "avert", "foil", "thwart", "refute", "reject"})
# Classes whose announcement is itself the event ("will set up 25 checkpoints").
PLANNED_CLASSES = frozenset({"security", "agreement"})
_MODALS = frozenset({"may", "might", "could", "would", "will", "shall", "should", "must"})
# Verbs of undergoing: their object happens only if they do ("may fall victim to incursions",
# "could face attacks" are no events; "suffered attacks", "were subjected to raids" are).
_UNDERGO_HEADS = frozenset({"suffer", "face", "experience", "undergo", "endure", "fall",
                            "subject", "risk"})
# "Demonstrate" meaning "show" ("the effectiveness demonstrated by the militants",
# "demonstrated their strength") is no protest: the verb followed by its object or agent.
_SHOW_SENSE = re.compile(
    r"demonstrat(?:e|es|ed|ing)\s+(?:that|how|what|its|their|his|her|the|a|an|by|this|"
    r"these|those|no|great|considerable|real)\b", re.IGNORECASE)

_TRIGGER_RE = re.compile(
    "|".join(rf"(?P<t{i}>\b(?:{pattern})\b)" for i, (pattern, _) in enumerate(lex.TRIGGERS)),
    re.IGNORECASE,
)
_CLASS_OF = {f"t{i}": cls for i, (_, cls) in enumerate(lex.TRIGGERS)}
_WORDS_RE = re.compile(r"[A-Za-z']+")


@dataclass(frozen=True)
class Trigger:
    start: int
    end: int
    text: str
    cls: str  # a key of event_lexicon.CLASS_RANK
    sentence: int  # index into the sentence list


def _last_words(text: str, start: int, lower: int, n: int) -> str:
    chunk = text[lower:start]
    clause = re.split(r"[;:()\[\]\"]|--", chunk)[-1]
    words = _WORDS_RE.findall(clause)
    return " ".join(words[-n:])


# The month May, not the modal: "in May", "on 5 May", "May 17" (any case), or a capitalised
# "May" inside a mixed-case sentence.
_MONTH_MAY = re.compile(
    r"(?:\b(?:in|on|of|since|until|till|early|late|mid|last|next|by|from|through|during|"
    r"before|after|\d{1,2})[\s-]+)May\b|\bMay(?=\s+\d)", re.IGNORECASE)


def _without_month_may(text: str, lower: int, start: int) -> str:
    """``text[lower:start]`` with the month May blanked out (same length)."""
    chunk = _MONTH_MAY.sub(lambda m: m.group(0)[:-3] + "   ", text[lower:start])
    if not text[lower:start].isupper():  # mixed case: a capitalised May past the start
        chunk = re.sub(r"(?<=\S\s)May\b", "   ", chunk)
    return chunk


def unreal_by_window(text: str, start: int, sent_start: int) -> bool:
    """Negated or hypothetical judging from the words just before ``start``."""
    neg = _last_words(text, start, sent_start, NEGATION_WINDOW_WORDS)
    lower = max(sent_start, start - 200)
    mod = _last_words(_without_month_may(text, lower, start), start - lower, 0,
                      MODALITY_WINDOW_WORDS)
    return bool(lex.NEGATION.search(neg) or lex.MODALITY.search(mod))


def _token_at(doc: Any, start: int) -> Any:
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def unreal_by_parse(doc: Any, start: int) -> bool:
    """Negated, modal, future or governed by a verb of denial or intention (spaCy parse)."""
    token = _token_at(doc, start)
    if token is None:
        return False
    for child in token.children:
        if child.dep_ == "neg":
            return True
        if child.dep_ in ("aux", "auxpass") and child.lower_ in _MODALS:
            return True
    head = token
    for _ in range(UNREAL_HEAD_STEPS):  # "denied that guerrillas had attacked", "plans to bomb"
        if head.head is head:
            break
        dep = head.dep_
        infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in head.children)
        if dep not in ("ccomp", "xcomp", "advcl", "dobj", "pobj", "prep", "conj"):
            break
        if dep == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in head.children):
            break  # a verb with its own subject is its own statement
        head = head.head
        if dep != "conj" and head.lemma_.lower() in _UNREAL_HEADS:
            return True
        if head.lemma_.lower() in _UNDERGO_HEADS and any(
                c.dep_ == "aux" and c.lower_ in _MODALS for c in head.children):
            return True  # "may soon fall victim to incursions"
        if (dep in ("xcomp", "conj") or (dep == "ccomp" and infinitive)) and any(
                c.dep_ == "neg" or (c.dep_ == "aux" and c.lower_ in _MODALS)
                for c in head.children):
            return True  # "will not allow them to regroup and begin attacking"
    return False


def find_triggers(
    text: str, *, sentences: list[tuple[int, int]], doc: Any = None
) -> list[Trigger]:
    """Real (not negated, not hypothetical) event triggers of ``text``, in text order."""
    use_doc = doc is not None and same_text(doc, text)
    out: list[Trigger] = []
    si = 0
    for m in _TRIGGER_RE.finditer(text):
        word = m.group(0)
        if word.lower() in lex.NOT_TRIGGER:
            continue
        while si < len(sentences) - 1 and sentences[si][1] <= m.start():
            si += 1
        sent_start = sentences[si][0] if sentences else 0
        cls = _CLASS_OF[m.lastgroup or ""]
        if cls == "protest" and _SHOW_SENSE.match(text, m.start()):
            continue
        if cls in PLANNED_CLASSES:  # announced measures and deals are the development
            if lex.NEGATION.search(_last_words(text, m.start(), sent_start, 2)):
                continue
        elif unreal_by_window(text, m.start(), sent_start) or (
                use_doc and unreal_by_parse(doc, m.start())):
            continue
        out.append(Trigger(m.start(), m.end(), text[m.start():m.end()], cls, si))
    return out


def explosive_sub_type(sentence: str) -> str:
    if lex.SUICIDE.search(sentence):
        return "Suicide bomb"
    if lex.GRENADE.search(sentence):
        return "Grenade"
    if lex.AIR.search(sentence):
        return "Air/drone strike"
    if lex.SHELLING.search(sentence):
        return "Shelling/artillery/missile attack"
    return "Remote explosive/landmine/IED"


def type_event(
    classes: set[str], sentence: str, *, forces_hit: bool = False
) -> tuple[str, str]:
    """ACLED ``(event_type, sub_event_type)`` for the trigger classes of one event.

    ``forces_hit``: the victims or targets are security forces (an attack on them is a
    battle, ACLED's "Armed clash").
    """
    primary = min(classes, key=lambda c: lex.CLASS_RANK.get(c, 99))
    protesters = bool(lex.PROTESTERS.search(sentence))
    if primary == "explosive":
        return "Explosions/Remote violence", explosive_sub_type(sentence)
    if primary == "kidnap":
        return "Violence against civilians", "Abduction/forced disappearance"
    if primary in ("kill", "injure") and "clash" in classes:
        primary = "clash"  # "killed in a shoot-out": the deaths belong to the clash
    if primary in ("attack", "kill", "injure"):
        if "protest" in classes:
            return "Protests", "Excessive force against protesters"
        if forces_hit:
            return "Battles", "Armed clash"
        return "Violence against civilians", "Attack"
    if primary == "clash":
        if protesters or "riot" in classes or "protest" in classes:
            return "Riots", "Violent demonstration"
        return "Battles", "Armed clash"
    if primary == "riot":
        return "Riots", "Violent demonstration" if protesters else "Mob violence"
    if primary in ("arson", "destroy"):
        return "Strategic developments", "Looting/property destruction"
    if primary == "protest":
        if lex.INTERVENTION.search(sentence):
            return "Protests", "Protest with intervention"
        return "Protests", "Peaceful protest"
    if primary == "arrest":
        return "Strategic developments", "Arrests"
    if primary == "agreement":
        return "Strategic developments", "Agreement"
    if primary == "security":
        return "Strategic developments", "Change to group/activity"
    return "Strategic developments", "Other"  # deportations, sentences
