"""Word lists of the events stage: triggers by class, and argument nouns by role.

Triggers are regular expressions over the text (matched case-insensitively, so ALL-CAPS wire
copy and mixed case behave alike) covering every inflection of a verb and its nouns. Each
trigger has a *class* (:data:`TRIGGERS`); :mod:`.event_typing` turns a class plus its
context into an ACLED type. Argument nouns are head words; spans grow to their modifiers in
:mod:`.event_arguments`.
"""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    """A set written as one string (easier to read and edit than a list)."""
    return frozenset(text.split())


_words = words


# (pattern, class). Order matters only for readability: the longest match wins.
TRIGGERS: tuple[tuple[str, str], ...] = (
    # explosives and remote violence
    (r"suicide\s+(?:[a-z]+\s+)?(?:attacks?|bomb\w*|blasts?|explosions?)", "explosive"),
    (r"(?:car|truck|letter|parcel|pipe|time|incendiary|suicide)[\s-]+bomb(?:s|ings?)?",
     "explosive"),
    (r"bomb(?:s|ed|ing|ings)?|bombard(?:s|ed|ing|ment|ments)?", "explosive"),
    (r"explo(?:de|des|ded|ding|sion|sions)", "explosive"),
    (r"blasts?|detonat(?:e|es|ed|ing|ion|ions)", "explosive"),
    (r"(?:blew|blow|blows|blowing|blown)\s+up", "explosive"),
    (r"dynamit(?:ed|ing)", "explosive"),
    (r"shell(?:ed|ing|ings)|(?:mortar|rocket|artillery|missile|grenade)\s+(?:attacks?|fire)",
     "explosive"),
    (r"(?:air|drone|aerial)[\s-]*(?:strikes?|raids?|attacks?|bombings?)|airstrikes?", "explosive"),
    # fighting (before attacks: "shoot out" is a clash, not a shooting)
    (r"clash(?:es|ed|ing)?|skirmish(?:es|ed)?|shoot[\s-]?outs?|fire[\s-]?fights?"
     r"|gun[\s-]?fights?|gun[\s-]?battles?|battl(?:e|es|ed|ing)|fighting|fought|combats?",
     "clash"),
    # attacks and killings
    (r"attack(?:s|ed|ing)?|assault(?:s|ed|ing)?|raid(?:s|ed|ing)?|ambush(?:es|ed|ing)?"
     r"|(?:armed\s+)?incursions?", "attack"),
    (r"(?:shoot|shoots|shooting|shootings|shot)(?:\s+(?:dead|down|at))?|gunned\s+down"
     r"|machine[\s-]?gunned|strafe[sd]?|strafing|opened\s+fire|open\s+fire|fired\s+(?:on|at)",
     "attack"),
    (r"kill(?:s|ed|ing|ings)?|murder(?:s|ed|ing)?|assassinat(?:e|es|ed|ing|ion|ions)"
     r"|massacre(?:s|d)?|massacring|slay(?:s|ing)?|slain|slew|execut(?:e|ed|es|ing)"
     r"|beheaded|lynch(?:ed|ing)?", "kill"),
    (r"wound(?:s|ed|ing)?|injur(?:e|es|ed|ing)", "injure"),
    (r"kidnap(?:s|ped|ed|ping|ing|pings|ings)?|abduct(?:s|ed|ing|ion|ions)?"
     r"|(?:taken|took|take|held)\s+hostage|hostage[\s-]+taking", "kidnap"),
    # property
    (r"burn(?:s|ed|t|ing)?|set\s+(?:on\s+)?fire|torch(?:ed|ing)|arson", "arson"),
    (r"rob(?:s|bed|bing|bery|beries)|loot(?:s|ed|ing)|sabotag(?:e|ed|es|ing)", "destroy"),
    (r"destroy(?:s|ed|ing)?|damag(?:e|ed|es|ing)|dynamited", "destroy"),
    # demonstrations
    (r"protest(?:s|ed|ing|ers)?|demonstrat(?:e|ed|es|ing|ion|ions|ors)|rall(?:y|ies|ied)"
     r"|sit[\s-]ins?|picket(?:s|ed|ing)?|hunger\s+strikes?|(?:general|labou?r|national)\s+"
     r"strikes?|(?:went|go|goes|going)\s+on\s+strike|strikers", "protest"),
    (r"riot(?:s|ed|ing|ers)?|unrest|rampag(?:e|es|ed|ing)|mob\s+violence|mobs?"
     r"|(?:ethnic|sectarian|communal|inter-?ethnic)\s+(?:violence|clashes|fighting)", "riot"),
    # strategic developments
    (r"arrest(?:s|ed|ing)?|detain(?:s|ed|ing)?|detention|apprehend(?:s|ed|ing)?"
     r"|captur(?:e|es|ed|ing)|jail(?:s|ed|ing)?|imprison(?:s|ed|ing|ment)?", "arrest"),
    (r"deport(?:s|ed|ing|ation|ations)?|expel(?:s|led|ling)|expulsions?"
     r"|extradit(?:e|es|ed|ing|ion|ions)", "deport"),
    (r"sentenc(?:e|es|ed|ing)|convict(?:s|ed|ing)", "sentence"),
    (r"security\s+measures|checkpoints?|military\s+district|state\s+of\s+(?:siege|emergency)"
     r"|curfews?", "security"),
    (r"agreements?|accords?|cease[\s-]?fires?|truces?|peace\s+(?:treaty|deal|pact)",
     "agreement"),
)

