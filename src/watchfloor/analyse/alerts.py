"""Watchlists and alerts: pure functions over stored event rows.

A watchlist has **conditions** and a **trigger**. An event *matches* when it meets every
condition that is set:

- ``query``: its report matches a full-text query (the syntax of `watchfloor search`);
- ``actor``: the actor id is actor1, actor2 or a participant;
- ``lat``/``lon``/``radius_km``: its place lies within the radius (great-circle distance);
  an event without coordinates never matches a radius;
- ``country`` / ``admin1``: its country (ISO 3166-1 alpha-2) and first-level division;
- ``event_type``: its ACLED event type (or sub-event type);
- ``min_fatalities``: it reports at least that many killed.

The trigger decides when matching events become an alert:

- ``min_events`` (with ``window_days``, default 7): at least N matching events dated within
  ``window_days`` consecutive days → one **count** alert, keyed by the day the threshold was
  reached; a window overlapping an earlier count alert's window does not fire again;
- ``min_anomaly``: the month of a matching event has an anomaly score (analyse.trends:
  -log10 of the Poisson tail against the trailing 12 months) of at least X for the
  watchlist's country/admin1 (else the event's country) → one **anomaly** alert per region
  and month;
- neither: one **event** alert per matching event.

Every alert has a key unique within its watchlist ("event:ID", "count:DAY",
"anomaly:CC:ADM1:MONTH"); the store refuses a second alert with the same key, so
re-evaluating the same events never fires twice.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

from watchfloor.analyse.precision import TIMELINE_PRECISIONS
from watchfloor.extract.places_geo import haversine_km

# A week: the span over which analysts usually judge that "attacks are picking up".
DEFAULT_WINDOW_DAYS = 7
MAX_NAME_LENGTH = 200
METHOD = (
    "An event matches a watchlist when it meets every condition set (text query on its "
    "report, actor, place within the radius, country/admin1, event type, minimum killed). "
    "Without a threshold each matching event is an alert; with a count threshold, N matching "
    "events within the window (default 7 days) are one alert per burst; with an anomaly "
    "threshold, a month whose anomaly score (-log10 of the Poisson tail against the trailing "
    "12 months, as on the region pages) reaches it is one alert per region and month. "
    "An alert never fires twice for the same event, burst or month."
)


class WatchlistError(ValueError):
    """A watchlist that cannot be saved or found; the message says what to change."""


@dataclass(frozen=True, kw_only=True)
class Watchlist:
    name: str
    query: str | None = None
    actor: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    country: str | None = None
    admin1: str | None = None
    event_type: str | None = None
    min_fatalities: int | None = None
    min_events: int | None = None
    window_days: int | None = None
    min_anomaly: float | None = None
    webhook_url: str | None = None
    id: int | None = None
    created_at: datetime | None = None
    evaluated_until: datetime | None = None
    ignore_before: datetime | None = None  # events extracted earlier are never evaluated

    def problems(self) -> list[str]:
        """What is wrong with this watchlist, as messages saying what to change."""
        out = []
        if not self.name.strip() or len(self.name) > MAX_NAME_LENGTH:
            out.append(f"name must be 1 to {MAX_NAME_LENGTH} characters")
        radius = (self.lat, self.lon, self.radius_km)
        if any(v is not None for v in radius) and any(v is None for v in radius):
            out.append("a place within a radius needs all of lat, lon and radius_km")
        if self.lat is not None and not -90 <= self.lat <= 90:
            out.append("lat must be between -90 and 90")
        if self.lon is not None and not -180 <= self.lon <= 180:
            out.append("lon must be between -180 and 180")
        if self.radius_km is not None and self.radius_km <= 0:
            out.append("radius_km must be positive")
        if self.country is not None and (len(self.country) != 2 or not self.country.isalpha()):
            out.append("country must be a two-letter ISO code such as KZ")
        if self.admin1 and not self.country:
            out.append("admin1 needs country (admin1 codes are per country)")
        for name in ("min_fatalities", "min_events", "window_days"):
            value = getattr(self, name)
            if value is not None and value < (0 if name == "min_fatalities" else 1):
                out.append(f"{name} must be at least {0 if name == 'min_fatalities' else 1}")
        if self.window_days is not None and self.min_events is None:
            out.append("window_days needs min_events (N events within window_days days)")
        if self.min_anomaly is not None and self.min_anomaly <= 0:
            out.append("min_anomaly must be positive (a score of 2 is p < 0.01)")
        if self.webhook_url:
            parts = urllib.parse.urlsplit(self.webhook_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                out.append("webhook_url must be an http(s) URL with a host")
        return out

    def validated(self) -> Watchlist:
        """This watchlist with codes normalised; WatchlistError listing every problem."""
        wl = self.with_(country=self.country.upper() if self.country else None,
                        query=(self.query or "").strip() or None,
                        name=self.name.strip())
        problems = wl.problems()
        if problems:
            raise WatchlistError("; ".join(problems))
        return wl

    def with_(self, **changes: Any) -> Watchlist:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Watchlist(**values)

    @property
    def trigger(self) -> str:
        if self.min_events is not None:
            return "count"
        if self.min_anomaly is not None:
            return "anomaly"
        return "event"

    @property
    def window(self) -> int:
        return self.window_days or DEFAULT_WINDOW_DAYS

    def to_row(self) -> dict[str, Any]:
        """Columns of ``store.schema.watchlists``."""
        return {"name": self.name, "query": self.query, "actor_id": self.actor,
                "lat": self.lat, "lon": self.lon, "radius_km": self.radius_km,
                "country_code": self.country, "admin1_code": self.admin1,
                "event_type": self.event_type, "min_fatalities": self.min_fatalities,
                "min_events": self.min_events, "window_days": self.window_days,
                "min_anomaly": self.min_anomaly, "webhook_url": self.webhook_url,
                "created_at": self.created_at or datetime.now(UTC),
                "evaluated_until": self.evaluated_until, "ignore_before": self.ignore_before}

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Watchlist:
        return cls(id=row["id"], name=row["name"], query=row["query"], actor=row["actor_id"],
                   lat=row["lat"], lon=row["lon"], radius_km=row["radius_km"],
                   country=row["country_code"], admin1=row["admin1_code"],
                   event_type=row["event_type"], min_fatalities=row["min_fatalities"],
                   min_events=row["min_events"], window_days=row["window_days"],
                   min_anomaly=row["min_anomaly"], webhook_url=row["webhook_url"],
                   created_at=aware(row["created_at"]),
                   evaluated_until=aware(row["evaluated_until"]),
                   ignore_before=aware(row["ignore_before"]))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("created_at", "evaluated_until", "ignore_before"):
            data[key] = data[key].isoformat() if data[key] else None
        data["trigger"] = self.trigger
        data["conditions"] = self.describe()
        return data

    def describe(self) -> str:
        """The conditions and trigger in words ("Taraz within 50 km, Battles, ≥ 3 in 7 days")."""
        parts = []
        if self.query:
            parts.append(f'reports matching "{self.query}"')
        if self.actor:
            parts.append(f"actor {self.actor}")
        if self.radius_km is not None:
            parts.append(f"within {self.radius_km:g} km of {self.lat:g}, {self.lon:g}")
        if self.country:
            parts.append(f"in {self.country}" + (f"/{self.admin1}" if self.admin1 else ""))
        if self.event_type:
            parts.append(f"type {self.event_type}")
        if self.min_fatalities is not None:
            parts.append(f"≥ {self.min_fatalities} killed")
        if self.min_events is not None:
            parts.append(f"alert at ≥ {self.min_events} events in {self.window} days")
        if self.min_anomaly is not None:
            parts.append(f"alert at monthly anomaly score ≥ {self.min_anomaly:g}")
        return "; ".join(parts) or "every event"


@dataclass(frozen=True, kw_only=True)
class AlertDraft:
    """An alert before it is stored (the store may already hold its key)."""

    key: str
    kind: str  # event, count, anomaly
    summary: str
    event_ids: list[str]
    doc_ids: list[str]
    data: dict[str, Any]

    def to_row(self, watchlist_id: int, at: datetime) -> dict[str, Any]:
        return {"watchlist_id": watchlist_id, "key": self.key, "kind": self.kind,
                "created_at": at, "summary": self.summary, "event_ids": self.event_ids,
                "doc_ids": self.doc_ids, "data": self.data}


def aware(value: Any) -> datetime | None:
    """A datetime with its zone (SQLite drops it; stored values are UTC)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def day_of(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def actor_ids(row: Mapping[str, Any]) -> set[str]:
    """Actor ids of an event row: actor1, actor2 and every participant with an id."""
    data = row.get("data") or {}
    found = set()
    for key in ("actor1", "actor2"):
        actor = data.get(key) or {}
        if isinstance(actor, dict) and actor.get("actor_id"):
            found.add(str(actor["actor_id"]))
    for participant in data.get("participants") or []:
        if isinstance(participant, dict) and participant.get("actor_id"):
            found.add(str(participant["actor_id"]))
    return found


def event_matches(wl: Watchlist, row: Mapping[str, Any], *,
                  text_hits: set[str] | None = None) -> bool:
    """Whether one event row meets every condition of the watchlist. ``text_hits``: the
    ids of the reports that match ``wl.query`` (required when the watchlist has a query)."""
    if wl.query is not None and (text_hits is None or row.get("doc_id") not in text_hits):
        return False
    if wl.country and (row.get("country_code") or "").upper() != wl.country.upper():
        return False
    if wl.admin1 and row.get("admin1_code") != wl.admin1:
        return False
    if wl.event_type and wl.event_type not in (row.get("event_type"), row.get("sub_event_type")):
        return False
    if wl.min_fatalities is not None and int(row.get("fatalities") or 0) < wl.min_fatalities:
        return False
    if wl.actor and wl.actor not in actor_ids(row):
        return False
    if wl.radius_km is not None and wl.lat is not None and wl.lon is not None:
        lat, lon = row.get("lat"), row.get("lon")
        if lat is None or lon is None:
            return False
        if haversine_km(wl.lat, wl.lon, float(lat), float(lon)) > wl.radius_km:
            return False
    return True


def _place_label(row: Mapping[str, Any]) -> str:
    name = row.get("place_name")
    cc = row.get("country_code")
    if name and cc:
        return f"{name} ({cc})"
    return str(name or cc or "place unknown")


def _event_brief(row: Mapping[str, Any]) -> dict[str, Any]:
    day = day_of(row.get("start_date"))
    data = row.get("data") or {}
    return {
        "event_id": row["event_id"], "doc_id": row["doc_id"],
        "event_type": row.get("event_type"), "sub_event_type": row.get("sub_event_type"),
        "date": day.isoformat() if day else None, "place": row.get("place_name"),
        "country_code": row.get("country_code"), "admin1_code": row.get("admin1_code"),
        "lat": row.get("lat"), "lon": row.get("lon"), "fatalities": row.get("fatalities"),
        "actors": sorted(actor_ids(row)),
        "actor_names": [a.get("name") for k in ("actor1", "actor2")
                        if isinstance(a := data.get(k), dict) and a.get("name")],
        "report_title": row.get("title"),
    }


def event_alert(row: Mapping[str, Any]) -> AlertDraft:
    """One event alert: "Armed clash in Taraz (KZ) on 2011-11-12, 7 killed"."""
    brief = _event_brief(row)
    what = row.get("sub_event_type") or row.get("event_type")
    summary = f"{what} in {_place_label(row)} on {brief['date'] or 'an unknown date'}"
    if row.get("fatalities"):
        summary += f", {row['fatalities']} killed"
    return AlertDraft(key=f"event:{row['event_id']}", kind="event", summary=summary,
                      event_ids=[row["event_id"]], doc_ids=[row["doc_id"]],
                      data={"events": [brief]})


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def count_alerts(wl: Watchlist, rows: Sequence[Mapping[str, Any]], *, new_ids: set[str],
                 fired_ends: Iterable[date] = ()) -> list[AlertDraft]:
    """Count alerts over matching, dated ``rows`` (the new events and those within the
    window around them): at the first day D where the ``window`` days ending on D hold at
    least ``min_events`` events and one of them is new, unless a count alert already fired
    for a window overlapping this one (``fired_ends``: their end days)."""
    if wl.min_events is None:
        return []
    width = wl.window
    dated = sorted(((d, r) for r in rows if (d := day_of(r.get("start_date"))) is not None),
                   key=lambda pair: (pair[0], str(pair[1]["event_id"])))
    new_days = sorted({d for d, r in dated if r["event_id"] in new_ids})
    fired = sorted(fired_ends)
    out = []
    for end in sorted({d for d, _ in dated}):
        if not any(n <= end < n + timedelta(days=width) for n in new_days):
            continue  # no new event in any window ending here
        if any(abs((end - e).days) < width for e in fired):
            continue
        start = end - timedelta(days=width - 1)
        window = [r for d, r in dated if start <= d <= end]
        if len(window) < wl.min_events or not any(r["event_id"] in new_ids for r in window):
            continue
        fired.append(end)
        deaths = sum(int(r.get("fatalities") or 0) for r in window)
        summary = (f"{len(window)} matching events in {width} days "
                   f"({start.isoformat()} to {end.isoformat()})"
                   + (f", {deaths} killed" if deaths else ""))
        out.append(AlertDraft(
            key=f"count:{end.isoformat()}", kind="count", summary=summary,
            event_ids=_unique(str(r["event_id"]) for r in window),
            doc_ids=_unique(str(r["doc_id"]) for r in window),
            data={"window_start": start.isoformat(), "window_end": end.isoformat(),
                  "window_days": width, "events_count": len(window), "fatalities": deaths,
                  "events": [_event_brief(r) for r in window]},
        ))
    return out


def anomaly_region(wl: Watchlist, row: Mapping[str, Any]) -> tuple[str, str | None] | None:
    """The (country, admin1) whose trend an event is judged against, if known."""
    if wl.country:
        return wl.country.upper(), wl.admin1
    cc = row.get("country_code")
    return (str(cc).upper(), None) if cc else None


def event_month(row: Mapping[str, Any]) -> str | None:
    """The timeline month ("2011-11") of an event dated finely enough to have one."""
    day = day_of(row.get("start_date"))
    if day is None or row.get("date_precision") not in TIMELINE_PRECISIONS:
        return None
    return day.isoformat()[:7]


def anomaly_alerts(wl: Watchlist, new_rows: Sequence[Mapping[str, Any]],
                   periods: Mapping[tuple[str, str | None], Sequence[Mapping[str, Any]]]
                   ) -> list[AlertDraft]:
    """Anomaly alerts for the months of new matching events whose score, in ``periods``
    (analyse.trends monthly periods per region), reaches ``min_anomaly``."""
    if wl.min_anomaly is None:
        return []
    groups: dict[tuple[str, str | None, str], list[Mapping[str, Any]]] = {}
    for row in new_rows:
        region, month = anomaly_region(wl, row), event_month(row)
        if region is not None and month is not None:
            groups.setdefault((*region, month), []).append(row)
    out = []
    for (cc, admin1, month), rows in sorted(groups.items(), key=lambda kv: str(kv[0])):
        period = next((p for p in periods.get((cc, admin1), ()) if p["period"] == month), None)
        if period is None or period.get("score") is None or period["score"] < wl.min_anomaly:
            continue
        where = cc + (f"/{admin1}" if admin1 else "")
        summary = (f"{where} {month}: {period['events']} events against a baseline of "
                   f"{period['baseline']} per month; anomaly score {period['score']}")
        out.append(AlertDraft(
            key=f"anomaly:{cc}:{admin1 or '*'}:{month}", kind="anomaly", summary=summary,
            event_ids=_unique(str(r["event_id"]) for r in rows),
            doc_ids=_unique(str(r["doc_id"]) for r in rows),
            data={"country_code": cc, "admin1_code": admin1, "period": month,
                  "events_count": period["events"], "baseline": period["baseline"],
                  "score": period["score"], "p_value": period.get("p_value"),
                  "flagged": period.get("flagged"),
                  "events": [_event_brief(r) for r in rows]},
        ))
    return out


def evaluate(wl: Watchlist, *, new_rows: Sequence[Mapping[str, Any]],
             context_rows: Sequence[Mapping[str, Any]] = (),
             fired_count_ends: Iterable[date] = (),
             periods: Mapping[tuple[str, str | None], Sequence[Mapping[str, Any]]] | None = None
             ) -> list[AlertDraft]:
    """Alerts for new matching events (already filtered with :func:`event_matches`).

    ``context_rows``: matching events dated around the new ones (count trigger);
    ``periods``: monthly trend periods per region (anomaly trigger)."""
    if wl.trigger == "event":
        return [event_alert(r) for r in new_rows]
    out: list[AlertDraft] = []
    if wl.min_events is not None:
        rows = {str(r["event_id"]): r for r in [*context_rows, *new_rows]}
        out += count_alerts(wl, list(rows.values()),
                            new_ids={str(r["event_id"]) for r in new_rows},
                            fired_ends=fired_count_ends)
    if wl.min_anomaly is not None:
        out += anomaly_alerts(wl, new_rows, periods or {})
    return out
