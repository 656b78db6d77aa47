"""Direct quotations and their speakers."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from watchfloor.extract.quotes import extract_quotes

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"


def speakers(text: str) -> list[tuple[str, str | None]]:
    return [(x["text"], x["speaker"]["text"] if x["speaker"] else None)
            for x in extract_quotes(text)]


def test_iwpr_seed_quotes():
    if not SEEDS.is_dir():
        pytest.skip("seed directory absent")
    text = (SEEDS / "iwpr-astana-imu-fears.txt").read_text(encoding="utf-8")
    quotes = extract_quotes(text)
    names = [x["speaker"]["text"] for x in quotes]
    assert names == ["Marat Tajin", "Marat Tajin", "Maxim Shepelev", "Maxim Shepelev"]
    assert quotes[0]["speaker"]["title"] == "council secretary"
    assert quotes[1]["speaker"]["pronoun"]["text"] == "he"
    assert quotes[2]["speaker"]["title"] == "Colonel"
    assert quotes[2]["speaker"]["organization"] == "Kazak Defense Ministry"
    assert quotes[3]["text"].startswith("Uzbekistan is continually")
    for x in quotes:
        assert text[x["start"]:x["end"]] == x["text"]
        sp = x["speaker"]
        assert text[sp["start"]:sp["end"]] == sp["text"] and sp["actor_id"] is None
        assert '"' not in x["text"]


def test_speaker_after_and_before():
    assert speakers('"We will not retreat from the town," said commander Ivan Orlov.') == [
        ("We will not retreat from the town", "Ivan Orlov")]
    assert speakers('Police spokesman Ivan Petrov said: "Five men were detained."') == [
        ("Five men were detained.", "Ivan Petrov")]
    got = extract_quotes("“We cannot allow this to continue,” Foreign Minister Erlan Idrisov "
                         "told reporters.")
    assert got[0]["speaker"]["text"] == "Erlan Idrisov"
    assert got[0]["speaker"]["title"] == "Foreign Minister"


def test_split_quote_gives_two_parts_with_one_speaker():
    got = speakers('"There is every reason," said Anna Kim, "to expect a hard winter."')
    assert got == [("There is every reason", "Anna Kim"), ("to expect a hard winter.",
                                                           "Anna Kim")]


def test_pronoun_resolved_when_clear_and_kept_when_not():
    clear = extract_quotes('Colonel Ivan Orlov arrived late. "Nothing will change here," he said.')
    assert clear[0]["speaker"]["text"] == "Ivan Orlov"
    assert clear[0]["speaker"]["pronoun"]["text"] == "he"
    unclear = extract_quotes('Colonel Ivan Orlov met General Oleg Petrov. "Nothing will change '
                             'here," he said.')
    assert unclear[0]["speaker"]["text"] == "he"


def test_multi_paragraph_quote():
    text = ('Colonel Ivan Orlov arrived. "We will hold the line for as long as it takes.\n\n'
            '"Our men are ready and the reserves are coming," he said.')
    got = extract_quotes(text)
    assert [x["speaker"]["text"] for x in got] == ["Ivan Orlov", "Ivan Orlov"]


def test_muc_caps():
    got = speakers('[RODRIGUEZ] "WE KNOW THE GENERAL STAFF WELL ENOUGH TO CONTINUE."')
    assert got[0][1] == "RODRIGUEZ"
    got = speakers('"THE DEATH THREATS DO NOT FRIGHTEN US AT ALL," HE SAID.')
    assert got == [("THE DEATH THREATS DO NOT FRIGHTEN US AT ALL", "HE")]


def test_scare_quotes_are_not_quotes():
    assert extract_quotes('He called it a "cover operation".') == []
    assert extract_quotes("") == []


def test_edge_inputs():
    assert extract_quotes('"\x00\x07 unclosed') == []
    got = extract_quotes('«Мы не отступим из этого города никогда», сказал он.')
    assert len(got) == 1 and got[0]["text"].startswith("Мы")
    assert extract_quotes('""""""') == []


def test_five_megabytes():
    base = ('"We will not retreat from the town today," said commander Ivan Orlov. '
            'Talks stalled.\n\n')
    text = (base * (5_000_000 // len(base) + 1))[:5_000_000]
    t0 = time.perf_counter()
    got = extract_quotes(text)
    assert time.perf_counter() - t0 < 15
    assert len(got) > 10_000