# Nouns that only name a kind of event in general ("terrorism", "violence") are no triggers;
# neither are these readings of trigger words.
NOT_TRIGGER = _words(
    "bombers attackers raiders kidnappers protesters demonstrators rioters assassins "
    "killers shooters robbers looters"
)

# Classes that describe violence (they take perpetrators, victims, targets, weapons).
VIOLENT = frozenset({"explosive", "attack", "kill", "injure", "kidnap", "clash", "arson",
                     "destroy", "riot"})
# When several triggers share a sentence, the event is typed by the highest-ranked class.
CLASS_RANK = {c: i for i, c in enumerate((
    "explosive", "kidnap", "attack", "kill", "clash", "arson", "riot", "destroy", "injure",
    "protest", "arrest", "deport", "sentence", "agreement", "security"))}

# Perpetrator descriptions (head nouns, singular and plural).
PERPETRATOR_NOUNS = _words(
    "guerrilla guerrillas gunman gunmen terrorist terrorists rebel rebels insurgent "
    "insurgents militant militants subversive subversives assailant assailants attacker "
    "attackers kidnapper kidnappers abductor abductors hitman hitmen assassin assassins "
    "killer killers bomber bombers commando commandos squad squads paramilitary "
    "paramilitaries separatist separatists extremist extremists narcoterrorist "
    "narcoterrorists trafficker traffickers mercenary mercenaries sicario sicarios "
    "raider raiders rioters mob mobs jihadist jihadists fighters column columns"
)
# "armed men", "unidentified individuals": these heads are perpetrators only with a modifier.
PERPETRATOR_VAGUE = _words("men individuals persons people group groups youths")
PERPETRATOR_MODIFIERS = _words(
    "armed unidentified unknown masked hooded heavily hooded uniformed"
)
# People who suffer violence (head nouns).
VICTIM_NOUNS = _words(
    "civilian civilians peasant peasants farmer farmers student students priest priests "
    "jesuit jesuits nun nuns child children woman women man men boy girl person persons "
    "people villager villagers worker workers leader leaders official officials mayor "
    "judge judges journalist journalists businessman businessmen soldier soldiers "
    "policeman policemen officer officers agent agents guard guards bodyguard bodyguards "
    "driver drivers member members employee employees teacher teachers candidate "
    "candidates minister ministers councilman councilmen passenger passengers tourist "
    "tourists resident residents family families citizen citizens diplomat diplomats "
    "ambassador archbishop bishop trade unionist unionists director manager engineer "
    "engineers lawyer lawyers wife son daughter brother father mother relatives "
    "hostage hostages victim victims"
)
# Buildings, vehicles and infrastructure (head nouns).
TARGET_NOUNS = _words(
    "building buildings house houses home homes office offices headquarters embassy "
    "embassies consulate bank banks vehicle vehicles car cars bus buses truck trucks jeep "
    "jeeps bridge bridges tower towers pylon pylons substation substations station "
    "stations plant plants pipeline pipelines school schools church churches farm farms "
    "store stores shop shops hotel hotels facility facilities installation installations "
    "residence residences plane planes aircraft helicopter helicopters train trains "
    "restaurant restaurants warehouse warehouses factory factories dam dams "
    "airport port barracks base bases post posts garrison garrisons ministry hospital "
    "university campus market newspaper radio network branch branches "
    "company companies offices premises structure structures property properties "
    "installations estate ranch vessel ship boat ambulance motorcycle tanker"
)
# Weapons (head nouns); multi-word forms are matched whole.
WEAPON_PATTERNS = (
    r"car[\s-]+bombs?|truck[\s-]+bombs?|(?:incendiary|time|letter|parcel|pipe)\s+bombs?"
    r"|bombs?|dynamite(?:\s+(?:charges?|sticks?))?|(?:sticks?\s+of\s+)?dynamite"
    r"|explosives?(?:\s+(?:devices?|charges?))?|(?:explosive|incendiary)\s+devices?"
    r"|grenades?|mortars?|rockets?|missiles?|(?:machine|sub-?machine)\s*[\s-]?guns?"
    r"|rifles?|firearms?|guns?|pistols?|revolvers?|machetes?|knives|knife|mines?"
    r"|landmines?|molotov\s+cocktails?|m-?16s?|ak-?47s?|uzis?|shotguns?|bazookas?"
    r"|launchers?|ieds?"
)
# Words a noun phrase never extends left over.
FUNCTION_WORDS = _words(
    "a an the this that these those his her its their our my your some any no every each "
    "of in on at by to for from with without into onto near against about after before "
    "during and or but as than then when while who whom whose which what where there here "
    "is are was were be been being has have had do does did will would shall should may "
    "might can could must not also only just said says told two three four five six seven "
    "eight nine ten one several many few other others more most all both such same "
    "today yesterday tonight last next first second third"
)
# Speech verbs: a person next to one is the speaker, not a participant.
SPEECH = re.compile(
    r"\b(?:said|says|say|reported|reports|stated|states|added|adds|noted|notes|told|tells|"
    r"announced|announces|declared|explained|confirmed|denied|according\s+to|spokesman)\b",
    re.IGNORECASE,
)
# Passive auxiliaries: "were killed" puts the victim before the verb.
PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|be|is|are|got|get)\s+(?:\w+\s+)?$",
                            re.IGNORECASE)
