"""True-casing of person names in ALL-CAPS wire copy, for the parser's working text.

The working text of an ALL-CAPS report is lower case with places and sentence starts
capitalised (:func:`watchfloor.extract.places_recognise.recase`). spaCy's NER finds almost no
persons in it ("hector oqueli colindres was killed"). :func:`truecase` adds a second pass over
that working text, keeping its length (every change restores a capital of the original):

1. Name-like words: alphabetic words of at least :data:`MIN_NAME_LETTERS` letters that are no
   English word (:class:`Lexicon`, read from the model's own lemmatizer tables, inflections
   included) and no stop word. In an English report these are, overwhelmingly, foreign names
   ("OQUELI", "RODRIGUEZ", "GILDA").
2. Name runs grow over neighbouring words that the lexicon knows only as nouns and that are no
   descriptor ("VICTOR SALAZAR", "WALTER MOSCOSO", but not "PEASANT RODRIGUEZ"), leftwards
   only when no determiner comes first ("THE BODYGUARD ORTEGA"). Titles are never names.
3. After a title ("COLONEL", "FATHER", "MAYOR") the next words up to :data:`MAX_TITLE_NAME_WORDS`
   that are not function words are a name, known English words or not ("FATHER IGNACIO
   ELLACURIA", "MAYOR JOSE CASTRO").
4. Short name-like words without a vowel ("FMLN", "PCP") are acronyms and keep all their
   capitals.
5. A known English word capitalised only because it starts a line in the middle of a
   sentence (wire copy wraps lines) is lower-cased again: "the army\nPrevented" reads as a
   name to the parser.
6. Single line breaks of wrapped lines become spaces, so that a name or a clause split over
   two lines is one phrase to the parser ("HECTOR OQUELI\nCOLINDRES"); blank lines and
   indented paragraph starts stay.

:func:`same_text` tells whether a parse was made of a text or of such a working copy.

The lexicon is a plain set of lower-case word forms: build it once with
:func:`lexicon_from_nlp` (the English pipeline's lemmatizer index) or give any word list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS


def _words(text: str) -> frozenset[str]:
    """A word set written as one string (easier to read and edit than a list)."""
    return frozenset(text.split())


# Shorter words ("AL", "DE") are too often abbreviations or function words to be names.
MIN_NAME_LETTERS = 3
# Words of a name after a title ("PRESIDENT ALFREDO CRISTIANI" has two).
MAX_TITLE_NAME_WORDS = 3
# Words of one person name ("JOSE ANTONIO RODRIGUEZ PORTH" has four).
MAX_NAME_WORDS = 4
# Suffix rewrites that turn an inflected English form into its lemma (plural nouns, verb
# tenses, comparatives): a word is known when one of its rewrites is in the lexicon.
_INFLECTIONS = (
    ("ies", "y"), ("ied", "y"), ("ves", "f"), ("es", ""), ("es", "e"), ("s", ""), ("ed", ""),
    ("ed", "e"), ("ing", ""), ("ing", "e"), ("er", ""), ("est", ""), ("ly", ""), ("men", "man"),
)
# Titles before a person's name (lower case, without the period of "MR.").
TITLES = _words(
    "president minister colonel col general gen lieutenant lt major maj captain capt "
    "sergeant sgt commander admiral ambassador governor mayor senator deputy judge mr mrs "
    "ms dr father bishop archbishop monsignor msgr priest sister brother attorney "
    "councilman councilwoman congressman doctor engineer professor lawyer journalist "
    "colleague leader candidate businessman rector dean comrade commandant"
)
# Nouns that describe someone rather than name them: they never join a name run.
DESCRIPTORS = TITLES | _words(
    "peasant peasants farmer worker student priest jesuit nun soldier policeman officer "
    "guard guerrilla guerrillas terrorist terrorists rebel rebels gunman gunmen man woman "
    "boy girl child children people person persons civilian civilians victim victims "
    "member members official officials spokesman son daughter wife husband mother "
    "brother sister uncle cousin family chief head director manager secretary "
    "government army police party front movement group command battalion brigade "
    "national republic democratic popular liberation revolutionary forces"
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_VOWELS = frozenset("aeiouy")
# Words before a common noun, never before a first name.
_DETERMINERS = _words("the a an his her their its this that these those our my your "
                      "one two three four five six seven eight nine ten")
# A line break inside a paragraph: not next to another one, the next line not indented.
_WRAP = re.compile(r"(?<=[^\n])\n(?=[^\n \t])")
# What lies between the last word of a line and the first of the next inside one sentence.
_MID_SENTENCE_BREAK = re.compile(r",?[ \t]*\n[ \t]*")


@dataclass(frozen=True)
class Lexicon:
    """Lower-case English word forms: ``words`` all of them, ``nouns_only`` those that are
    nouns and nothing else (names such as "victor" or "walter" are among them)."""

    words: frozenset[str]
    nouns_only: frozenset[str]

    def ordinary(self, word: str) -> bool:
        """A lower-case word the lexicon knows as a verb, adjective or adverb, not only as a
        noun: "surprise", "coast", "northern" are ordinary words, while proper nouns
        (WordNet lists "georgia", "lima", "victor" among its nouns) are nouns only."""
        return word in self.words and word not in self.nouns_only

    def knows(self, word: str) -> bool:
        if word in self.words or word in STOP_WORDS:
            return True
        return any(
            word.endswith(suffix) and len(word) - len(suffix) >= 2
            and word[: len(word) - len(suffix)] + repl in self.words
            for suffix, repl in _INFLECTIONS
        )


def lexicon_from_nlp(nlp: Any) -> Lexicon:
    """The English lexicon of a spaCy pipeline's rule lemmatizer (WordNet's index words)."""
    tables = nlp.get_pipe("lemmatizer").lookups
    index = tables.get_table("lemma_index")
    by_pos = {pos: {w for w in index.get(pos, []) if "_" not in w}
              for pos in ("noun", "verb", "adj", "adv")}
    words: set[str] = set().union(*by_pos.values())
    if tables.has_table("lemma_exc"):
        for forms in tables.get_table("lemma_exc").values():
            words.update(f for f in forms if "_" not in f)
    others = by_pos["verb"] | by_pos["adj"] | by_pos["adv"]
    return Lexicon(words=frozenset(words), nouns_only=frozenset(by_pos["noun"] - others))


def _unwrapped(text: str) -> str:
    return _WRAP.sub(" ", text)


def same_text(doc: Any, text: str) -> bool:
    """``doc`` parses ``text`` or a working copy of it made by :func:`truecase` (same length,
    same letters up to case, wrapped line breaks as spaces)."""
    other = getattr(doc, "text", None)
    if not isinstance(other, str) or len(other) != len(text):
        return False
    return other == text or _unwrapped(other.lower()) == _unwrapped(text.lower())


def _name_like(low: str, lexicon: Lexicon) -> bool:
    return len(low) >= MIN_NAME_LETTERS and low.isalpha() and not lexicon.knows(low)


def _joins_name(low: str, lexicon: Lexicon) -> bool:
    return low in lexicon.nouns_only and low not in DESCRIPTORS and low not in STOP_WORDS


def truecase(original: str, working: str, *, lexicon: Lexicon) -> str:
    """``working`` (a lower-cased copy of ALL-CAPS ``original``, same length) with person
    names capitalised as in the module docstring; same length, offsets hold."""
    if len(original) != len(working):
        return working
    words = list(_WORD.finditer(working))
    lows = [w.group(0).lower() for w in words]
    # Words whose start is joined to the previous word by one space or hyphen only.
    adjacent = [i > 0 and working[words[i - 1].end():w.start()] in (" ", "-")
                for i, w in enumerate(words)]
    names = [_name_like(low, lexicon) and low not in TITLES for low in lows]
    marks = list(names)
    for i, low in enumerate(lows):  # 3. words after a title
        if low.rstrip(".") not in TITLES:
            continue
        for j in range(i + 1, min(len(words), i + 1 + MAX_TITLE_NAME_WORDS)):
            if not adjacent[j] or lows[j] in STOP_WORDS or lows[j] in DESCRIPTORS \
                    or len(lows[j]) < 2:
                break
            marks[j] = True
    for i in range(len(words)):  # 2. name runs grow over noun-only neighbours
        if not names[i]:
            continue
        j = i
        while j > 0 and i - j < MAX_NAME_WORDS - 1 and adjacent[j] and not marks[j - 1] \
                and _joins_name(lows[j - 1], lexicon) \
                and not (j > 1 and lows[j - 2] in _DETERMINERS):  # "the bodyguard Ortega"
            marks[j - 1] = True
            j -= 1
        j = i
        while j + 1 < len(words) and j - i < MAX_NAME_WORDS - 1 and adjacent[j + 1] \
                and not names[j + 1] and _joins_name(lows[j + 1], lexicon):
            marks[j + 1] = True
            j += 1
    chars = list(working)
    for i, word in enumerate(words):  # 5. line starts inside a sentence
        start = word.start()
        if marks[i] or not working[start].isupper() or i == 0 or \
                not _MID_SENTENCE_BREAK.fullmatch(working, words[i - 1].end(), start):
            continue
        if lexicon.knows(lows[i]) and not working[words[i - 1].start()].isupper():
            chars[start] = working[start].lower()
    for word, low, mark in zip(words, lows, marks, strict=True):
        if not mark:
            continue
        start = word.start()
        if len(low) <= 4 and not _VOWELS & set(low):  # 4. acronyms keep their capitals
            chars[start:word.end()] = original[start:word.end()]
        else:
            chars[start] = original[start]
    return _unwrapped("".join(chars))  # 6.
