"""Watchlists and alerts over a Database: save and list watchlists, evaluate them against
newly extracted events, list alerts with the reports that triggered them.

The rules are pure functions in :mod:`watchfloor.analyse.alerts`; this module reads the rows
they need (SQLAlchemy Core selects run with ``Database.read``) and stores what they return.

**Which events are new.** Each watchlist keeps ``evaluated_until``, the latest extraction
time it has evaluated. An evaluation reads the events of reports extracted after that time
minus :data:`LOOKBACK` (so a report whose extraction committed late, in another process, is
not skipped); events seen twice are harmless because an alert's key is unique per watchlist.
A new watchlist evaluates every stored event unless it is created with ``new_only``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from watchfloor.analyse.alerts import (
    AlertDraft,
    Watchlist,
    WatchlistError,
    anomaly_region,
    aware,
    day_of,
    evaluate,
    event_matches,
)
from watchfloor.store import Database, schema

log = logging.getLogger(__name__)

_E, _P, _D, _X = schema.events, schema.places, schema.documents, schema.extractions
_W, _AL, _WD = schema.watchlists, schema.alerts, schema.webhook_deliveries

# Extractions re-read before a watchlist's cursor: longer than any extraction batch takes
# to commit, so a report stored by a concurrent process is evaluated all the same.
LOOKBACK = timedelta(hours=1)
DEFAULT_ALERT_LIMIT = 50
MAX_ALERT_LIMIT = 500

_COLUMNS = (
    _E.c.event_id, _E.c.doc_id, _E.c.event_type, _E.c.sub_event_type, _E.c.start_date,
    _E.c.date_precision, _E.c.country_code, _E.c.admin1_code, _E.c.fatalities, _E.c.data,
    _P.c.name.label("place_name"), _P.c.lat, _P.c.lon, _D.c.title, _D.c.url,
    _X.c.extracted_at,
)


def _event_rows(db: Database, *conditions: Any) -> list[dict[str, Any]]:
    stmt = (select(*_COLUMNS)
            .select_from(_E.join(_D, _D.c.doc_id == _E.c.doc_id)
                         .join(_X, _X.c.doc_id == _E.c.doc_id)
                         .outerjoin(_P, _P.c.place_id == _E.c.place_id))
            .where(*conditions)
            .order_by(_E.c.start_date, _E.c.event_id))
    return db.read(stmt)


# -- watchlists --------------------------------------------------------------------------------


def list_watchlists(db: Database) -> list[Watchlist]:
    return [Watchlist.from_row(r) for r in db.read(select(_W).order_by(_W.c.id))]


def get_watchlist(db: Database, name_or_id: str | int) -> Watchlist | None:
    """A watchlist by name, or by id (a number)."""
    cond = _W.c.name == str(name_or_id)
    if str(name_or_id).isdigit():
        cond = or_(cond, _W.c.id == int(name_or_id))
    rows = db.read(select(_W).where(cond).order_by(_W.c.id))
    return Watchlist.from_row(rows[0]) if rows else None


def add_watchlist(db: Database, wl: Watchlist, *, new_only: bool = False) -> Watchlist:
    """Validate and store a watchlist. ``new_only``: ignore events extracted before now."""
    wl = wl.validated()
    now = datetime.now(UTC)
    wl = wl.with_(created_at=now, ignore_before=now if new_only else None)
    if get_watchlist(db, wl.name) is not None:
        raise WatchlistError(f"a watchlist named {wl.name!r} exists; remove it first or "
                             "choose another name")
    try:
        watchlist_id = db.add_watchlist(wl.to_row())
    except IntegrityError:  # created meanwhile by another process
        raise WatchlistError(f"a watchlist named {wl.name!r} exists") from None
    return wl.with_(id=watchlist_id)


def remove_watchlist(db: Database, name_or_id: str | int) -> bool:
    wl = get_watchlist(db, name_or_id)
    return wl is not None and wl.id is not None and db.delete_watchlist(wl.id)


# -- evaluation ----------------------------------------------------------------------------------


@dataclass
class Evaluation:
    """What one evaluation did: new alert ids per watchlist name, events examined."""

    events_examined: int = 0
    new_alerts: dict[str, list[int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.new_alerts.values())

    def to_json(self) -> dict[str, Any]:
        return {"events_examined": self.events_examined, "new_alerts": self.total,
                "by_watchlist": {k: len(v) for k, v in self.new_alerts.items()}}


def _since(wl: Watchlist) -> datetime | None:
    """Events extracted after this time are (re-)evaluated; None: all of them."""
    since = wl.evaluated_until - LOOKBACK if wl.evaluated_until else None
    if wl.ignore_before is not None:
        since = max(since, wl.ignore_before) if since else wl.ignore_before
    return since


def _fired_count_ends(db: Database, watchlist_id: int) -> list[date]:
    rows = db.read(select(_AL.c.data).where(_AL.c.watchlist_id == watchlist_id,
                                            _AL.c.kind == "count"))
    return [d for r in rows if (d := day_of((r["data"] or {}).get("window_end")))]


def _context_rows(db: Database, wl: Watchlist, new_rows: list[dict[str, Any]],
                  text_hits: set[str] | None) -> list[dict[str, Any]]:
    """Matching events dated within the count window around the new ones."""
    days = [d for r in new_rows if (d := day_of(r.get("start_date"))) is not None]
    if not days:
        return []
    width = timedelta(days=wl.window)
    cond = [_E.c.start_date > min(days) - width, _E.c.start_date < max(days) + width]
    if wl.country:
        cond.append(_E.c.country_code == wl.country)
    if wl.event_type:
        cond.append(or_(_E.c.event_type == wl.event_type, _E.c.sub_event_type == wl.event_type))
    rows = _event_rows(db, *cond)
    if wl.query:
        text_hits = (text_hits or set()) | db.text_matches(
            wl.query, [r["doc_id"] for r in rows if r["doc_id"] not in (text_hits or set())])
    return [r for r in rows if event_matches(wl, r, text_hits=text_hits)]


def _periods(db: Database, wl: Watchlist, rows: list[dict[str, Any]]
             ) -> dict[tuple[str, str | None], list[dict[str, Any]]]:
    from watchfloor.analyse.trends import load_trends

    regions = {region for r in rows if (region := anomaly_region(wl, r)) is not None}
    return {(cc, admin1): load_trends(db, country=cc, admin1=admin1)["periods"]
            for cc, admin1 in sorted(regions, key=str)}


def evaluate_watchlist(db: Database, wl: Watchlist, *,
                       candidates: list[dict[str, Any]] | None = None) -> list[int]:
    """Evaluate one watchlist against the events extracted since its cursor; store the
    alerts (each key at most once) and move the cursor. Returns the new alerts' ids."""
    assert wl.id is not None, "evaluate stored watchlists"
    since = _since(wl)
    if candidates is None:
        candidates = _event_rows(db, *([_X.c.extracted_at > since] if since else []))
    rows = [r for r in candidates
            if since is None or (aware(r["extracted_at"]) or since) > since]
    text_hits = db.text_matches(wl.query, [r["doc_id"] for r in rows]) if wl.query else None
    matching = [r for r in rows if event_matches(wl, r, text_hits=text_hits)]
    drafts: list[AlertDraft] = []
    if matching:
        drafts = evaluate(
            wl, new_rows=matching,
            context_rows=_context_rows(db, wl, matching, text_hits) if wl.min_events else (),
            fired_count_ends=_fired_count_ends(db, wl.id) if wl.min_events else (),
            periods=_periods(db, wl, matching) if wl.min_anomaly is not None else None,
        )
    latest = max((t for r in rows if (t := aware(r["extracted_at"]))), default=None)
    cursor = max(t for t in (latest, wl.evaluated_until) if t) if latest else None
    now = datetime.now(UTC)
    return db.add_alerts(wl.id, [d.to_row(wl.id, now) for d in drafts],
                         webhook_url=wl.webhook_url, evaluated_until=cursor)


