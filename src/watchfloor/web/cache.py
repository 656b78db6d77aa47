"""A cache of whole GET responses, valid while the database's data version stays the same.

A country page aggregates every event of the country, a search ranks and facets thousands of
reports: worth doing once per change of the data, not once per visit. Every write to the
database bumps its data version (``Database.data_version``), so a cached page is served only
while nothing at all has been written since it was made; ingesting one report invalidates
every page at once. Entries also expire after ``MAX_AGE_SECONDS``, for pages that depend on
the date, and the cache holds at most ``MAX_ENTRIES`` responses of at most ``MAX_BODY_BYTES``
each (least recently used first out). Exports and static files are not cached.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from watchfloor.store import Database

MAX_ENTRIES = 512
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_AGE_SECONDS = 600.0
# Paths never cached: downloads (large, streamed) and files with their own caching.
UNCACHED_PREFIXES = ("/static", "/api/v1/export")
# Response header saying whether the response came from the cache.
CACHE_HEADER = "x-watchfloor-cache"


@dataclass(frozen=True)
class _Entry:
    body: bytes
    status: int
    headers: list[tuple[str, str]]
    made: float


class ResponseCache:
    """What ``middleware`` keeps, keyed by (path, query, data version)."""

    def __init__(self, db: Database, *, max_entries: int = MAX_ENTRIES) -> None:
        self._db = db
        self._max = max_entries
        self._entries: OrderedDict[tuple[str, str, int], _Entry] = OrderedDict()
        self.hits = self.misses = 0

    def _get(self, key: tuple[str, str, int]) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry.made > MAX_AGE_SECONDS:
            return None
        self._entries.move_to_end(key)
        return entry

    def _put(self, key: tuple[str, str, int], entry: _Entry) -> None:
        stale = [k for k in self._entries if k[2] != key[2]]
        for k in stale:  # the data changed: nothing made before can be served again
            del self._entries[k]
        self._entries[key] = entry
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    async def middleware(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        path = request.url.path
        if request.method != "GET" or path.startswith(UNCACHED_PREFIXES):
            return await call_next(request)
        version = await run_in_threadpool(self._db.data_version)
        key = (path, request.url.query, version)
        entry = self._get(key)
        if entry is not None:
            self.hits += 1
            return Response(content=entry.body, status_code=entry.status,
                            headers=dict(entry.headers) | {CACHE_HEADER: "hit"})
        self.misses += 1
        response = await call_next(request)
        if response.status_code != 200:
            return response
        chunks = []
        async for chunk in response.body_iterator:  # type: ignore[attr-defined]
            chunks.append(chunk if isinstance(chunk, bytes) else chunk.encode())
        body = b"".join(chunks)
        headers = [(k, v) for k, v in response.headers.items() if k != CACHE_HEADER]
        if len(body) <= MAX_BODY_BYTES:
            self._put(key, _Entry(body=body, status=response.status_code, headers=headers,
                                  made=time.monotonic()))
        return Response(content=body, status_code=response.status_code,
                        headers=dict(headers) | {CACHE_HEADER: "miss"})
