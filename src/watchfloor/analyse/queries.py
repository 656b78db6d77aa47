"""The query layer behind the web pages, the REST API and the exports.

Functions here take a :class:`~watchfloor.store.Database` and plain filter values and return
plain, JSON-ready dicts (dates as ISO strings). They compose SQLAlchemy Core selects over the
``store.schema`` tables and run them through ``Database.read``, so they work unchanged on
SQLite and PostgreSQL. Work that SQL does differently on the two backends (bucketing dates
into weeks, reading JSON) is done either through SQLAlchemy's portable JSON operators or in
Python over narrow rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import Select, distinct, func, or_, select

from watchfloor.analyse import semantic, trends
from watchfloor.analyse.countries import country_name
from watchfloor.analyse.embeddings import Embedder, EmbeddingError
from watchfloor.analyse.evidence import event_fields
from watchfloor.analyse.precision import TIMELINE_PRECISIONS, geo_precision, time_precision
from watchfloor.store import Database, SearchFilters, schema

_E, _P, _D = schema.events, schema.places, schema.documents
_A, _AM, _PM, _Q = schema.actors, schema.actor_mentions, schema.place_mentions, schema.quotes
_EV = schema.event_evidence

# Pages of lists: enough for a screen, few enough to render fast.
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# Facets and text-filtered event lists are computed over the best matches of a text query,
# not over every match: a query matching most of a large corpus would otherwise make every
# search a scan. Ten pages of results is more than an analyst reads.
FACET_SAMPLE = 2000
# Entries shown per facet and per "top" list.
TOP_N = 10

_actor1_id = _E.c.data[("actor1", "actor_id")].as_string()
_actor2_id = _E.c.data[("actor2", "actor_id")].as_string()

Bucket = Literal["week", "month"]


@dataclass(frozen=True, kw_only=True)
class EventFilters:
    """What the events list, the maps and the exports can be narrowed by."""

    country: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None  # admin1 code within the country
    event_type: str | None = None
    sub_event_type: str | None = None
    actor: str | None = None  # canonical actor id, as actor1 or actor2
    since: date | None = None
    until: date | None = None
    doc_id: str | None = None
    source: str | None = None  # prefix of the source path/URL, or the publisher
    tlp: str | None = None
    q: str | None = None  # a full-text query on the reports the events come from

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("since", "until"):
            data[key] = data[key].isoformat() if data[key] else None
        return {k: v for k, v in data.items() if v is not None}


@dataclass(frozen=True, kw_only=True)
class Page:
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int

    def to_json(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            "next_offset": self.offset + self.limit
            if self.offset + self.limit < self.total
            else None,
        }


def clamp_limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _count(db: Database, stmt: Select[Any]) -> int:
    return int(db.read(select(func.count().label("n")).select_from(stmt.subquery()))[0]["n"])


# -- events ------------------------------------------------------------------------------------


def _event_conditions(db: Database, f: EventFilters) -> list[Any]:
    cond: list[Any] = []
    if f.country:
        cond.append(_E.c.country_code == f.country.upper())
    if f.admin1:
        cond.append(_E.c.admin1_code == f.admin1)
    if f.event_type:
        cond.append(_E.c.event_type == f.event_type)
    if f.sub_event_type:
        cond.append(_E.c.sub_event_type == f.sub_event_type)
    if f.actor:
        cond.append(or_(_actor1_id == f.actor, _actor2_id == f.actor))
    if f.since:
        cond.append(_E.c.start_date >= f.since)
    if f.until:
        cond.append(_E.c.start_date <= f.until)
    if f.doc_id:
        cond.append(_E.c.doc_id == f.doc_id)
    if f.source:
        cond.append(
            _D.c.source.startswith(f.source, autoescape=True) | (_D.c.publisher == f.source)
        )
    if f.tlp:
        cond.append(_D.c.tlp == f.tlp)
    if f.q:
        ids = db.search_ids(f.q, limit=FACET_SAMPLE)
        cond.append(_E.c.doc_id.in_(ids))
    return cond


_EVENT_COLUMNS = (
    _E.c.event_id,
    _E.c.doc_id,
    _E.c.event_type,
    _E.c.sub_event_type,
    _E.c.start_date,
    _E.c.end_date,
    _E.c.date_precision,
    _E.c.country_code,
    _E.c.admin1_code,
    _E.c.fatalities,
    _E.c.injured,
    _E.c.arrested,
    _E.c.confidence,
    _E.c.data,
    _P.c.place_id,
    _P.c.name.label("place_name"),
    _P.c.feature_code,
    _P.c.lat,
    _P.c.lon,
    _P.c.admin1,
    _P.c.admin2,
    _D.c.title,
    _D.c.published,
    _D.c.source,
    _D.c.publisher,
    _D.c.url,
    _D.c.tlp,
)


def _events_from() -> Any:
    return _E.join(_D, _D.c.doc_id == _E.c.doc_id).outerjoin(_P, _P.c.place_id == _E.c.place_id)


def _event_select(db: Database, f: EventFilters) -> Select[Any]:
    stmt = select(*_EVENT_COLUMNS).select_from(_events_from())
    for c in _event_conditions(db, f):
        stmt = stmt.where(c)
    return stmt


def _actor_ref(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        return None
    return {
        "actor_id": raw.get("actor_id"),
        "name": raw.get("name") or raw.get("text"),
        "text": raw.get("text"),
    }


def event_json(row: dict[str, Any]) -> dict[str, Any]:
    """One event as the API shows it: the stored columns, its place and its report."""
    data = dict(row["data"] or {})
    when = data.get("date") or {}
    feature = row.get("feature_code")
    precision = geo_precision(feature) if row.get("place_id") else None
    return {
        "event_id": row["event_id"],
        "doc_id": row["doc_id"],
        "event_type": row["event_type"],
        "sub_event_type": row["sub_event_type"],
        "start_date": _iso(row["start_date"]),
        "end_date": _iso(row["end_date"]),
        "date_precision": row["date_precision"],
        "date_assumed": bool(when.get("assumed")),
        "time_precision": time_precision(row["date_precision"]),
        "country_code": row["country_code"],
        "country": country_name(row["country_code"]),
        "admin1_code": row["admin1_code"],
        "admin1": row.get("admin1"),
        "admin2": row.get("admin2"),
        "location": None
        if not row.get("place_id")
        else {
            "place_id": row["place_id"],
            "name": row.get("place_name"),
            "feature_code": feature,
            "lat": row.get("lat"),
            "lon": row.get("lon"),
        },
        "geo_precision": precision,
        "actor1": _actor_ref(data.get("actor1")),
        "actor2": _actor_ref(data.get("actor2")),
        "fatalities": row["fatalities"],
        "injured": row["injured"],
        "arrested": row["arrested"],
        "confidence": row["confidence"],
        "document": {
            "doc_id": row["doc_id"],
            "title": row.get("title"),
            "published": _iso(row.get("published")),
            "source": row.get("source"),
            "publisher": row.get("publisher"),
            "url": row.get("url"),
            "tlp": row.get("tlp"),
        },
    }


def list_events(
    db: Database, filters: EventFilters, *, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> Page:
    """Events matching the filters, newest first (undated last)."""
    limit = clamp_limit(limit)
    conditions = _event_conditions(db, filters)
    base = select(*_EVENT_COLUMNS).select_from(_events_from()).where(*conditions)
    if filters.source or filters.tlp:
        total = _count(db, base)
    else:
        # Every event has its report (foreign key) and at most one place, so when no filter
        # reads the documents table the events alone count the same rows, without joining
        # two tables for every event (the count was most of an unfiltered page's time).
        total = int(db.read(select(func.count().label("n")).select_from(_E)
                            .where(*conditions))[0]["n"])
    stmt = base.order_by(_E.c.start_date.desc().nulls_last(), _E.c.event_id)
    rows = db.read(stmt.limit(limit).offset(max(0, offset)))
    return Page(items=[event_json(r) for r in rows], total=total, limit=limit, offset=offset)


def iter_events(db: Database, filters: EventFilters, *, batch: int = 1000) -> Iterator[dict]:
    """Every matching event row (raw columns + ``data``), oldest first, fetched in batches."""
    stmt = _event_select(db, filters).order_by(
        _E.c.start_date.asc().nulls_last(), _E.c.event_id
    )
    offset = 0
    while True:
        rows = db.read(stmt.limit(batch).offset(offset))
        yield from rows
        if len(rows) < batch:
            return
        offset += batch


def _slice(text: str, start: Any, end: Any) -> str:
    if start is None or end is None:
        return ""
    return text[int(start) : int(end)]


def event_detail(db: Database, event_id: str) -> dict[str, Any] | None:
    """An event with every field's evidence, and every report that mentions it."""
    rows = db.read(
        select(*_EVENT_COLUMNS).select_from(_events_from()).where(_E.c.event_id == event_id)
    )
    if not rows:
        return None
    row = rows[0]
    event = event_json(row)
    doc = db.get_document(row["doc_id"])
    text = doc.text if doc else ""
    data = dict(row["data"] or {})
    event["fields"] = event_fields(event, data, text)
    event["evidence"] = [
        {"start": s["start"], "end": s["end"], "text": _slice(text, s["start"], s["end"]),
         "anchor": f"span-{s['start']}-{s['end']}"}
        for s in data.get("evidence") or []
        if s.get("start") is not None
    ]
    # The reports that mention it: its own, and the near duplicates of that report (the
    # same story republished). Fused events across reports come with event fusion.
    mentions = [row["doc_id"], *db.near_duplicates_of(row["doc_id"])]
    event["reports"] = [
        {"doc_id": d.doc_id, "title": d.title, "published": _iso(d.published),
         "source": d.source}
        for d in db.get_documents(mentions)
    ]
    event["data"] = data
    return event


