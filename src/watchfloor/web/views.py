"""Every page and its JSON twin, defined once.

Each view is one function that gathers its data from ``watchfloor.analyse`` and returns a
JSON-ready dict. :func:`twin` registers it twice: under ``/api/v1`` as JSON and at the same
path without the prefix as an HTML page rendered from a template with that same dict, so
the two can never disagree.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from watchfloor.analyse import queries
from watchfloor.analyse.embeddings import shared_embedder
from watchfloor.analyse.fusion_store import fused_event_of
from watchfloor.export import EXTENSIONS, FORMATS, MEDIA_TYPES, export_events
from watchfloor.store import Database
from watchfloor.web.params import BucketParam, Filters, Paging, filters, paging

API_PREFIX = "/api/v1"

api = APIRouter(prefix=API_PREFIX, tags=["api"])
pages = APIRouter(include_in_schema=False)

View = Callable[..., dict[str, Any] | None]


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


Db = Annotated[Database, Depends(get_db)]
F = Annotated[Filters, Depends(filters)]
P = Annotated[Paging, Depends(paging)]


def twin(path: str, template: str, *, title: str) -> Callable[[View], View]:
    """Register a view as ``GET /api/v1{path}`` (JSON) and ``GET {path}`` (HTML)."""

    def register(view: View) -> View:
        def gather(*args: Any, **kwargs: Any) -> dict[str, Any] | None:
            # All of a page's queries on one connection, in one read transaction.
            with kwargs["request"].app.state.db.reading():
                return view(*args, **kwargs)

        @functools.wraps(view)
        def as_json(*args: Any, **kwargs: Any) -> dict[str, Any]:
            data = gather(*args, **kwargs)
            if data is None:
                raise HTTPException(status_code=404, detail=f"not found: {path}")
            return data

        @functools.wraps(view)
        def as_html(*args: Any, **kwargs: Any) -> Response:
            request: Request = kwargs["request"]
            data = gather(*args, **kwargs)
            if data is None:
                raise HTTPException(status_code=404, detail="Nothing here by that name.")
            render = request.app.state.render
            return HTMLResponse(render(request, template, data=data, title=title))

        api.get(path, summary=title, name=f"api:{view.__name__}")(as_json)
        pages.get(path, name=f"page:{view.__name__}", response_class=HTMLResponse)(as_html)
        return view

    return register


@twin("/", "index.html", title="Overview")
def overview(request: Request, db: Db) -> dict[str, Any]:
    """Counts, the countries with most events and the latest reports."""
    return queries.overview(db)


@twin("/search", "search.html", title="Search")
def search(
    request: Request, db: Db, f: F, p: Annotated[Paging, Depends(paging)],
    mode: Annotated[
        Literal["text", "semantic", "hybrid"],
        Query(description="text: full-text (words); semantic: by meaning (sentence "
              "embeddings); hybrid: both rankings fused"),
    ] = "text",
) -> dict:
    """Search over reports with facets and snippets, by words or by meaning.

    Query syntax (text mode): all words required, "quoted phrases", OR, -exclusions. Facets
    count the best matches (at most analyse.queries.FACET_SAMPLE)."""
    if not f.q:
        return {"query": "", "mode": mode, "notice": None, "items": [], "total": 0,
                "facets": {}, "limit": p.limit, "offset": p.offset, "next_offset": None,
                "filters": {}}
    embedder = shared_embedder(request.app.state.settings.embedding_model)
    return queries.search(db, f.q, f.documents(), limit=min(p.limit, 100), offset=p.offset,
                          mode=mode, embedder=embedder)


@twin("/documents", "documents.html", title="Reports")
def documents(request: Request, db: Db, f: F, p: P) -> dict[str, Any]:
    """Stored reports, newest first, narrowed by the same filters as search."""
    return queries.list_documents(db, f.documents(), limit=p.limit, offset=p.offset).to_json()


@twin("/documents/{doc_id}", "document.html", title="Report")
def document(request: Request, db: Db, doc_id: str) -> dict[str, Any] | None:
    """A report's clean text with what was extracted from it, its events and related
    reports."""
    return queries.document_view(db, doc_id)


@twin("/events", "events.html", title="Events")
def events(request: Request, db: Db, f: F, p: P) -> dict[str, Any]:
    """Events, newest first; filter by country, admin1, type, actor, dates, source, text."""
    page = queries.list_events(db, f.events(), limit=p.limit, offset=p.offset).to_json()
    page["filters"] = f.events().to_json()
    return page


@twin("/events/{event_id}", "event.html", title="Event")
def event(request: Request, db: Db, event_id: str) -> dict[str, Any] | None:
    """One event: every field with its evidence, method and confidence; its reports; the
    fused event (``fused_event``) when other reports tell the same incident."""
    data = queries.event_detail(db, event_id)
    if data is not None:
        data["fused_event"] = fused_event_of(db, event_id)
    return data


@twin("/countries", "countries.html", title="Regions & countries")
def countries(request: Request, db: Db) -> dict[str, Any]:
    """Every country with events or mentioned places."""
    return {"items": queries.list_countries(db)}


@twin("/countries/{cc}", "region.html", title="Country")
def country(
    request: Request, db: Db, cc: str, f: F, bucket: BucketParam = "month"
) -> dict[str, Any] | None:
    """A country (ISO 3166-1 alpha-2): map, timeline by type and fatalities, top actors,
    first-level divisions, latest reports."""
    return queries.region_summary(db, cc, bucket=bucket, filters=f.events())


@twin("/countries/{cc}/{admin1_code}", "region.html", title="Region")
def region(
    request: Request, db: Db, cc: str, admin1_code: str, f: F, bucket: BucketParam = "month"
) -> dict[str, Any] | None:
    """A first-level division (admin1, by its code) of a country."""
    return queries.region_summary(db, cc, admin1_code, bucket=bucket, filters=f.events())


@twin("/actors", "actors.html", title="Actors")
def actors(
    request: Request, db: Db, p: P, q: Annotated[str | None, Query()] = None
) -> dict[str, Any]:
    """Actors named in the reports, most mentioned first; ``q`` filters by name."""
    return queries.list_actors(db, q=(q or "").strip() or None, limit=p.limit,
                               offset=p.offset).to_json()


@twin("/actors/{actor_id}", "actor.html", title="Actor")
def actor(
    request: Request, db: Db, actor_id: str, bucket: BucketParam = "month"
) -> dict[str, Any] | None:
    """An actor: aliases, type, events over time, co-occurring actors, places, quotes."""
    return queries.actor_summary(db, actor_id, bucket=bucket)


@twin("/map", "map.html", title="Map")
def event_map(request: Request, f: F) -> dict[str, Any]:
    """The map of events for the current filters (the markers come from the GeoJSON
    export)."""
    return {"filters": f.events().to_json()}


@api.get("/export/events", summary="Export events", name="api:export_events")
def export(
    db: Db,
    f: F,
    format: Annotated[str, Query(description=f"one of {', '.join(FORMATS)}")] = "csv",
    download: bool = True,
) -> Response:
    """Events matching the filters as CSV, JSON, GeoJSON or an ACLED-shaped CSV."""
    if format not in FORMATS:
        raise HTTPException(400, f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
    buffer = io.StringIO()
    export_events(db, f.events(), format, buffer)
    headers = {}
    if download:
        name = "events-acled" if format == "acled" else "events"
        headers["Content-Disposition"] = f'attachment; filename="{name}.{EXTENSIONS[format]}"'
    return Response(buffer.getvalue(), media_type=MEDIA_TYPES[format], headers=headers)


# The alerts and fused-event pages and their APIs register themselves on these routers.
from watchfloor.web import alert_views, fusion_views  # noqa: E402, F401
