"""The alerts page (with its JSON twin) and the watchlists API.

``GET /alerts`` ↔ ``GET /api/v1/alerts``: alerts newest first with the reports that
triggered them, and the watchlists. ``GET/POST /api/v1/watchlists`` and
``DELETE /api/v1/watchlists/{name_or_id}`` manage watchlists; a watchlist created here is
evaluated at once against the stored events, as `watchfloor watchlist add` does.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import HTTPException, Query, Request
from pydantic import BaseModel, Field

from watchfloor.analyse.alerting import (
    add_watchlist,
    list_alerts,
    list_watchlists,
    remove_watchlist,
)
from watchfloor.analyse.alerts import METHOD, Watchlist, WatchlistError
from watchfloor.analyse.webhooks import evaluate_and_notify
from watchfloor.web.views import Db, P, api, twin


class WatchlistIn(BaseModel):
    """A watchlist to create (see `watchfloor watchlist add --help` for each field)."""

    name: str = Field(min_length=1, max_length=200)
    query: str | None = None
    actor: str | None = Field(None, description="actor id, as actor1, actor2 or participant")
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-2")
    admin1: str | None = None
    event_type: str | None = None
    min_fatalities: int | None = None
    min_events: int | None = None
    window_days: int | None = None
    min_anomaly: float | None = None
    webhook_url: str | None = None
    new_only: bool = Field(False, description="ignore reports extracted before now")


@twin("/alerts", "alerts.html", title="Alerts")
def alerts(request: Request, db: Db, p: P,
           watchlist: Annotated[str | None, Query(description="watchlist name or id")] = None
           ) -> dict[str, Any]:
    """Alerts raised by watchlists, newest first, each with the reports that triggered it;
    and the watchlists with their conditions."""
    try:
        page = list_alerts(db, watchlist=watchlist, limit=p.limit, offset=p.offset)
    except WatchlistError as exc:
        raise HTTPException(404, str(exc)) from None
    page["watchlists"] = [w.to_json() for w in list_watchlists(db)]
    page["method"] = METHOD
    return page


@api.get("/watchlists", summary="Watchlists", name="api:watchlists")
def watchlists(db: Db) -> dict[str, Any]:
    """Every watchlist with its conditions in words."""
    return {"items": [w.to_json() for w in list_watchlists(db)]}


@api.post("/watchlists", summary="Create a watchlist", name="api:create_watchlist",
          status_code=201)
def create_watchlist(request: Request, db: Db, body: WatchlistIn) -> dict[str, Any]:
    """Save a watchlist and evaluate it against the stored events; 400 says what to fix,
    409 when the name is taken."""
    values = body.model_dump()
    new_only = values.pop("new_only")
    if any(w.name == body.name.strip() for w in list_watchlists(db)):
        raise HTTPException(409, f"a watchlist named {body.name!r} exists")
    try:
        saved = add_watchlist(db, Watchlist(**values), new_only=new_only)
    except WatchlistError as exc:
        raise HTTPException(400, str(exc)) from None
    result = evaluate_and_notify(db, settings=request.app.state.settings)
    return {"watchlist": saved.to_json(), "evaluation": result}


@api.delete("/watchlists/{name_or_id}", summary="Remove a watchlist",
            name="api:delete_watchlist")
def delete_watchlist(db: Db, name_or_id: str) -> dict[str, Any]:
    """Remove a watchlist (by name or id) and its alerts."""
    if not remove_watchlist(db, name_or_id):
        raise HTTPException(404, f"no watchlist {name_or_id!r}")
    return {"removed": name_or_id}