# Words that put a trigger in a negated or hypothetical frame when they come just before it.
NEGATION = re.compile(
    r"\b(?:not|never|no|nobody|no\s+one|none|n't|nor|without|den(?:y|ies|ied)|refut(?:e|ed|es)|ruled\s+out|"
    r"rejected)\b", re.IGNORECASE)
MODALITY = re.compile(
    r"\b(?:may|might|could|would|will|shall|should|must|'ll|plan(?:s|ned|ning)?\s+to|"
    r"intend(?:s|ed)?\s+to|threat(?:s|en|ens|ened|ening)?(?:\s+(?:of|to))?|vow(?:s|ed)?\s+to|"
    r"warn(?:s|ed)?\s+(?:of|against)|prevent(?:s|ed|ing)?|avert(?:ed)?|foil(?:s|ed)?|"
    r"thwart(?:s|ed)?|possible|possibility|risk\s+of|fear(?:s|ed)?|if|unless|wants?\s+to|"
    r"order(?:s|ed)?\s+to|call(?:s|ed)?\s+for|going\s+to|preparing\s+to|about\s+to)\b",
    re.IGNORECASE,
)
# Explosive sub-types, checked in the sentence in this order.
SUICIDE = re.compile(r"\bsuicide\b", re.IGNORECASE)
AIR = re.compile(r"\b(?:air|drone|aerial)[\s-]*(?:strikes?|raids?|attacks?|bomb\w*)\b"
                 r"|\bairstrikes?\b|\b(?:planes?|aircraft|helicopters?|gunships?)\b",
                 re.IGNORECASE)
SHELLING = re.compile(r"\b(?:shell(?:s|ed|ing)?|artillery|mortars?|rockets?|missiles?"
                      r"|howitzers?)\b", re.IGNORECASE)
GRENADE = re.compile(r"\bgrenades?\b", re.IGNORECASE)
# Security forces as victims or targets make an attack a battle (ACLED: armed clash).
SECURITY_FORCES = re.compile(
    r"\b(?:soldiers?|troops?|army|military|police(?:man|men)?|patrols?|garrisons?|"
    r"barracks|guards?|national\s+guard|battalions?|brigades?|armed\s+forces|"
    r"security\s+(?:forces|services)|servicem[ae]n|officers?)\b", re.IGNORECASE)
PROTESTERS = re.compile(
    r"\b(?:protest\w*|demonstrat\w*|strikers?|workers|students|marchers|crowds?|rall\w*)\b",
    re.IGNORECASE)
INTERVENTION = re.compile(r"\b(?:dispers\w*|tear\s*gas|water\s+cannon|broke\s+up|"
                          r"baton\w*|rubber\s+bullets)\b", re.IGNORECASE)
