"""Temporal expressions: seeds, relative dates, MUC wire style, edge cases and speed."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from watchfloor.extract.dates import event_date_for, extract_dates, sentence_spans

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"
IWPR = SEEDS / "iwpr-astana-imu-fears.txt"
STRATFOR = SEEDS / "stratfor-dispatch-islamist-militancy-kazakhstan-2011-12-20.txt"
PUB = date(2011, 12, 20)  # a Tuesday


def one(text: str, needle: str, published: date | None = PUB) -> dict:
    found = [d for d in extract_dates(text, published=published) if needle in d["text"]]
    assert found, f"{needle!r} not found in {extract_dates(text, published=published)}"
    return found[0]


def rng(d: dict) -> tuple:
    return d["start_date"], d["end_date"], d["precision"], d["anchor"]


def seed(path: Path) -> str:
    if not SEEDS.is_dir():
        pytest.skip("seed directory absent")
    return path.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------ seeds
def test_iwpr_without_publication_date_leaves_late_september_unanchored():
    text = seed(IWPR)
    d = one(text, "late September", None)
    assert d["text"] == "late September"
    assert (d["value"], d["start_date"], d["end_date"]) == (None, None, None)
    assert d["precision"] == "part_of_month" and d["anchor"] == "none"
    for d in extract_dates(text, published=None):
        assert d["anchor"] == "none" and d["start_date"] is None  # never today


def test_iwpr_with_publication_date():
    text = seed(IWPR)
    pub = date(2000, 11, 1)
    d = one(text, "late September", pub)
    assert rng(d) == ("2000-09-21", "2000-09-30", "part_of_month", "published")
    assert d["value"] == "2000-09"
    assert rng(one(text, "this week", pub))[2] == "week"
    spring = one(text, "spring and summer of next year", pub)
    assert rng(spring) == ("2001-03-01", "2001-08-31", "season", "published")


def test_stratfor_expectations():
    text = seed(STRATFOR)
    dates = extract_dates(text, published=PUB)
    by_text = {d["text"]: d for d in dates}
    assert rng(by_text["over the weekend"]) == ("2011-12-17", "2011-12-18", "week", "published")
    may = by_text["May"]
    assert may["value"] == "2011-05" and may["anchor"] == "context"
    assert rng(by_text["August 2010"]) == ("2010-08-01", "2010-08-31", "month", "absolute")
    earlier = by_text["earlier in the year"]
    assert rng(earlier) == ("2010-01-01", "2010-12-31", "year", "context")
    late90 = by_text["late 90\u2019s"]
    assert rng(late90) == ("1997-01-01", "1999-12-31", "decade", "absolute")
    early2000 = by_text["early 2000\u2019s"]
    assert (early2000["start_date"], early2000["end_date"]) == ("2000-01-01", "2003-12-31")
    assert by_text["this year"]["value"] == "2011"
    assert by_text["Dec 20, 2011"]["value"] == "2011-12-20"
    assert by_text["9/11"]["value"] == "2001-09-11"
    for d in dates:
        assert text[d["start"]:d["end"]] == d["text"]


def test_count_is_not_a_year():
    text = "Half of the 2252 spiritual organizations in the country are unregistered."
    assert extract_dates(text, published=PUB) == []
    assert extract_dates("They run 1990 schools.", published=PUB) == []
    assert extract_dates("in 2252 organizations", published=PUB) == []


@pytest.mark.parametrize("text,value", [
    ("Violence rose in 2011.", "2011"),
    ("Nothing changed since 2010.", "2010"),
    ("2011 was a bad year.", "2011"),
    ("The year 1999 ended badly.", "1999"),
])
def test_years_need_a_cue(text, value):
    assert [d["value"] for d in extract_dates(text, published=PUB)] == [value]


# --------------------------------------------------------------------------------- relative
@pytest.mark.parametrize("text,needle,expected", [
    ("Two bombs went off yesterday.", "yesterday", ("2011-12-19", "2011-12-19", "day")),
    ("Talks resume today.", "today", ("2011-12-20", "2011-12-20", "day")),
    ("Troops moved in on Monday.", "Monday", ("2011-12-19", "2011-12-19", "day")),
    ("Troops moved in on Friday.", "Friday", ("2011-12-16", "2011-12-16", "day")),
    ("Rebels attacked last Tuesday.", "last Tuesday", ("2011-12-13", "2011-12-13", "day")),
    ("The summit opens next Friday.", "next Friday", ("2011-12-23", "2011-12-23", "day")),
    ("Ministers meet this week.", "this week", ("2011-12-19", "2011-12-25", "week")),
    ("Fighting eased last week.", "last week", ("2011-12-12", "2011-12-18", "week")),
    ("Fighting flared last month.", "last month", ("2011-11-01", "2011-11-30", "month")),
    ("Budgets rise next year.", "next year", ("2012-01-01", "2012-12-31", "year")),
    ("The army grew this year.", "this year", ("2011-01-01", "2011-12-31", "year")),
    ("Polls closed earlier this year.", "earlier this year", ("2011-01-01", "2011-12-20", "year")),
    ("Clashes erupted in May.", "May", ("2011-05-01", "2011-05-31", "month")),
    ("A truce was signed in early December.", "early December",
     ("2011-12-01", "2011-12-10", "part_of_month")),
    ("Rains came in mid-October.", "mid-October", ("2011-10-11", "2011-10-20", "part_of_month")),
    ("Protests began three days ago.", "three days ago", ("2011-12-17", "2011-12-17", "day")),
    ("Convoys were hit two weeks ago.", "two weeks ago", ("2011-12-05", "2011-12-11", "week")),
    ("The camp was shelled last summer.", "last summer", ("2010-06-01", "2010-08-31", "season")),
    ("It rained late last month.", "late last month", ("2011-11-21", "2011-11-30",
                                                       "part_of_month")),
])
def test_relative_expressions(text, needle, expected):
    d = one(text, needle)
    assert (d["start_date"], d["end_date"], d["precision"]) == expected
    assert d["anchor"] in ("published", "context")


def test_future_sentence_looks_forward():
    assert one("Elections will be held in May.", "May")["value"] == "2012-05"
    assert one("The army said on Monday that it will withdraw.", "Monday")["value"] == \
        "2011-12-19"


def test_weekday_on_publication_day_is_that_day():
    assert one("The mayor resigned on Tuesday.", "Tuesday")["value"] == "2011-12-20"


@pytest.mark.parametrize("text", [
    "Two bombs went off yesterday.", "Ministers meet next week.", "Clashes erupted in May.",
    "Troops moved in on Monday.", "over the weekend", "That year the army lost.",
])
def test_nothing_invented_without_an_anchor(text):
    dates = extract_dates(text, published=None)
    assert dates
    for d in dates:
        assert d["anchor"] == "none"
        assert d["value"] is None and d["start_date"] is None and d["end_date"] is None
        assert d["precision"] != "unknown" or d["text"]


def test_context_year_from_nearby_sentence_not_publication():
    text = ("The rebels took the town in March 2008. They lost it again later in the year. "
            "In June, the army returned.")
    dates = extract_dates(text, published=PUB)
    later = one(text, "later in the year")
    assert (later["value"], later["anchor"]) == ("2008", "context")
    assert one(text, "June")["value"] == "2008-06"
    assert {d["anchor"] for d in dates} == {"absolute", "context"}


def test_context_expires_after_a_few_sentences():
    text = ("In 2005 the war ended. Peace held. Trade grew. Schools opened. Roads were built. "
            "The rebels returned in May.")
    assert one(text, "May")["value"] == "2011-05"


def test_a_period_running_to_the_present_sets_no_context_year():
    text = ("No one has been tried since the war worsened in 2005. "
            "On 16 March the rebels took the town.")
    assert (one(text, "16 March")["value"], one(text, "16 March")["anchor"]) == (
        "2011-03-16", "published")
    text = "The war worsened in 2005. On 16 March the rebels took the town."
    assert one(text, "16 March")["value"] == "2005-03-16"


def test_a_date_naming_an_organisation_is_no_date():
    text = "A former leader of the 19 April Movement was killed on 26 April."
    assert [d["text"].rstrip(".") for d in extract_dates(text, published=PUB)] == ["26 April"]


def test_the_event_date_is_the_one_of_the_event_not_of_the_report():
    from watchfloor.extract.dates import event_date_for

    text = "Police reported today that the judge was killed on Monday, 5 December."
    dates = extract_dates(text, published=PUB)
    killed = (text.index("killed"), text.index("killed") + 6)
    when = event_date_for(0, len(text), dates, published=PUB, trigger=killed, text=text)
    assert (when["start_date"], when["assumed"]) == ("2011-12-05", False)
    text = "On 2 December rebels burned a bus; on 9 December they attacked a post."
    dates = extract_dates(text, published=PUB)
    attacked = (text.index("attacked"), text.index("attacked") + 8)
    assert event_date_for(0, len(text), dates, published=PUB, trigger=attacked,
                          text=text)["start_date"] == "2011-12-09"


def test_dates_joined_by_and_make_one_span():
    from watchfloor.extract.dates import event_date_for

    text = "The region was volatile in the late 90s and early 2000s, when rebels attacked."
    dates = extract_dates(text, published=PUB)
    attacked = (text.index("attacked"), text.index("attacked") + 8)
    when = event_date_for(0, len(text), dates, published=PUB, trigger=attacked, text=text)
    assert (when["start_date"], when["end_date"], when["precision"]) == (
        "1997-01-01", "2003-12-31", "decade")


def test_decades_and_ranges():
    assert rng(one("Attacks peaked in the 1990s.", "1990s"))[:3] == ("1990-01-01", "1999-12-31",
                                                                   "decade")
    assert rng(one("Raids in the mid-1980s.", "mid-1980s"))[:2] == ("1984-01-01", "1986-12-31")
    assert rng(one("the early nineties", "nineties"))[:2] == ("1990-01-01", "1993-12-31")
    assert extract_dates("Men in their 90s.", published=PUB) == []
    assert rng(one("During 1997-1999 the war raged.", "1997-1999"))[:2] == ("1997-01-01",
                                                                          "1999-12-31")


def test_absolute_forms():
    assert one("On 12 March 2009 a bomb exploded.", "12 March 2009")["value"] == "2009-03-12"
    assert one("On March 12, 2009 a bomb exploded.", "March 12, 2009")["value"] == "2009-03-12"
    assert one("Filed 2009-03-12.", "2009-03-12")["anchor"] == "absolute"
    assert one("On 25/12/2010 shots were fired.", "25/12/2010")["value"] == "2010-12-25"
    assert one("Tuesday, December 20, 2011 was calm.", "December")["value"] == "2011-12-20"


def test_nine_eleven_only_as_the_date():
    assert one("after the 9/11 attacks", "9/11")["value"] == "2001-09-11"
    assert extract_dates("They won 9/11 of the seats.", published=PUB) == []
    assert extract_dates("Half of 3/4 of the units.", published=PUB) == []


def test_may_the_verb_and_lowercase_march_are_not_months():
    assert extract_dates("The 10 may be released. They may leave.", published=PUB) == []
    assert extract_dates("Thousands joined the march in the capital.", published=PUB) == []
    assert extract_dates("In May 14 people died.", published=PUB)[0]["text"] == "May"


# ------------------------------------------------------------------------------- MUC style
def test_muc_dateline_and_year_from_publication():
    text = ("SAN MIGUEL, 3 JAN 90 (ACAN) -- [TEXT] GUERRILLAS BURNED TWO BUSES ON 30 DECEMBER "
            "NEAR THE BORDER. TWO SOLDIERS WERE KILLED YESTERDAY AFTERNOON. THE ARMY SAID ON "
            "MONDAY THAT THE ROAD WAS CLOSED THIS WEEK.")
    pub = date(1990, 1, 3)  # a Wednesday
    dates = {d["text"]: d for d in extract_dates(text, published=pub)}
    assert dates["3 JAN 90"]["value"] == "1990-01-03"
    assert dates["30 DECEMBER"]["value"] == "1989-12-30"  # not after publication
    assert dates["YESTERDAY AFTERNOON"]["value"] == "1990-01-02"
    assert dates["MONDAY"]["value"] == "1990-01-01"
    assert dates["THIS WEEK"]["precision"] == "week"


def test_muc_range_on_or_before():
    d = extract_dates("- 15 JAN 90", published=None)[0]
    assert d["end_date"] == "1990-01-15" and d["start_date"] is None
    assert d["modifier"] == "on_or_before" and d["anchor"] == "absolute"
    r = extract_dates("10 - 15 JAN 90", published=None)[0]
    assert (r["start_date"], r["end_date"]) == ("1990-01-10", "1990-01-15")


# ------------------------------------------------------------------------------ event dates
def test_event_date_for_prefers_the_sentence_date():
    text = "Gunmen attacked a post in late September 2000. Four died."
    dates = extract_dates(text, published=date(2000, 11, 1))
    spans = sentence_spans(text)
    first = event_date_for(*spans[0], dates, published=date(2000, 11, 1))
    assert first == {"start_date": "2000-09-21", "end_date": "2000-09-30",
                     "precision": "part_of_month", "assumed": False}
    second = event_date_for(*spans[1], dates, published=date(2000, 11, 1))
    assert second == {"start_date": "2000-11-01", "end_date": "2000-11-01",
                      "precision": "unknown", "assumed": True}
    assert event_date_for(*spans[1], dates, published=None) == {
        "start_date": None, "end_date": None, "precision": "unknown", "assumed": False}


def test_event_date_for_unresolved_keeps_precision():
    text = "A clash in late September left four dead."
    dates = extract_dates(text, published=None)
    got = event_date_for(0, len(text), dates, published=None)
    assert got == {"start_date": None, "end_date": None, "precision": "part_of_month",
                   "assumed": False}


def test_event_date_for_prefers_finer_precision():
    text = "This year violence rose, with a suicide attack in May."
    dates = extract_dates(text, published=PUB)
    assert event_date_for(0, len(text), dates, published=PUB)["precision"] == "month"


# ------------------------------------------------------------------------------ edge cases
def test_empty_and_odd_inputs():
    assert extract_dates("", published=PUB) == []
    assert extract_dates("\x00\x01\x02 \x1b[31m yesterday\x07", published=PUB)[0]["value"] == \
        "2011-12-19"
    cyr = "Вчера в Алматы 12 марта 2009 года произошёл взрыв. Yesterday too."
    got = extract_dates(cyr, published=PUB)
    assert [d["text"] for d in got] == ["Yesterday"]
    assert extract_dates("İİİ 10 JAN 90", published=None)[0]["text"] == "10 JAN 90"


def test_published_accepts_iso_strings_and_datetimes():
    from datetime import datetime
    assert one("yesterday", "yesterday", "2011-12-20")["value"] == "2011-12-19"  # type: ignore[arg-type]
    assert one("yesterday", "yesterday", datetime(2011, 12, 20, 19, 28))["value"] == \
        "2011-12-19"  # type: ignore[arg-type]


def test_sentence_spans_keep_abbreviations():
    text = "Gen. Ivanov arrived on Monday. He left. Mr. Smith stayed."
    assert len(sentence_spans(text)) == 3


def test_five_megabytes_in_seconds():
    # news-like density: a few dates per paragraph, as in real reports
    base = ("Clashes erupted over the weekend in the west of the country, where workers had "
            "been on strike for months and police opened fire on a crowd of several thousand. "
            "Officials said on Monday that 14 people died and that 2252 groups were banned. "
            "The government blamed foreign agitators and promised an inquiry, while human "
            "rights groups called for an independent investigation into the shootings.\n\n")
    text = (base * (5_000_000 // len(base) + 1))[:5_000_000]
    t0 = time.perf_counter()
    dates = extract_dates(text, published=PUB)
    assert time.perf_counter() - t0 < 10
    assert len(dates) > 10_000
