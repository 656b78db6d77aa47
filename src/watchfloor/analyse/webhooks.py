"""Webhook delivery: POST each new alert as JSON to its watchlist's URL, with retries.

Alerts are stored before anything is sent, each with a pending delivery, so a webhook that
is down never loses an alert: every attempt is recorded (time, HTTP status or error), a
delivery left pending is tried again by the next round (the next ingest or watch poll), and
it is given up (``failed``) after :data:`MAX_ATTEMPTS` attempts in all. Within a round, a
delivery is tried up to ``attempts`` times with exponential backoff; a URL that fails all of
them is skipped for the rest of the round, so a dead endpoint costs one delivery's retries,
not one per alert. Targets go through the same address checks as fetching
(``ingest.fetch.Fetcher``): loopback, private and link-local addresses are refused unless
``settings.allow_private`` (``--allow-private``, ``WATCHFLOOR_ALLOW_PRIVATE``).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from watchfloor.analyse.alerting import get_alerts
from watchfloor.config import Settings
from watchfloor.ingest.errors import SourceError
from watchfloor.ingest.fetch import Fetcher
from watchfloor.store import Database, schema

log = logging.getLogger(__name__)

# Seconds to wait for a webhook to connect or answer: a receiver acknowledges at once.
WEBHOOK_TIMEOUT = 5.0
ATTEMPTS_PER_ROUND = 3
# First pause between attempts (seconds); doubled after each failure.
BACKOFF_SECONDS = 1.0
# Attempts over all rounds after which a delivery is given up (three rounds of three).
MAX_ATTEMPTS = 9
PAYLOAD_SCHEMA = "watchfloor.alert/1"

_WD = schema.webhook_deliveries


@dataclass
class DeliveryReport:
    delivered: list[int] = field(default_factory=list)  # alert ids
    pending: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"delivered": len(self.delivered), "pending": len(self.pending),
                "failed": len(self.failed), "errors": self.errors}


def payload(alert: dict[str, Any]) -> bytes:
    """The JSON body POSTed for one alert."""
    return json.dumps({"schema": PAYLOAD_SCHEMA, "alert": alert}, ensure_ascii=False,
                      default=str).encode("utf-8")


def _send(fetcher: Fetcher, url: str, body: bytes) -> tuple[int | None, str | None]:
    """(HTTP status, error message): a 2xx status and no error is a success."""
    try:
        status = fetcher.post_json(url, body)
    except SourceError as exc:
        return None, exc.reason
    if 200 <= status < 300:
        return status, None
    return status, f"HTTP {status} from {url}"


def deliver_pending(db: Database, *, settings: Settings, attempts: int = ATTEMPTS_PER_ROUND,
                    backoff: float = BACKOFF_SECONDS,
                    sleep: Callable[[float], None] = time.sleep) -> DeliveryReport:
    """Try every pending delivery (oldest first); record each attempt."""
    report = DeliveryReport()
    pending = db.read(select(_WD).where(_WD.c.status == "pending").order_by(_WD.c.id))
    if not pending:
        return report
    alerts = {a["id"]: a for a in get_alerts(db, [r["alert_id"] for r in pending])}
    dead_urls: set[str] = set()
    fetcher = Fetcher(settings=settings.with_(timeout=min(settings.timeout, WEBHOOK_TIMEOUT)))
    with fetcher:
        for row in pending:
            alert_id, url, done = row["alert_id"], row["url"], int(row["attempts"])
            if url in dead_urls:
                report.pending.append(alert_id)
                continue
            body = payload(alerts[alert_id])
            pause = backoff
            for attempt in range(attempts):
                status, error = _send(fetcher, url, body)
                done += 1
                outcome = ("delivered" if error is None
                           else "failed" if done >= MAX_ATTEMPTS else "pending")
                db.record_delivery_attempt(row["id"], status=outcome, attempt={
                    "at": datetime.now(UTC).isoformat(), "status_code": status, "error": error})
                if error is None:
                    report.delivered.append(alert_id)
                    break
                log.warning("webhook for alert %s: %s", alert_id, error)
                if outcome == "failed" or attempt == attempts - 1:
                    (report.failed if outcome == "failed" else report.pending).append(alert_id)
                    report.errors.append(f"alert {alert_id}: {error}")
                    dead_urls.add(url)
                    break
                sleep(pause)
                pause *= 2
    return report


def evaluate_and_notify(db: Database, *, settings: Settings, **delivery: Any) -> dict[str, Any]:
    """What runs after each ingest: evaluate every watchlist against the events not yet
    evaluated, store the new alerts, then send pending webhooks. A webhook problem is
    reported in the result, never raised: the alerts are stored either way."""
    from watchfloor.analyse.alerting import evaluate_watchlists

    evaluation = evaluate_watchlists(db)
    delivered = deliver_pending(db, settings=settings, **delivery)
    return {**evaluation.to_json(), "webhooks": delivered.to_json()}
