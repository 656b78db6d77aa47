"""MUC-4 harness on tiny hand-written corpora (never benchmark answers)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from watchfloor.evaluate import muc4_score as score
from watchfloor.evaluate.muc4_keys import DateRange, parse_key_text

KEY = """\
;;; a comment
0.  MESSAGE: ID                     TST1-MUC3-0001
1.  MESSAGE: TEMPLATE               1
2.  INCIDENT: DATE                  - 04 FEB 90
3.  INCIDENT: LOCATION              RURITANIA: PORTO ALTO (CITY)
4.  INCIDENT: TYPE                  BOMBING
6.  INCIDENT: INSTRUMENT ID         "DYNAMITE"
9.  PERP: INDIVIDUAL ID             "ARMED MEN" / "MEN"
10. PERP: ORGANIZATION ID           -
12. PHYS TGT: ID                    "\\"LA ROCA\\" BRIDGE" / "BRIDGE"
18. HUM TGT: NAME                   "JUAN PEREZ"
19. HUM TGT: DESCRIPTION            "DRIVER": "JUAN PEREZ"
                                    "PEASANTS"
21. HUM TGT: NUMBER                 1: "JUAN PEREZ"
                                    2: "PEASANTS"
23. HUM TGT: EFFECT OF INCIDENT     DEATH: "JUAN PEREZ"
                                    DEATH: "PEASANTS"

