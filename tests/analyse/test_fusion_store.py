"""Fused events in the database, on SQLite and PostgreSQL: incremental assignment of a new
report to a stored fused event, re-extraction, and analysts' splits that last."""

from __future__ import annotations

from datetime import date

import pytest

from fused_reports import LATE, LOCAL, OTHER, WIRE, store
from watchfloor.analyse.fusion_store import (
    FusionError,
    cannot_link_pairs,
    fused_event_detail,
    fused_event_of,
    list_fused_events,
    split_fused_event,
    update_fusion,
)
from watchfloor.store import Database


def fused_keys(db: Database) -> list[list[str]]:
    """Each stored fused event's report keys, sorted."""
    items = list_fused_events(db, limit=500)["items"]
    out = []
    for item in items:
        detail = fused_event_detail(db, item["fused_id"])
        assert detail is not None
        out.append(sorted(r["key"] for r in detail["reports"]))
    return sorted(out)


def test_a_new_report_joins_the_stored_fused_event(db: Database) -> None:
    for story in (WIRE, LOCAL, OTHER):
        store(db, story)
    first = update_fusion(db)
    assert first.documents == 3 and first.multi_report == 1
    assert fused_keys(db) == sorted([sorted([WIRE.key, LOCAL.key]), [OTHER.key]])
    assert update_fusion(db).documents == 0  # nothing new: nothing done

    store(db, LATE)
    second = update_fusion(db)
    assert second.documents == 1 and second.reports == 1
    assert fused_keys(db) == sorted([sorted([WIRE.key, LOCAL.key, LATE.key]), [OTHER.key]])

    page = list_fused_events(db)
    assert page["total"] == 2 and page["multi_report"] == 1
    top = page["items"][0]  # two or more reports first
    assert top["sources"] == 3 and top["country_code"] == "KZ"
    assert top["fatalities"] == 14 and top["fatalities_range"] == [14, 16]
    assert list_fused_events(db, country="kg")["items"][0]["sources"] == 1

    detail = fused_event_detail(db, top["fused_id"])
    assert detail is not None
    killed = next(c for c in detail["conflicts"] if c["name"] == "fatalities")
    assert killed["text"] == "14 vs 16 killed"
    said_16 = next(v for v in killed["values"] if v["value"] == 16)
    assert [r["link"] for r in said_16["reports"]] == [f"/documents/{LOCAL.doc_id}"]
    field = next(f for f in detail["fields"] if f["name"] == "fatalities")
    assert field["fused"] == 14 and "lowest" in field["rule"]
    assert fused_event_of(db, LOCAL.event_id) == {
        "fused_id": top["fused_id"], "sources": 3, "link": f"/fused-events/{top['fused_id']}"}
    assert fused_event_of(db, OTHER.event_id) is None  # a single report is no incident


def test_a_split_lasts_through_updates_and_reextraction(db: Database) -> None:
    for story in (WIRE, LOCAL, LATE):
        store(db, story)
    update_fusion(db)
    [cluster] = list_fused_events(db)["items"]
    parts = split_fused_event(db, cluster["fused_id"], [LOCAL.key])
    assert sorted(p["reports"] for p in parts) == sorted([[LOCAL.key],
                                                          sorted([WIRE.key, LATE.key])])
    expected = sorted([[LOCAL.key], sorted([WIRE.key, LATE.key])])
    assert fused_keys(db) == expected
    assert len(cannot_link_pairs(db)) == 2

    assert update_fusion(db).documents == 0
    store(db, LOCAL)  # re-extracted, same text: same keys
    assert update_fusion(db).documents == 1
    assert fused_keys(db) == expected
    update_fusion(db, everything=True)  # re-fusing everything honours the split too
    assert fused_keys(db) == expected


def test_split_errors_name_the_input_and_the_fix(db: Database) -> None:
    for story in (WIRE, LOCAL):
        store(db, story)
    update_fusion(db)
    [cluster] = list_fused_events(db)["items"]
    with pytest.raises(FusionError, match="fusion list"):
        split_fused_event(db, "fe-nope", [WIRE.key])
    with pytest.raises(FusionError, match=f"not in fused event {cluster['fused_id']}"):
        split_fused_event(db, cluster["fused_id"], ["abc/ev-x"])
    with pytest.raises(FusionError, match="at least one report"):
        split_fused_event(db, cluster["fused_id"], [WIRE.key, LOCAL.key])


def test_reextraction_that_drops_an_event_leaves_its_fused_event(db: Database) -> None:
    for story in (WIRE, LOCAL):
        store(db, story)
    update_fusion(db)
    store(db, LOCAL, day=date(2011, 6, 1))  # re-extracted differently: not the same incident
    update_fusion(db)
    assert fused_keys(db) == sorted([[WIRE.key], [LOCAL.key]])
