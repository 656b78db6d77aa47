"""True-casing of ALL-CAPS working text: names, titles, acronyms, wrapped lines."""

from __future__ import annotations

from types import SimpleNamespace

from watchfloor.extract.truecase import Lexicon, same_text, truecase

# A small English lexicon (the pipeline reads a large one from the model's lemmatizer).
NOUNS = "peasant leader mayor bodyguard victor walter house party army front guard morning street"
LEXICON = Lexicon(words=frozenset((NOUNS + " kill shoot wound report arrive").split(" ")),
                  nouns_only=frozenset(NOUNS.split(" ")))


def _case(original: str) -> str:
    return truecase(original, original.lower(), lexicon=LEXICON)


def test_unknown_words_are_names_and_length_holds() -> None:
    original = "GUNMEN KILLED PEASANT LEADER RAMON OQUELI YESTERDAY."
    working = _case(original)
    assert len(working) == len(original)
    assert "Ramon Oqueli" in working
    assert "peasant leader" in working  # known words and descriptors stay lower case


def test_name_runs_take_noun_only_neighbours_but_not_after_a_determiner() -> None:
    assert "Victor Salazar" in _case("THEY SHOT VICTOR SALAZAR TODAY.")
    assert "the bodyguard Ortega" in _case("THEY SHOT THE BODYGUARD ORTEGA TODAY.")


def test_words_after_a_title_are_a_name_even_when_known() -> None:
    assert "mayor Walter House" in _case("THEY SHOT MAYOR WALTER HOUSE TODAY.")


def test_acronyms_keep_their_capitals() -> None:
    assert "the FMLN" in _case("THE FMLN REPORTED IT.")


def test_wrapped_lines_become_spaces_and_line_starts_are_not_names() -> None:
    original = "THE ARMY\nREPORTED THAT GUNMEN SHOT RAMON OQUELI\nCOLINDRES.\n\n   NEXT."
    working = truecase(original, "The army\nReported that gunmen shot ramon oqueli\n"
                                 "colindres.\n\n   Next.", lexicon=LEXICON)
    assert "army reported" in working
    assert "Ramon Oqueli Colindres" in working
    assert "\n\n   Next" in working  # paragraphs stay
    assert same_text(SimpleNamespace(text=working), original)
    assert not same_text(SimpleNamespace(text=working[:-1] + "x"), original)


def test_ordinary_words_are_known_beyond_nouns() -> None:
    # a verb is an ordinary word; a word known only as a noun may be a proper noun
    assert LEXICON.ordinary("shoot")
    assert not LEXICON.ordinary("victor") and not LEXICON.ordinary("oqueli")
