"""Storing watchlists, alerts, webhook deliveries and feed state (see analyse.alerts).

Functions over one connection, called through ``Database``; reads that need no SQL of their
own are composed in ``watchfloor.analyse.alerting`` and run with ``Database.read``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from watchfloor.store import schema
from watchfloor.store.search import fts5_query

_WORD = re.compile(r"\w+", re.UNICODE)
_W, _AL, _WD, _FS = schema.watchlists, schema.alerts, schema.webhook_deliveries, schema.feed_state


def add_watchlist(conn: Connection, values: dict[str, Any]) -> int:
    """Insert a watchlist; returns its id (a duplicate name raises IntegrityError)."""
    return int(conn.execute(insert(_W).values(**values).returning(_W.c.id)).scalar_one())


def delete_watchlist(conn: Connection, watchlist_id: int) -> bool:
    """Delete a watchlist with its alerts and their deliveries; False if there was none."""
    alert_ids = select(_AL.c.id).where(_AL.c.watchlist_id == watchlist_id)
    conn.execute(delete(_WD).where(_WD.c.alert_id.in_(alert_ids)))
    conn.execute(delete(_AL).where(_AL.c.watchlist_id == watchlist_id))
    return bool(conn.execute(delete(_W).where(_W.c.id == watchlist_id)).rowcount)


def set_evaluated_until(conn: Connection, watchlist_id: int, at: datetime) -> None:
    conn.execute(update(_W).where(_W.c.id == watchlist_id).values(evaluated_until=at))


def add_alerts(conn: Connection, rows: Sequence[dict[str, Any]],
               webhook_url: str | None, at: datetime) -> list[int]:
    """Insert alerts, skipping any whose (watchlist_id, key) is stored already; returns the
    new alerts' ids. With ``webhook_url``, each new alert gets a pending delivery."""
    if not rows:
        return []
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = (dialect.insert(_AL)
            .on_conflict_do_nothing(index_elements=["watchlist_id", "key"])
            .returning(_AL.c.id))
    new: list[int] = []
    for row in rows:  # one by one: RETURNING with ON CONFLICT over many rows varies by driver
        alert_id = conn.execute(stmt, row).scalar_one_or_none()
        if alert_id is not None:
            new.append(int(alert_id))
    if webhook_url and new:
        conn.execute(insert(_WD), [
            {"alert_id": a, "url": webhook_url, "status": "pending", "attempts": 0,
             "last_error": None, "attempt_log": [], "updated_at": at} for a in new
        ])
    return new


def record_attempt(conn: Connection, delivery_id: int, *, attempt: dict[str, Any],
                   status: str) -> None:
    """Append one attempt to a delivery and set its status."""
    row = conn.execute(select(_WD.c.attempts, _WD.c.attempt_log)
                       .where(_WD.c.id == delivery_id)).one()
    log = [*(row[1] or []), attempt]
    conn.execute(update(_WD).where(_WD.c.id == delivery_id).values(
        attempts=int(row[0]) + 1, attempt_log=log, status=status,
        last_error=attempt.get("error"), updated_at=datetime.fromisoformat(attempt["at"]),
    ))


def save_feed_state(conn: Connection, url: str, values: dict[str, Any]) -> None:
    """Insert or replace what is remembered of one feed."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(_FS).values(url=url, **values)
    conn.execute(stmt.on_conflict_do_update(index_elements=["url"], set_=values))


def text_matches(conn: Connection, query: str, doc_ids: Sequence[str]) -> set[str]:
    """Which of these documents match a full-text query (the syntax of ``search``)."""
    if not doc_ids or not _WORD.search(query):
        return set()
    found: set[str] = set()
    ids = list(dict.fromkeys(doc_ids))
    for start in range(0, len(ids), 500):  # bounded IN lists
        chunk = ids[start : start + 500]
        params: dict[str, Any] = {f"d{i}": d for i, d in enumerate(chunk)}
        in_list = ", ".join(f":d{i}" for i in range(len(chunk)))
        if conn.dialect.name == "sqlite":
            match = fts5_query(query)
            if match is None:
                return set()
            params["match"] = match
            sql = ("SELECT d.doc_id FROM documents_fts JOIN documents d "
                   "ON d.pk = documents_fts.rowid "
                   f"WHERE documents_fts MATCH :match AND d.doc_id IN ({in_list})")
        else:
            params["query"] = query
            sql = ("SELECT d.doc_id FROM documents d WHERE "
                   "d.tsv @@ websearch_to_tsquery('english', :query) "
                   f"AND d.doc_id IN ({in_list})")
        found.update(r[0] for r in conn.execute(text(sql), params))
    return found
