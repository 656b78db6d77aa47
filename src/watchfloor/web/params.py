"""Query parameters shared by pages and API routes: the same filters everywhere.

HTML forms send empty fields as ``name=``; every parameter treats an empty value as absent,
so a form submitted with blanks behaves like a clean URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from fastapi import HTTPException, Query

from watchfloor.analyse.queries import DEFAULT_LIMIT, MAX_LIMIT, EventFilters
from watchfloor.store import SearchFilters

Text = Annotated[str | None, Query()]


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _date(value: str | None, name: str) -> date | None:
    value = _clean(value)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(
            status_code=400, detail=f"{name}={value!r} is not a date; write it as YYYY-MM-DD"
        ) from None


@dataclass(frozen=True)
class Filters:
    """Every filter a page or route accepts; each view takes the ones it understands."""

    q: str | None
    country: str | None
    admin1: str | None
    event_type: str | None
    sub_event_type: str | None
    actor: str | None
    source: str | None
    tlp: str | None
    since: date | None
    until: date | None

    def events(self, **changes: str | None) -> EventFilters:
        values = {
            "q": self.q, "country": self.country, "admin1": self.admin1,
            "event_type": self.event_type, "sub_event_type": self.sub_event_type,
            "actor": self.actor, "source": self.source, "tlp": self.tlp,
            "since": self.since, "until": self.until,
        }
        values.update(changes)
        return EventFilters(**values)  # type: ignore[arg-type]

    def documents(self) -> SearchFilters:
        return SearchFilters(
            since=self.since, until=self.until, source=self.source,
            country=self.country, admin1=self.admin1, event_type=self.event_type,
            actor=self.actor, tlp=self.tlp,
        )

    def query_items(self) -> list[tuple[str, str]]:
        """The filters as URL query items (for links, pagination and downloads)."""
        items = []
        for key in ("q", "country", "admin1", "event_type", "sub_event_type", "actor",
                    "source", "tlp", "since", "until"):
            value = getattr(self, key)
            if value is not None:
                items.append((key, value.isoformat() if isinstance(value, date) else value))
        return items


def filters(
    q: Text = None,
    country: Text = None,
    admin1: Text = None,
    event_type: Text = None,
    sub_event_type: Text = None,
    actor: Text = None,
    source: Text = None,
    tlp: Text = None,
    since: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
) -> Filters:
    country = _clean(country)
    return Filters(
        q=_clean(q),
        country=country.upper() if country else None,
        admin1=_clean(admin1),
        event_type=_clean(event_type),
        sub_event_type=_clean(sub_event_type),
        actor=_clean(actor),
        source=_clean(source),
        tlp=_clean(tlp),
        since=_date(since, "since"),
        until=_date(until, "until"),
    )


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int


def paging(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Paging:
    return Paging(limit=limit, offset=offset)


BucketParam = Annotated[Literal["week", "month"], Query(description="timeline bucket")]
