"""The fused-event pages (with their JSON twins) and the split API.

``GET /fused-events`` ↔ ``GET /api/v1/fused-events``: fused events, those of two or more
reports first. ``GET /fused-events/{id}`` ↔ ``GET /api/v1/fused-events/{id}``: its reports,
each field's values by source, the conflicts side by side and the fused values with their
rules. ``POST /api/v1/fused-events/{id}/split`` with ``{"keys": ["doc_id/event_id", ...]}``
separates those reports for good, as `watchfloor fusion split` does.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import HTTPException, Query, Request
from pydantic import BaseModel, Field

from watchfloor.analyse.fusion_store import (
    FusionError,
    fused_event_detail,
    list_fused_events,
    split_fused_event,
)
from watchfloor.web.views import Db, P, api, twin


class SplitIn(BaseModel):
    """The reports to separate from a fused event."""

    keys: list[str] = Field(min_length=1, description="report keys, doc_id/event_id")


@twin("/fused-events", "fused_events.html", title="Incidents")
def fused_events(request: Request, db: Db, p: P,
                 country: Annotated[str | None, Query(description="ISO 3166-1 alpha-2",
                                                      max_length=2)] = None
                 ) -> dict[str, Any]:
    """Fused events (one real incident, every report of it), those of two or more reports
    first, then newest first."""
    page = list_fused_events(db, country=country, limit=p.limit, offset=p.offset)
    after = p.offset + len(page["items"])
    page["next_offset"] = after if after < page["total"] else None
    return page


@twin("/fused-events/{fused_id}", "fused_event.html", title="Incident")
def fused_event(request: Request, db: Db, fused_id: str) -> dict[str, Any] | None:
    """One fused event: its reports, each field's values by source, conflicts side by side,
    the fused value of each field and the rule that chose it."""
    return fused_event_detail(db, fused_id)


@api.post("/fused-events/{fused_id}/split", summary="Split a fused event",
          name="api:split_fused_event")
def split(db: Db, fused_id: str, body: SplitIn) -> dict[str, Any]:
    """Separate reports from a fused event; they are never fused together again. 404 for
    an unknown fused event, 400 says what to fix."""
    if fused_event_detail(db, fused_id) is None:
        raise HTTPException(404, f"no fused event {fused_id!r}; GET /api/v1/fused-events "
                                 "lists them")
    try:
        return {"fused_events": split_fused_event(db, fused_id, body.keys)}
    except FusionError as exc:
        raise HTTPException(400, str(exc)) from None
