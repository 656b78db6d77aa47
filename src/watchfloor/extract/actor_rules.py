"""Word lists and small pattern rules used by :mod:`watchfloor.extract.actors`.

Kept apart from the matcher so that an analyst can read (and extend) the rules in one place.
Every list says why it exists; none of them names a particular actor (those live in the
dictionary data files).
"""

from __future__ import annotations

import re

# Upper-case abbreviations that are also English words. In ALL-CAPS or all-lower-case text
# case cannot tell "US" (the state) from "us" (the pronoun), so these only match there when
# written with dots ("U.S.") or right after "the" ("THE US", "THE FAR").
COMMON_WORD_ABBREVIATIONS = frozenset(
    {
        "us", "it", "is", "am", "an", "as", "at", "be", "do", "go", "he", "if", "in", "me",
        "my", "no", "of", "on", "or", "so", "to", "up", "we", "far", "tip", "let", "jam",
        "mend", "ana", "sla", "isa", "cis", "pac", "fas", "das", "mas", "mir", "ira", "eta",
        "arena", "amal", "fal", "esa", "pip", "sna", "saf", "mil", "eps",
    }
)
# Fold keys (see knowledge.actors.fold_token) of the words above are computed by the matcher.

# Words before a country name that make it a location, not an actor: "clashes in Kazakhstan",
# "deported from Uzbekistan". "of" and "to" are left out: "the government of Peru", "the
# invasion of Afghanistan", "support to the U.S." name the state as an actor (so "fled to
# Pakistan" is reported as an actor too: a known, accepted false positive).
LOCATIVE_PREPOSITIONS = frozenset(
    {
        "in", "into", "inside", "within", "across", "throughout", "near", "from", "at",
        "via", "through", "toward", "towards", "around", "outside", "between", "along",
    }
)

# A generic singular that is used as a modifier ("terrorist attack", "police station",
# "military district") is not an actor mention; these following words mark that use when no
# spaCy doc is given (with a doc the part of speech decides).
MODIFIED_NOUNS = frozenset(
    {
        "attack", "attacks", "activity", "activities", "stronghold", "strongholds", "camp",
        "camps", "station", "stations", "chief", "chiefs", "service", "district", "base",
        "bases", "operation", "operations", "training", "response", "budget", "threat",
        "threats", "violence", "leader", "leaders", "commander", "commanders", "unit",
        "units", "action", "actions", "campaign", "offensive", "movement", "might",
        "cooperation", "court", "courts", "hospital", "headquarters", "officer", "officers",
        "spokesman", "source", "sources", "vehicle", "vehicles", "plane", "planes",
        "helicopter", "helicopters", "post", "posts", "checkpoint", "checkpoints", "patrol",
        "patrols", "sanctuaries", "sanctuary", "cell", "cells", "network", "networks",
        "group", "groups", "organization", "organizations", "organisation", "command",
        "front", "wing", "band", "bands", "column", "columns", "hideout", "hideouts",
        "incursion", "incursions", "infiltration", "aggression", "crackdown", "custody",
        "regime", "junta", "installations", "installation", "targets", "target", "materiel",
        "equipment", "uniform", "uniforms", "reserve", "reserves", "academy", "school",
        "detachment", "garrison", "barracks", "aircraft", "bombing", "bombings",
        "movements", "militancy", "presence", "pressure", "plot",
        "plots", "suspects", "suspect", "report", "reports", "statement", "statements",
    }
)
# Generic aliases that read as modifiers when followed by one of MODIFIED_NOUNS.
MODIFIER_LIKE = frozenset(
    {
        "military", "paramilitary", "guerrilla", "guerilla", "terrorist", "militant",
        "rebel", "insurgent", "subversive", "police", "army", "government", "extremist",
        "separatist", "militia", "civilian", "mob", "security forces", "navy", "air force",
        "border guard", "islamist militant", "protester", "student", "workers",
        "law enforcement", "president", "presidency", "gunman", "soldier", "peasants",
    }
)