# -- search and facets -------------------------------------------------------------------------


def facets(db: Database, doc_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Counts of documents per country, admin1, event type, actor, source, TLP and year."""
    if not doc_ids:
        return {k: [] for k in ("country", "admin1", "event_type", "actor", "source", "tlp",
                                "year")}
    ids = list(doc_ids)
    n_docs = func.count(distinct(_PM.c.doc_id)).label("n")
    country = db.read(
        select(_P.c.country_code.label("value"), n_docs)
        .select_from(_PM.join(_P, _P.c.place_id == _PM.c.place_id))
        .where(_PM.c.doc_id.in_(ids), _P.c.country_code.is_not(None))
        .group_by(_P.c.country_code)
        .order_by(n_docs.desc(), _P.c.country_code)
        .limit(TOP_N)
    )
    admin1 = db.read(
        select(
            _P.c.country_code,
            _P.c.admin1_code.label("value"),
            func.max(_P.c.admin1).label("name"),
            n_docs,
        )
        .select_from(_PM.join(_P, _P.c.place_id == _PM.c.place_id))
        .where(_PM.c.doc_id.in_(ids), _P.c.admin1_code.is_not(None))
        .group_by(_P.c.country_code, _P.c.admin1_code)
        .order_by(n_docs.desc(), _P.c.admin1_code)
        .limit(TOP_N)
    )
    n_ev = func.count(distinct(_E.c.doc_id)).label("n")
    event_type = db.read(
        select(_E.c.event_type.label("value"), n_ev)
        .where(_E.c.doc_id.in_(ids))
        .group_by(_E.c.event_type)
        .order_by(n_ev.desc(), _E.c.event_type)
    )
    n_am = func.count(distinct(_AM.c.doc_id)).label("n")
    actor = db.read(
        select(_AM.c.actor_id.label("value"), func.max(_A.c.name).label("name"), n_am)
        .select_from(_AM.join(_A, _A.c.actor_id == _AM.c.actor_id))
        .where(_AM.c.doc_id.in_(ids))
        .group_by(_AM.c.actor_id)
        .order_by(n_am.desc(), _AM.c.actor_id)
        .limit(TOP_N)
    )
    docs = db.read(
        select(_D.c.publisher, _D.c.source, _D.c.tlp, _D.c.published).where(
            _D.c.doc_id.in_(ids)
        )
    )
    sources: Counter[str] = Counter(
        d["publisher"] or _source_label(d["source"]) for d in docs
    )
    tlps: Counter[str] = Counter(d["tlp"] for d in docs)
    years: Counter[str] = Counter(
        str(_as_date(d["published"]).year) for d in docs if d["published"]  # type: ignore[union-attr]
    )
    for c in country:
        c["name"] = country_name(c["value"])
    for a in admin1:
        a["name"] = a["name"] or a["value"]
    return {
        "country": country,
        "admin1": admin1,
        "event_type": event_type,
        "actor": actor,
        "source": [{"value": k, "n": n} for k, n in sources.most_common(TOP_N)],
        "tlp": [{"value": k, "n": n} for k, n in sorted(tlps.items())],
        "year": [{"value": k, "n": n} for k, n in sorted(years.items(), reverse=True)],
    }


def _source_label(source: str) -> str:
    """A short source name for facets: the host of a URL, else the folder of a path."""
    if "://" in source:
        return source.split("://", 1)[1].split("/", 1)[0]
    return source.rsplit("/", 1)[0] if "/" in source else source


def search(
    db: Database,
    query: str,
    filters: SearchFilters,
    *,
    limit: int = 20,
    offset: int = 0,
    mode: str = "text",
    embedder: Embedder | None = None,
) -> dict[str, Any]:
    """Hits with snippets, facets over the best matches, and the events of each hit.

    ``mode``: ``text`` (full-text, highlighted snippets), ``semantic`` (embedding similarity,
    analyse.semantic) or ``hybrid`` (both rankings fused). A semantic mode that cannot run
    (no model, no stored embeddings) returns no hits and a ``notice`` saying why."""
    limit = clamp_limit(limit)
    notice = None
    if mode == "text":
        ids = db.search_ids(query, filters=filters, limit=FACET_SAMPLE)
        hits = db.search(query, filters=filters, limit=limit, offset=offset)
    elif mode in ("semantic", "hybrid"):
        rank = semantic.semantic_ranking if mode == "semantic" else semantic.hybrid_ranking
        try:
            ranking = rank(db, query, filters, limit=FACET_SAMPLE, embedder=embedder)
        except EmbeddingError as exc:
            ranking = semantic.Ranking([], notice=f"semantic search is unavailable: {exc}")
        ids, notice = ranking.ids, ranking.notice
        hits = semantic.hits_for(db, query, ranking.ranked[offset : offset + limit])
    else:
        raise ValueError(f"unknown search mode {mode!r}; use one of {', '.join(semantic.MODES)}")
    hit_ids = [h.doc_id for h in hits]
    events_by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if hit_ids:
        for row in db.read(
            select(*_EVENT_COLUMNS)
            .select_from(_events_from())
            .where(_E.c.doc_id.in_(hit_ids))
            .order_by(_E.c.start_date, _E.c.event_id)
        ):
            events_by_doc[row["doc_id"]].append(event_json(row))
    items = []
    for h in hits:
        item = h.to_json()
        item["events"] = [
            {k: e[k] for k in ("event_id", "event_type", "sub_event_type", "start_date",
                               "fatalities", "country")}
            | {"place": (e["location"] or {}).get("name")}
            for e in events_by_doc.get(h.doc_id, [])
        ]
        items.append(item)
    total = len(ids)
    return {
        "query": query,
        "mode": mode,
        "notice": notice,
        "filters": {k: _iso(v) if isinstance(v, date) else v
                    for k, v in asdict(filters).items() if v is not None},
        "total": total,
        "total_is_capped": total >= FACET_SAMPLE,
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if offset + limit < total else None,
        "items": items,
        "facets": facets(db, ids),
    }


# -- documents ---------------------------------------------------------------------------------


def list_documents(
    db: Database, filters: SearchFilters, *, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> Page:
    limit = clamp_limit(limit)
    docs = db.list_documents(filters=filters, limit=limit + 1, offset=offset)
    more = len(docs) > limit
    items = [d.to_json(with_text=False) for d in docs[:limit]]
    # An exact count is a scan with the extraction filters; the page says whether more exist.
    total = offset + len(items) + (1 if more else 0)
    return Page(items=items, total=total, limit=limit, offset=offset)


def _spans(result: dict[str, Any], events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every highlighted span of a document: places, actors, dates, counts, quotes,
    event triggers and event evidence sentences, sorted by start."""
    spans: list[dict[str, Any]] = []

    def add(kind: str, item: dict[str, Any], label: str, **extra: Any) -> None:
        if item.get("start") is None or item.get("end") is None:
            return
        spans.append({"kind": kind, "start": int(item["start"]), "end": int(item["end"]),
                      "label": label, **extra})

    for p in result.get("places") or []:
        add("place", p, f"{p.get('name') or p.get('text')} ({p.get('feature_code') or '?'}, "
            f"{p.get('country_code') or '?'})", place_id=p.get("place_id"))
    for a in result.get("actors") or []:
        add("actor", a, f"{a.get('name') or a.get('text')} ({a.get('actor_type') or '?'})",
            actor_id=a.get("actor_id"))
    for d in result.get("dates") or []:
        add("date", d, f"{d.get('start_date') or '?'} – {d.get('end_date') or '?'} "
            f"({d.get('precision')})")
    for q in result.get("quantities") or []:
        add("quantity", q, f"{q.get('value')} {q.get('of') or ''}".strip())
    for q in result.get("quotes") or []:
        speaker = (q.get("speaker") or {}).get("text")
        add("quote", q, f"quote by {speaker or 'unknown speaker'}")
    for e in events:
        trigger = e.get("trigger") or {}
        add("event", trigger, f"{e.get('event_type')} / {e.get('sub_event_type') or '—'}",
            event_id=e.get("event_id"))
    return sorted(spans, key=lambda s: (s["start"], -s["end"]))


def document_view(db: Database, doc_id: str) -> dict[str, Any] | None:
    """A report with everything extracted from it, ready to highlight."""
    doc = db.get_document(doc_id)
    if doc is None:
        return None
    result = db.get_extraction(doc.doc_id) or {}
    rows = db.read(
        select(*_EVENT_COLUMNS)
        .select_from(_events_from())
        .where(_E.c.doc_id == doc.doc_id)
        .order_by(_E.c.start_date, _E.c.event_id)
    )
    events = []
    for row in rows:
        event = event_json(row)
        data = dict(row["data"] or {})
        event["trigger"] = data.get("trigger")
        event["evidence"] = [
            {"start": s["start"], "end": s["end"], "anchor": f"span-{s['start']}-{s['end']}",
             "text": _slice(doc.text, s["start"], s["end"])}
            for s in data.get("evidence") or []
            if s.get("start") is not None
        ]
        events.append(event)
    data = doc.to_json()
    data["sources"] = db.document_sources(doc.doc_id)
    data["near_duplicates"] = db.near_duplicates_of(doc.doc_id)
    data["extractor"] = result.get("extractor")
    data["extraction_errors"] = result.get("errors") or []
    data["places"] = result.get("places") or []
    data["actors"] = result.get("actors") or []
    data["dates"] = result.get("dates") or []
    data["quantities"] = result.get("quantities") or []
    data["quotes"] = result.get("quotes") or []
    data["events"] = events
    data["spans"] = _spans(result, [dict(r["data"] or {}) for r in rows])
    from watchfloor.analyse.related import related_documents  # uses this module

    data["related"] = related_documents(db, doc.doc_id)
    return data


# -- countries and admin1 ----------------------------------------------------------------------


def list_countries(db: Database) -> list[dict[str, Any]]:
    """Every country with events or mentioned places: counts, fatalities, first/last date."""
    n = func.count().label("events")
    rows = db.read(
        select(
            _E.c.country_code,
            n,
            func.sum(_E.c.fatalities).label("fatalities"),
            func.min(_E.c.start_date).label("first"),
            func.max(_E.c.start_date).label("last"),
        )
        .where(_E.c.country_code.is_not(None))
        .group_by(_E.c.country_code)
    )
    docs = db.read(
        select(_P.c.country_code, func.count(distinct(_PM.c.doc_id)).label("documents"))
        .select_from(_PM.join(_P, _P.c.place_id == _PM.c.place_id))
        .where(_P.c.country_code.is_not(None))
        .group_by(_P.c.country_code)
    )
    by_code: dict[str, dict[str, Any]] = {}
    for r in rows:
        by_code[r["country_code"]] = {
            "code": r["country_code"], "name": country_name(r["country_code"]),
            "events": int(r["events"]), "fatalities": int(r["fatalities"] or 0),
            "first_event": _iso(r["first"]), "last_event": _iso(r["last"]), "documents": 0,
        }
    for r in docs:
        entry = by_code.setdefault(
            r["country_code"],
            {"code": r["country_code"], "name": country_name(r["country_code"]), "events": 0,
             "fatalities": 0, "first_event": None, "last_event": None},
        )
        entry["documents"] = int(r["documents"])
    return sorted(by_code.values(), key=lambda c: (-c["events"], -c["documents"], c["name"]))


def _bucket_start(day: date, bucket: Bucket) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _next_bucket(day: date, bucket: Bucket) -> date:
    if bucket == "week":
        return day + timedelta(days=7)
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def timeline(rows: list[dict[str, Any]], *, bucket: Bucket = "month") -> dict[str, Any]:
    """Events per week or month by type, and fatalities, from rows with ``start_date``,
    ``date_precision``, ``event_type`` and ``fatalities``. Empty periods between the first
    and the last are included (a quiet month is information); events dated only to a
    season, year or decade are counted apart, not piled on their first month."""
    counts: dict[date, Counter[str]] = defaultdict(Counter)
    deaths: Counter[date] = Counter()
    types: Counter[str] = Counter()
    by_year: dict[int, dict[str, int]] = defaultdict(lambda: {"events": 0, "fatalities": 0})
    imprecise = undated = 0
    for r in rows:
        day = _as_date(r["start_date"])
        if day is None:
            undated += 1
            continue
        by_year[day.year]["events"] += 1
        by_year[day.year]["fatalities"] += int(r["fatalities"] or 0)
        if r["date_precision"] not in TIMELINE_PRECISIONS:
            imprecise += 1
            continue
        key = _bucket_start(day, bucket)
        counts[key][r["event_type"]] += 1
        deaths[key] += int(r["fatalities"] or 0)
        types[r["event_type"]] += 1
    periods = []
    if counts:
        cursor, last = min(counts), max(counts)
        while cursor <= last:
            periods.append(
                {
                    "period": cursor.isoformat() if bucket == "week" else cursor.isoformat()[:7],
                    "start": cursor.isoformat(),
                    "counts": dict(counts.get(cursor, {})),
                    "events": sum(counts.get(cursor, Counter()).values()),
                    "fatalities": deaths.get(cursor, 0),
                }
            )
            cursor = _next_bucket(cursor, bucket)
    return {
        "bucket": bucket,
        "types": [t for t, _ in types.most_common()],
        "periods": periods,
        "by_year": [
            {"year": y, **by_year.get(y, {"events": 0, "fatalities": 0})}
            for y in (range(min(by_year), max(by_year) + 1) if by_year else [])
        ],
        "imprecise": imprecise,
        "undated": undated,
    }


def _top_actors(rows: list[dict[str, Any]], db: Database) -> list[dict[str, Any]]:
    counts: Counter[str] = Counter()
    for r in rows:
        for key in ("actor1_id", "actor2_id"):
            if r.get(key):
                counts[r[key]] += 1
    top = counts.most_common(TOP_N)
    names = {
        a["actor_id"]: a
        for a in db.read(
            select(_A.c.actor_id, _A.c.name, _A.c.actor_type).where(
                _A.c.actor_id.in_([k for k, _ in top])
            )
        )
    } if top else {}
    return [
        {"actor_id": k, "name": (names.get(k) or {}).get("name") or k,
         "actor_type": (names.get(k) or {}).get("actor_type"), "events": n}
        for k, n in top
    ]


def _name_new_actors(db: Database, found: list[dict[str, Any]]) -> None:
    """Rows read without event data know actors by id: give the novelties their names."""
    ids = sorted({n["actor_id"] for n in found if n.get("actor_id")})
    if not ids:
        return
    names = {r["actor_id"]: r["name"]
             for r in db.read(select(_A.c.actor_id, _A.c.name).where(_A.c.actor_id.in_(ids)))}
    for n in found:
        if n.get("actor_id") in names:
            n["what"] = f"{names[n['actor_id']]} appears for the first time"


def region_summary(
    db: Database,
    country: str,
    admin1: str | None = None,
    *,
    bucket: Bucket = "month",
    filters: EventFilters | None = None,
) -> dict[str, Any] | None:
    """A country's (or one admin1's) page: totals, timeline, top actors, admin1 divisions,
    latest reports. None when nothing is known about the place."""
    country = country.upper()
    f = replace(filters or EventFilters(), country=country, admin1=admin1)
    stmt = (
        select(
            _E.c.event_id,
            _E.c.doc_id,
            _E.c.start_date,
            _E.c.date_precision,
            _E.c.event_type,
            _E.c.sub_event_type,
            _E.c.fatalities,
            _E.c.admin1_code,
            _P.c.admin1,
            _actor1_id.label("actor1_id"),
            _actor2_id.label("actor2_id"),
        )
        .select_from(_events_from())
    )
    for c in _event_conditions(db, f):
        stmt = stmt.where(c)
    rows = db.read(stmt)
    doc_filters = SearchFilters(country=country, admin1=admin1)
    latest = db.list_documents(filters=doc_filters, limit=TOP_N)
    if not rows and not latest:
        return None
    admin1_name = None
    divisions: dict[str, dict[str, Any]] = {}
    for r in rows:
        code = r["admin1_code"]
        if code is None:
            continue
        entry = divisions.setdefault(
            code, {"code": code, "name": r["admin1"] or code, "events": 0, "fatalities": 0}
        )
        entry["events"] += 1
        entry["fatalities"] += int(r["fatalities"] or 0)
        if r["admin1"]:
            entry["name"] = r["admin1"]
        if code == admin1 and r["admin1"]:
            admin1_name = r["admin1"]
    if admin1 and admin1_name is None:
        found = db.read(
            select(_P.c.admin1).where(
                _P.c.country_code == country, _P.c.admin1_code == admin1,
                _P.c.admin1.is_not(None),
            ).limit(1)
        )
        admin1_name = found[0]["admin1"] if found else admin1
    by_type = Counter(r["event_type"] for r in rows)
    line = timeline(rows, bucket=bucket)
    top_actors = _top_actors(rows, db)
    trend_findings = trends.assess(rows, line, by_admin1=admin1 is None)
    _name_new_actors(db, trend_findings["novelties"])
    return {
        "country_code": country,
        "country": country_name(country),
        "admin1_code": admin1,
        "admin1": admin1_name,
        "filters": f.to_json(),
        "totals": {
            "events": len(rows),
            "fatalities": sum(int(r["fatalities"] or 0) for r in rows),
            "by_type": dict(by_type.most_common()),
        },
        "timeline": line,
        "trends": trend_findings,
        "top_actors": top_actors,
        "admin1_divisions": sorted(divisions.values(), key=lambda d: (-d["events"], d["name"]))
        if admin1 is None
        else [],
        "latest_reports": [d.to_json(with_text=False) for d in latest],
    }


# -- actors ------------------------------------------------------------------------------------


def list_actors(
    db: Database, *, q: str | None = None, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> Page:
    """Actors named in the reports, most often mentioned first."""
    limit = clamp_limit(limit)
    n = func.count(distinct(_AM.c.doc_id)).label("documents")
    stmt = (
        select(_A.c.actor_id, _A.c.name, _A.c.kind, _A.c.actor_type, _A.c.country_code, n)
        .select_from(_A.join(_AM, _AM.c.actor_id == _A.c.actor_id))
        .group_by(_A.c.actor_id, _A.c.name, _A.c.kind, _A.c.actor_type, _A.c.country_code)
    )
    if q:
        pattern = f"%{q.lower()}%"
        stmt = stmt.where(
            or_(func.lower(_A.c.name).like(pattern), func.lower(_A.c.actor_id).like(pattern))
        )
    total = _count(db, stmt)
    rows = db.read(stmt.order_by(n.desc(), _A.c.actor_id).limit(limit).offset(offset))
    return Page(items=rows, total=total, limit=limit, offset=offset)


def actor_summary(db: Database, actor_id: str, *, bucket: Bucket = "month") -> dict | None:
    """An actor's page: aliases, type, events over time, co-occurring actors, places, quotes."""
    found = db.read(select(_A).where(_A.c.actor_id == actor_id))
    if not found:
        return None
    actor = found[0]
    n_alias = func.count().label("n")
    aliases = db.read(
        select(_AM.c.text, n_alias)
        .where(_AM.c.actor_id == actor_id)
        .group_by(_AM.c.text)
        .order_by(n_alias.desc(), _AM.c.text)
        .limit(50)
    )
    mentioned_in = select(_AM.c.doc_id).where(_AM.c.actor_id == actor_id)
    n_docs = db.read(
        select(func.count(distinct(_AM.c.doc_id)).label("n")).where(_AM.c.actor_id == actor_id)
    )[0]["n"]
    n_co = func.count(distinct(_AM.c.doc_id)).label("documents")
    co = db.read(
        select(_AM.c.actor_id, func.max(_A.c.name).label("name"), n_co)
        .select_from(_AM.join(_A, _A.c.actor_id == _AM.c.actor_id))
        .where(_AM.c.doc_id.in_(mentioned_in), _AM.c.actor_id != actor_id)
        .group_by(_AM.c.actor_id)
        .order_by(n_co.desc(), _AM.c.actor_id)
        .limit(TOP_N)
    )
    events = list_events(db, EventFilters(actor=actor_id), limit=MAX_LIMIT)
    rows = [
        {"start_date": e["start_date"], "date_precision": e["date_precision"],
         "event_type": e["event_type"], "fatalities": e["fatalities"]}
        for e in events.items
    ]
    places: Counter[tuple[str, str, str | None]] = Counter()
    for e in events.items:
        if e["location"]:
            loc = e["location"]
            places[(loc["place_id"], loc["name"], e["country_code"])] += 1
    quotes = db.read(
        select(_Q.c.doc_id, _Q.c.start, _Q.c.end, _Q.c.text, _Q.c.speaker)
        .where(_Q.c.speaker_actor_id == actor_id)
        .order_by(_Q.c.doc_id, _Q.c.start)
        .limit(50)
    )
    latest = db.list_documents(filters=SearchFilters(actor=actor_id), limit=TOP_N)
    return {
        "actor": actor,
        "aliases": aliases,
        "documents": int(n_docs),
        "events": events.to_json(),
        "timeline": timeline(rows, bucket=bucket),
        "co_occurring": co,
        "places": [
            {"place_id": k[0], "name": k[1], "country_code": k[2], "events": n}
            for k, n in places.most_common(TOP_N)
        ],
        "quotes": quotes,
        "latest_reports": [d.to_json(with_text=False) for d in latest],
    }


# -- overview ----------------------------------------------------------------------------------


def overview(db: Database) -> dict[str, Any]:
    stats = db.stats()
    counts = db.count_rows(["events", "actors", "places"])
    return {
        "documents": stats.documents,
        "first_published": _iso(stats.first_published),
        "last_published": _iso(stats.last_published),
        "events": counts["events"],
        "actors": counts["actors"],
        "places": counts["places"],
        "countries": list_countries(db)[:TOP_N],
        "latest_reports": [
            d.to_json(with_text=False) for d in db.list_documents(limit=TOP_N)
        ],
    }