def evaluate_watchlists(db: Database) -> Evaluation:
    """Evaluate every watchlist against the events it has not evaluated yet."""
    result = Evaluation()
    watchlists = list_watchlists(db)
    if not watchlists:
        return result
    cursors = [_since(w) for w in watchlists]
    oldest = None if any(c is None for c in cursors) else min(c for c in cursors if c)
    candidates = _event_rows(db, *([_X.c.extracted_at > oldest] if oldest else []))
    result.events_examined = len(candidates)
    for wl in watchlists:
        result.new_alerts[wl.name] = evaluate_watchlist(db, wl, candidates=candidates)
    return result


# -- listing alerts --------------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    moment = aware(value)
    return moment.isoformat() if moment else None


def alert_json(row: dict[str, Any], reports: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One alert as the CLI, API and webhooks show it, with links to its reports."""
    delivery = None
    if row.get("delivery_status") is not None:
        delivery = {"status": row["delivery_status"], "attempts": row["delivery_attempts"],
                    "last_error": row["delivery_error"], "url": row["delivery_url"]}
    return {
        "id": row["id"], "watchlist": row["watchlist_name"],
        "watchlist_id": row["watchlist_id"], "kind": row["kind"], "key": row["key"],
        "created_at": _iso(row["created_at"]), "summary": row["summary"],
        "event_ids": list(row["event_ids"] or []),
        "reports": [reports.get(d, {"doc_id": d, "title": None, "url": None,
                                    "published": None, "link": f"/documents/{d}"})
                    for d in row["doc_ids"] or []],
        "data": row["data"] or {},
        "webhook": delivery,
    }


def _alert_select() -> Any:
    return (select(_AL, _W.c.name.label("watchlist_name"),
                   _WD.c.status.label("delivery_status"),
                   _WD.c.attempts.label("delivery_attempts"),
                   _WD.c.last_error.label("delivery_error"), _WD.c.url.label("delivery_url"))
            .select_from(_AL.join(_W, _W.c.id == _AL.c.watchlist_id)
                         .outerjoin(_WD, _WD.c.alert_id == _AL.c.id)))


def _reports(db: Database, rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    ids = list(dict.fromkeys(d for r in rows for d in r["doc_ids"] or []))
    return {d.doc_id: {"doc_id": d.doc_id, "title": d.title, "url": d.url,
                       "published": d.published.isoformat() if d.published else None,
                       "link": f"/documents/{d.doc_id}"}
            for d in db.get_documents(ids)}


def list_alerts(db: Database, *, watchlist: str | None = None, limit: int = DEFAULT_ALERT_LIMIT,
                offset: int = 0) -> dict[str, Any]:
    """Alerts, newest first, with their reports; ``watchlist`` narrows to one (name or id)."""
    limit = max(1, min(int(limit), MAX_ALERT_LIMIT))
    cond = []
    if watchlist is not None:
        wl = get_watchlist(db, watchlist)
        if wl is None:
            raise WatchlistError(f"no watchlist {watchlist!r}; list them with "
                                 "`watchfloor watchlist list`")
        cond.append(_AL.c.watchlist_id == wl.id)
    total = int(db.read(select(func.count().label("n")).select_from(_AL).where(*cond))[0]["n"])
    rows = db.read(_alert_select().where(*cond)
                   .order_by(_AL.c.created_at.desc(), _AL.c.id.desc())
                   .limit(limit).offset(max(0, offset)))
    reports = _reports(db, rows)
    return {"items": [alert_json(r, reports) for r in rows], "total": total, "limit": limit,
            "offset": offset,
            "next_offset": offset + limit if offset + limit < total else None}


def get_alerts(db: Database, alert_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Alerts by id, in id order."""
    if not alert_ids:
        return []
    rows = db.read(_alert_select().where(_AL.c.id.in_(list(alert_ids))).order_by(_AL.c.id))
    reports = _reports(db, rows)
    return [alert_json(r, reports) for r in rows]