# Titles before a person's name. Lower-case forms occur in running text ("council secretary
# Marat Tajin"); the all-caps forms are matched case-insensitively in ALL-CAPS documents.
PERSON_TITLES = (
    r"President|Vice[- ]President|Prime Minister|Premier|Foreign Minister|"
    r"Defen[cs]e Minister|Interior Minister|Minister|Deputy Minister|Secretary|secretary|"
    r"Colonel|Col\.|Lieutenant Colonel|Lt\. Col\.|General|Gen\.|Lieutenant|Lt\.|Major|Maj\.?|"
    r"Captain|Capt\.|Sergeant|Sgt\.|Commander|commander|Admiral|Ambassador|ambassador|"
    r"Governor|governor|Mayor|mayor|Senator|Deputy|deputy|Judge|judge|Prosecutor|"
    r"prosecutor|spokesman|spokeswoman|spokesperson|Analyst|analyst|Mr\.?|Mrs\.?|Ms\.?|"
    r"Dr\.?|Father|Bishop|Archbishop|Monsignor|Chairman|chairman|Director|director|"
    r"correspondent|journalist|leader|Leader|Chief|Sheikh|Mullah|Imam|Emir|Commandant|"
    r"Attorney General|Archimandrite|Dean|Professor|Prof\."
)
# In ALL-CAPS text only unambiguous titles introduce a name ("A MAJOR OFFENSIVE", "THE
# DEPUTY SAID" would otherwise yield persons).
UPPER_PERSON_TITLES = (
    r"PRESIDENT|MINISTER|COLONEL|COL\.?|GENERAL|GEN\.?|LIEUTENANT|LT\.?|MAJOR|MAJ\.?|"
    r"CAPTAIN|CAPT\.?|SERGEANT|SGT\.?|COMMANDER|ADMIRAL|AMBASSADOR|GOVERNOR|MAYOR|SENATOR|"
    r"JUDGE|MR\.?|MRS\.?|MS\.?|DR\.?|FATHER|BISHOP|ARCHBISHOP|MONSIGNOR|MSGR\.?"
)
# Titles that make the person a state agent (ACLED "State forces") when no dictionary entry
# says otherwise.
STATE_TITLES = frozenset(
    {
        "president", "vice president", "vice-president", "prime minister", "premier",
        "foreign minister", "defence minister", "defense minister", "interior minister",
        "minister", "deputy minister", "colonel", "col", "lieutenant colonel", "lt col",
        "general", "gen", "lieutenant", "lt", "major", "maj", "captain", "capt", "sergeant",
        "sgt", "admiral", "ambassador", "governor", "mayor", "attorney general", "commandant",
        "prosecutor", "judge",
    }
)
# Capitalised words that end a name after a title: "Colonel Shepelev Said", "GENERAL X TODAY".
NAME_STOPWORDS = frozenset(
    {
        "the", "a", "an", "and", "or", "of", "in", "on", "at", "to", "for", "by", "with",
        "from", "said", "says", "say", "told", "added", "stated", "reported", "announced",
        "today", "yesterday", "tonight", "who", "whom", "whose", "which", "that", "this",
        "has", "have", "had", "was", "were", "is", "are", "will", "would", "also", "as",
        "during", "after", "before", "when", "where", "while", "not", "but", "he", "she",
        "it", "they", "his", "her", "its", "their", "according", "last", "next",
        "recently", "himself", "herself", "[", "]", "however", "since", "confirmed",
        "denied", "explained", "noted", "insisted", "warned", "urged", "called",
        "spoke", "speaking", "visited", "met", "arrived", "left", "ordered", "asked",
        "accused", "claimed", "declared", "issued", "signed", "received", "did", "does",
        "can", "could", "may", "might", "should", "must", "there", "here", "then", "than",
        "ministry", "council", "committee", "army", "police", "government", "party",
        "made", "these", "those", "been", "being", "now", "new", "first", "again", "already",
        "went", "came", "gave", "took", "led", "lost", "won", "tried", "wanted", "agreed",
        "refused", "described", "pointed", "indicated", "revealed", "reiterated", "stressed",
        "commented", "replied", "answered", "admitted", "acknowledged", "because",
        "if", "so", "some", "all", "any", "no", "more", "less", "other", "only", "very",
    }
)

# Head words that make a capitalised phrase the name of an organisation.
ORG_HEADS = (
    "Council|Committee|Commission|Ministry|Movement|Front|Army|Party|Brigade|Brigades|"
    "Battalion|Regiment|Division|Group|Organi[sz]ation|Union|Association|Command|Commando|"
    "Forces|Force|Network|Directorate|Agency|Service|Services|Guard|Police|Militia|Cartel|"
    "Alliance|Coalition|Federation|Congress|League|Jamaat|Jihad|Mujahideen|Taliban|Emirate|"
    "Legion|Corps|Squad|Squads|Detachment|Department|Bureau|Office|Patrol|Patrols"
)
ORG_HEAD_RE = re.compile(rf"\b(?:{ORG_HEADS})\b", re.IGNORECASE)
# Words that may join capitalised words inside one name: "Council for Relations with
# Religious Associations", "Frente de Liberación".
NAME_CONNECTORS = frozenset(
    {"of", "for", "with", "and", "the", "de", "del", "la", "las", "los", "el", "y", "al",
     "ul", "ut", "e", "i", "in", "on", "to"}
)
# Function words that may start a sentence and so be capitalised without being names.
SENTENCE_WORDS = frozenset(
    {
        "the", "a", "an", "some", "many", "most", "several", "these", "those", "this",
        "that", "all", "both", "other", "such", "two", "three", "four", "five", "local",
        "armed", "suspected", "alleged", "unidentified", "unknown", "islamic", "islamist",
        "former", "rival", "foreign", "young", "masked", "dozens", "hundreds", "thousands",
        "according", "but", "and", "in", "on", "at", "after", "before", "when", "while",
        "meanwhile", "however", "indeed", "even", "only", "also", "it", "there",
    }
)

# Rules that guess an ACLED actor type for an organisation missing from the dictionary; the
# first rule whose pattern occurs in the name wins. Order matters: "National Liberation Army"
# is a rebel group although it contains "Army".
ORG_TYPE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(liberation|revolutionary|revolution|guerrill|insurgen|rebel|jihad|"
                r"mujahid|mujahed|islamic state|caliphate|emirate|resistance|taliban|"
                r"separatist|independence)", re.I), "Rebel group"),
    (re.compile(r"\b(death squad|self[- ]defen[cs]e|militia|cartel|gang|vigilante|"
                r"paramilitar|anti-communist|anticommunist)", re.I), "Political militia"),
    (re.compile(r"\b(tribe|tribal|clan|ethnic|communal)", re.I), "Identity militia"),
    (re.compile(r"\b(police|army|armed forces|navy|air force|ministry|national guard|"
                r"battalion|regiment|division|garrison|gendarmerie|border|military|"
                r"security service|intelligence|directorate|government|presidential|"
                r"security council|prosecutor|detachment|infantry|corps)", re.I), "State forces"),
    (re.compile(r"\b(protest|demonstrat|strike|union|students)", re.I), "Protesters"),
)


def guess_org_type(name: str) -> str | None:
    """ACLED actor type for an unknown organisation name, or None when no rule applies."""
    for pattern, actor_type in ORG_TYPE_RULES:
        if pattern.search(name):
            return actor_type
    return None