0.  MESSAGE: ID                     TST1-MUC3-0002
1.  MESSAGE: TEMPLATE               *
2.  INCIDENT: DATE                  *
"""


def test_parse_key_slots() -> None:
    first, second = parse_key_text(KEY)
    assert first.doc_id == "TST1-MUC3-0001" and first.relevant and not second.relevant
    assert first.dates == [DateRange(None, date(1990, 2, 4))]
    assert first.locations[0].country == "RURITANIA"
    assert first.locations[0].named("CITY") == ["PORTO ALTO"]
    assert first.strings("PERP: INDIVIDUAL ID") == [("ARMED MEN", "MEN")]
    assert first.strings("PHYS TGT: ID") == [('"LA ROCA" BRIDGE', "BRIDGE")]
    assert first.strings("HUM TGT: DESCRIPTION") == [("PEASANTS",)]
    assert first.deaths == 3
    assert first.incident_type == "BOMBING"


def test_normalise_and_matching() -> None:
    assert score.normalise('The "Santo Tomas"  Farm.') == "santo tomas farm"
    gold = [["armed men", "men"], ["guerrillas"]]
    assert score.match_entities([["Armed men"], ["GUERRILLAS"], ["rebels"]], gold) == 2
    assert score.match_entities([["armed men", "guerrillas"]], gold) == 0
    # one-to-one: two predictions cannot both match the same gold entity
    assert score.match_entities([["men"], ["armed men"]], gold) == 1
    assert score._augmenting_matching([[1, 1], [1, 0]]) == 2


def test_date_rule() -> None:
    gold = [DateRange(None, date(1990, 2, 4))]
    assert score.date_correct({"start_date": "1990-02-03", "end_date": "1990-02-03"}, gold)
    assert not score.date_correct({"start_date": "1990-02-05", "end_date": "1990-02-05"}, gold)
    assert not score.date_correct({"start_date": "1990-01-01", "end_date": "1990-12-31"}, gold)


def _write_corpus(root: Path) -> None:
    (root / "original" / "tst1").mkdir(parents=True)
    (root / "original" / "tst2").mkdir(parents=True)
    (root / "grit").mkdir()
    (root / "original" / "tst1" / "tst1-muc3").write_text(
        "TST1-MUC3-0001\n\n   PORTO ALTO, 4 FEB 90 (XX) -- [TEXT] ARMED MEN BLEW UP THE "
        "BRIDGE WITH DYNAMITE.\n\nTST1-MUC3-0002\n\n   PORTO ALTO, 5 FEB 90 -- [TEXT] "
        "NOTHING HAPPENED.\n", encoding="latin-1")
    (root / "original" / "tst1" / "key-tst1").write_text(KEY, encoding="latin-1")
    (root / "original" / "tst2" / "tst2-muc4").write_text("", encoding="latin-1")
    rows = [
        {"docid": "TST1-MUC3-0001", "doctext": "", "extracts": {
            "PerpInd": [[["armed men", 0]]], "PerpOrg": [], "Target": [[["bridge", 0]]],
            "Victim": [[["juan perez", 0]]], "Weapon": [[["dynamite", 0]]]}},
        {"docid": "TST1-MUC3-0002", "doctext": "", "extracts": {
            "PerpInd": [], "PerpOrg": [], "Target": [], "Victim": [], "Weapon": []}},
    ]
    (root / "grit" / "dev.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")


def _stub(text: str, published: date | None) -> dict[str, Any]:
    events = []
    if "BLEW UP" in text:
        events.append({
            "event_type": "Explosions/Remote violence", "sub_event_type": "Remote explosive",
            "date": {"start_date": str(published), "end_date": str(published)},
            "location": {"name": "Porto Alto", "text": "PORTO ALTO", "country_code": None},
            "fatalities": 3, "confidence": 0.8,
            "participants": [
                {"role": "perpetrator", "kind": "group", "text": "ARMED MEN"},
                {"role": "target", "kind": "object", "text": "THE BRIDGE"},
                {"role": "weapon", "kind": "object", "text": "DYNAMITE"},
                {"role": "victim", "kind": "person", "text": "SOMEONE ELSE",
                 "actor_id": "person:someone-else"},
                {"role": "victim", "kind": "group", "text": "PEASANTS"},
            ]})
    return {"events": events}


def test_run_with_stub_extractor(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    result = score.run_muc4_eval(tmp_path, split="dev", extract_fn=_stub)
    assert result["documents"] == 2 and result["events"] == 1
    micro = result["role_fillers"]["micro"]
    assert (micro["matched"], micro["predicted"], micro["gold"]) == (3, 4, 4)
    assert result["role_fillers"]["Victim"]["f1"] == 0.0
    incidents = result["incidents"]
    assert incidents["date"]["accuracy"] == 1.0
    assert incidents["city"]["accuracy"] == 1.0
    assert incidents["deaths"]["accuracy"] == 1.0
    assert incidents["country"]["total"] == 1
    assert result["speed"]["peak_rss_mb"] > 0
    assert score.run_muc4_eval(tmp_path, extract_fn=_stub, limit=1)["documents"] == 1


def test_unknown_split(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        score.run_muc4_eval(tmp_path, split="nope", extract_fn=_stub)


def test_only_named_victims_fill_the_victim_role() -> None:
    assert score.role_of({"role": "victim", "text": "PEASANTS", "kind": "group"}) is None
    assert score.role_of({"role": "victim", "text": "JUAN PEREZ", "kind": "person",
                          "actor_id": "person:juan-perez"}) == "Victim"
    assert score.role_of({"role": "victim", "text": "POLICE", "kind": "group",
                          "actor_id": "generic-police"}) is None


def test_background_events_are_no_incidents() -> None:
    old = {"event_type": "Violence against civilians", "sub_event_type": "Attack",
           "date": {"start_date": "1982-06-01", "end_date": "1982-06-30", "assumed": False},
           "participants": [{"role": "weapon", "kind": "object", "text": "BOMB"}]}
    recent = {**old, "date": {"start_date": "1990-01-09", "end_date": "1990-01-09",
                              "assumed": False}}
    line = {"published": "1990-01-10", "events": [old, recent]}
    assert score.is_background(old, "1990-01-10") and not score.is_background(recent, "1990-01-10")
    assert score.entities_from_line(line)["Weapon"] == [["BOMB"]]
    assert score.entities_from_line({"published": "1990-01-10", "events": [old]})["Weapon"] == []


MUC4_ROOT = Path(__file__).resolve().parents[2] / ".." / "shared" / "benchmarks" / "muc4"
# Quality floors on the MUC-4 dev split (TST1+TST2), a margin under the measured values
# (micro F1 0.4091, date 0.8693, country 0.9062 with extractor 0.4.10): raise them when
# quality improves, never lower them silently.
MUC4_FLOORS = {"micro_f1": 0.39, "date": 0.85, "country": 0.89}


@pytest.mark.slow
def test_muc4_dev_quality_floors() -> None:
    if not (MUC4_ROOT / "grit" / "dev.jsonl").is_file():
        pytest.skip("MUC-4 benchmark data not available")
    from watchfloor.extract.pipeline import Extractor
    from watchfloor.extract.runner import ExtractInput, extract_stream

    extractor = Extractor()

    def extract_all(items: list[tuple[str, str, date | None]]) -> list[dict[str, Any]]:
        inputs = (ExtractInput(text=text, doc_id=doc_id, source=doc_id, published=published)
                  for doc_id, text, published in items)
        return list(extract_stream(inputs, extractor=extractor, workers=2))

    result = score.run_muc4_eval(MUC4_ROOT, split="dev", extract_all=extract_all)
    assert result["role_fillers"]["micro"]["f1"] >= MUC4_FLOORS["micro_f1"]
    assert result["incidents"]["date"]["accuracy"] >= MUC4_FLOORS["date"]
    assert result["incidents"]["country"]["accuracy"] >= MUC4_FLOORS["country"]
