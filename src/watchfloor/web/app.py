"""The FastAPI application: the REST API under /api/v1, HTML pages, vendored static files.

``create_app(settings)`` opens the database once; handlers are plain (sync) functions that
FastAPI runs in its thread pool, each reading through the shared ``Database``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from watchfloor import __version__
from watchfloor.config import Settings
from watchfloor.store import Database
from watchfloor.web.cache import ResponseCache
from watchfloor.web.render import make_renderer
from watchfloor.web.views import API_PREFIX, api, pages

STATIC = Path(__file__).parent / "static"


def create_app(
    settings: Settings, *, database: Database | None = None, cache: bool = True
) -> FastAPI:
    """The workbench app over ``settings.database_url`` (or an already open ``database``,
    which the caller keeps and closes). ``cache``: keep whole GET responses while the data
    does not change (``web.cache``)."""
    db = database or Database.open(settings.database_url)
    owned = database is None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            db.close()

    app = FastAPI(
        title="watchfloor",
        version=__version__,
        description="Conflict and security intelligence workbench: search, reports, events, "
        "regions, actors and exports. Every HTML page has a JSON twin under /api/v1.",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        openapi_url=f"{API_PREFIX}/openapi.json",
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.settings = settings
    app.state.render = make_renderer()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api)
    app.include_router(pages)
    if cache:
        app.state.cache = ResponseCache(db)
        app.middleware("http")(app.state.cache.middleware)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith(API_PREFIX) or request.url.path.startswith("/static"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        html = request.app.state.render(
            request, "error.html", title=f"{exc.status_code}", data={},
            status=exc.status_code, detail=exc.detail,
        )
        return HTMLResponse(html, status_code=exc.status_code)

    return app


def app_from_environment() -> FastAPI:
    """The app over the settings of the environment (``WATCHFLOOR_*``): the factory each
    worker process of ``watchfloor serve --workers N`` calls."""
    return create_app(Settings.from_env(),
                      cache=os.environ.get("WATCHFLOOR_PAGE_CACHE", "1") != "0")
