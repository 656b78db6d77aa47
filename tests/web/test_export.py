"""Exports: exact ACLED columns, valid GeoJSON, CSV and JSON; the CLI and the download route."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import typer
from typer.testing import CliRunner
from web_corpus import load

from watchfloor.analyse.precision import geo_precision, time_precision
from watchfloor.analyse.queries import EventFilters
from watchfloor.cli_web import register
from watchfloor.export import ACLED_COLUMNS, FLAT_COLUMNS, export_events
from watchfloor.export.acled import interaction
from watchfloor.store import Database

ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
    "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,"
    "source,source_scale,notes,fatalities,tags,timestamp"
)


def _export(db: Database, fmt: str, **filters: str) -> str:
    out = io.StringIO()
    export_events(db, EventFilters(**filters), fmt, out)  # type: ignore[arg-type]
    return out.getvalue()


def test_acled_columns_are_exactly_acleds(db: Database) -> None:
    load(db)
    text = _export(db, "acled")
    assert text.splitlines()[0] == ACLED_HEADER
    assert ",".join(ACLED_COLUMNS) == ACLED_HEADER
    rows = {r["event_id_cnty"]: r for r in csv.DictReader(io.StringIO(text))}
    assert len(rows) == 4
    taraz = rows["KAZ-ev-taraz"]
    assert taraz["event_date"] == "2011-11-12" and taraz["year"] == "2011"
    assert taraz["time_precision"] == "1" and taraz["geo_precision"] == "1"
    assert taraz["disorder_type"] == "Political violence"
    assert taraz["civilian_targeting"] == "Civilian targeting"
    assert taraz["actor1"] == "Jund al-Khilafah" and taraz["inter1"] == "2"
    assert taraz["interaction"] == "20"
    assert taraz["iso"] == "398" and taraz["region"] == "Caucasus and Central Asia"
    assert taraz["country"] == "Kazakhstan" and taraz["admin1"] == "Zhambyl"
    assert taraz["location"] == "Taraz" and float(taraz["latitude"]) == 42.9
    assert taraz["fatalities"] == "7" and "watchfloor:ev-taraz" in taraz["tags"]
    assert taraz["notes"].startswith("A gunman killed seven people in Taraz")
    assert taraz["source"] == "Test Wire" and int(taraz["timestamp"]) > 1_600_000_000
    zhambyl = rows["KAZ-ev-zhambyl"]
    assert zhambyl["geo_precision"] == "3" and zhambyl["time_precision"] == "3"
    assert zhambyl["fatalities"] == "0" and "fatalities not reported" in zhambyl["tags"]
    assert zhambyl["inter1"] == "1" and zhambyl["disorder_type"] == "Strategic developments"
    osh = rows["KGZ-ev-osh"]
    assert osh["disorder_type"] == "Political violence"  # Mob violence
    assert osh["inter1"] == "" and osh["interaction"] == ""


def test_geojson_is_a_valid_feature_collection(db: Database) -> None:
    load(db)
    data = json.loads(_export(db, "geojson", country="KZ"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 3
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        lon, lat = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "Point"
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert {"event_id", "event_type", "geo_precision", "date_precision",
                "fatalities"} <= set(feature["properties"])
    precision = {f["id"]: f["properties"]["geo_precision"] for f in data["features"]}
    assert precision == {"ev-taraz": 1, "ev-aktobe": 1, "ev-zhambyl": 3}
    empty = json.loads(_export(db, "geojson", country="FR"))
    assert empty == {"type": "FeatureCollection", "features": []}


def test_csv_and_json(db: Database) -> None:
    load(db)
    rows = list(csv.DictReader(io.StringIO(_export(db, "csv", actor="jund-al-khilafah"))))
    assert [r["event_id"] for r in rows] == ["ev-aktobe", "ev-taraz"]  # oldest first
    assert list(rows[0]) == list(FLAT_COLUMNS)
    events = json.loads(_export(db, "json"))
    assert len(events) == 4 and events[0]["extraction"]["event_id"] == events[0]["event_id"]
    assert json.loads(_export(db, "json", country="FR")) == []


def test_precision_scales() -> None:
    assert [geo_precision(c) for c in ("PPL", "PPLC", "ADM2", "ADM1", "PCLI", None)] == [
        1, 1, 2, 3, 3, 3]
    assert [time_precision(p) for p in ("day", "week", "part_of_month", "month", "year",
                                        None)] == [1, 2, 2, 3, 3, 3]
    assert (interaction(1, 2), interaction(7, 1), interaction(None, 3)) == ("12", "17", "30")


def test_export_command_and_download_route(db_url: str, tmp_path: Path) -> None:
    with Database.open(db_url) as db:
        load(db)
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    out = tmp_path / "kz.csv"
    result = runner.invoke(app, ["export", "events", "--db", db_url, "--format", "acled",
                                 "--country", "kz", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0] == ACLED_HEADER and len(lines) == 4
    result = runner.invoke(app, ["export", "events", "--db", db_url, "--format", "geojson",
                                 "--since", "2011-06-01"])
    assert result.exit_code == 0
    features = json.loads(result.stdout)["features"]
    assert [f["id"] for f in features] == ["ev-taraz"]
    bad = runner.invoke(app, ["export", "events", "--db", db_url, "--format", "xml"])
    assert bad.exit_code == 2
    assert runner.invoke(app, ["serve", "--help"]).exit_code == 0

    from fastapi.testclient import TestClient

    from watchfloor.config import Settings
    from watchfloor.web import create_app

    with TestClient(create_app(Settings(database_url=db_url))) as client:
        response = client.get("/api/v1/export/events", params={"format": "acled",
                                                               "country": "KG"})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "events-acled.csv" in response.headers["content-disposition"]
        assert response.text.splitlines()[0] == ACLED_HEADER
        assert client.get("/api/v1/export/events", params={"format": "xls"}).status_code == 400
