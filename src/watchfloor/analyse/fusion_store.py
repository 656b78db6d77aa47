"""Fused events kept in the database: the pure matching of :mod:`watchfloor.analyse.fusion`
run over the stored extraction results, incrementally.

- :func:`update_fusion` fuses what was extracted since the last update: each document whose
  stored extraction was not fused yet (new, or extracted again) loses its old memberships
  and its events are added to the stored fused events with :func:`fusion.assign` (a large
  batch is fused with its neighbours by :func:`fusion.fuse`). ``everything=True`` re-fuses
  every stored report from scratch. Analysts' splits (cannot-link pairs) are honoured.
- :func:`split_fused_event` separates reports from a fused event and stores the cannot-link
  pairs, so no later update puts them together again; the keys are content-derived, so the
  split survives re-extraction of unchanged text.
- :func:`list_fused_events`, :func:`fused_event_detail` and :func:`fused_event_of` are the
  reads behind ``watchfloor fusion`` and the ``/fused-events`` pages.

Every event of every extracted report belongs to one stored fused event (most to one of a
single report): a later report needs the earlier one's to join it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import case, func, or_, select

from watchfloor.analyse import fusion
from watchfloor.analyse.fusion import Cluster, Constraints, FusionOptions, Report
from watchfloor.store import Database, schema
from watchfloor.store.fusion import FusionChange

_FE, _FM = schema.fused_events, schema.fused_event_members
_EXT, _FD, _CL = schema.extractions, schema.fusion_documents, schema.fusion_cannot_link

# New reports added one by one with ``assign`` up to this many; a larger batch (a first
# update over a whole corpus) is fused with the stored reports it can link by ``fuse``.
ASSIGN_LIMIT = 200
DEFAULT_LIMIT = 50


class FusionError(ValueError):
    """A fusion request that cannot be carried out; the message says what to fix."""


@dataclass(frozen=True)
class FusionUpdate:
    documents: int  # documents (re)fused
    reports: int  # their events
    fused_events: int  # fused events written
    multi_report: int  # of those, with two or more reports

    def to_json(self) -> dict[str, int]:
        return {"documents": self.documents, "reports": self.reports,
                "fused_events": self.fused_events, "multi_report": self.multi_report}


# -- reading stored reports --------------------------------------------------------------------


def _reports(db: Database, doc_ids: Iterable[str],
             options: FusionOptions | None) -> list[Report]:
    """The fusion reports of the stored extraction results of these documents."""
    reports: list[Report] = []
    for doc in db.get_documents(list(dict.fromkeys(doc_ids))):
        line = db.get_extraction(doc.doc_id)
        if line is None:
            continue
        line = {**line, "doc_id": doc.doc_id, "text": line.get("text") or doc.text,
                "published": doc.published.isoformat() if doc.published else None,
                "source": doc.source, "title": doc.title}
        reports += fusion.reports_from_line(line, options=options,
                                            keep=lambda e: bool(e.get("event_id")))
    return reports


def cannot_link_pairs(db: Database) -> list[tuple[str, str]]:
    """Every stored analyst's split, as pairs of report keys."""
    rows = db.read_tuples(select(_CL.c.key_a, _CL.c.key_b).order_by(_CL.c.key_a, _CL.c.key_b))
    return [(r[0], r[1]) for r in rows]


def _constraints(db: Database) -> Constraints:
    return Constraints(frozenset(frozenset(p) for p in cannot_link_pairs(db)))


def _pending(db: Database, doc_ids: Sequence[str] | None) -> list[tuple[str, datetime]]:
    stmt = select(_EXT.c.doc_id, _EXT.c.extracted_at)
    if doc_ids is not None:
        return [(r[0], r[1]) for r in db.read_tuples(stmt.where(_EXT.c.doc_id.in_(doc_ids)))]
    stmt = stmt.select_from(_EXT.outerjoin(_FD, _FD.c.doc_id == _EXT.c.doc_id)).where(
        _FD.c.doc_id.is_(None) | (_FD.c.extracted_at != _EXT.c.extracted_at))
    return [(r[0], r[1]) for r in db.read_tuples(stmt.order_by(_EXT.c.doc_id))]


def _stored_clusters(db: Database, cluster_ids: Iterable[str], *, skip_docs: set[str],
                     options: FusionOptions | None) -> list[Cluster]:
    """The stored fused events ``cluster_ids`` as clusters, without ``skip_docs``' reports."""
    ids = list(dict.fromkeys(cluster_ids))
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), 500):
        rows += db.read_tuples(select(_FM.c.cluster_id, _FM.c.doc_id, _FM.c.event_id)
                               .where(_FM.c.cluster_id.in_(ids[start:start + 500])))
    rows = [r for r in rows if r[1] not in skip_docs]
    by_key = {r.key: r for r in _reports(db, (r[1] for r in rows), options)}
    members: dict[str, list[Report]] = defaultdict(list)
    for cluster_id, doc_id, event_id in rows:
        report = by_key.get(f"{doc_id}/{event_id}")
        if report is not None:
            members[cluster_id].append(report)
    return [Cluster(tuple(sorted(m, key=lambda r: r.key))) for m in members.values()]


def _linkable_clusters(db: Database, reports: Sequence[Report], skip_docs: set[str]
                       ) -> set[str]:
    """Ids of the stored fused events with a report whose date range can overlap one of
    ``reports`` (the only ones a new report can join: the date gate)."""
    stmt = select(_FM.c.cluster_id)
    if skip_docs:
        stmt = stmt.where(_FM.c.doc_id.not_in(sorted(skip_docs)))
    starts = [r.start for r in reports]
    ends = [r.end for r in reports]
    if reports and all(s is not None for s in starts) and all(e is not None for e in ends):
        low, high = min(s for s in starts if s), max(e for e in ends if e)
        stmt = stmt.where(or_(_FM.c.start_date.is_(None), _FM.c.end_date.is_(None),
                              (_FM.c.start_date <= high) & (_FM.c.end_date >= low)))
    return {r[0] for r in db.read_tuples(stmt.distinct())}


# -- writing -----------------------------------------------------------------------------------


def _as_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _row(cluster: Cluster, at: datetime) -> dict[str, Any]:
    described = fusion.describe(cluster)
    summary = json.loads(json.dumps(described.to_dict(), default=str))
    when = described.value("date") or {}
    place = described.value("location") or {}
    return {
        "cluster_id": cluster.cluster_id, "reports": len(cluster.members),
        "sources": described.sources, "event_type": described.value("event_type"),
        "country_code": place.get("country_code"), "start_date": _as_date(when.get("start_date")),
        "summary": summary, "updated_at": at,
        "members": [{"doc_id": r.doc_id, "event_id": str(r.event.get("event_id")),
                     "cluster_id": cluster.cluster_id, "start_date": r.start,
                     "end_date": r.end} for r in cluster.members],
    }


def update_fusion(db: Database, *, doc_ids: Sequence[str] | None = None,
                  everything: bool = False, options: FusionOptions | None = None
                  ) -> FusionUpdate:
    """Fuse the documents extracted since the last update (or ``doc_ids``, or with
    ``everything`` every stored report afresh) into the stored fused events.

    Reads and writes are one transaction: two updates at once (two ingests) cannot both
    rewrite a fused event from what they read before the other wrote (SQLite serialises
    them; on PostgreSQL the loser fails on the member key and changes nothing)."""
    with db.transaction():
        return _update(db, doc_ids=doc_ids, everything=everything, options=options)


def _update(db: Database, *, doc_ids: Sequence[str] | None, everything: bool,
            options: FusionOptions | None) -> FusionUpdate:
    constraints = _constraints(db)
    now = datetime.now(UTC)
    if everything:
        pending = [(r[0], r[1]) for r in db.read_tuples(
            select(_EXT.c.doc_id, _EXT.c.extracted_at))]
        reports = _reports(db, (d for d, _ in pending), options)
        clusters = fusion.fuse(reports, options=options, constraints=constraints)
        rows = [_row(c, now) for c in clusters]
        db.save_fusion(FusionChange(clusters=rows, fused_documents=pending, everything=True))
        return _summary(len(pending), len(reports), rows)
    pending = _pending(db, doc_ids)
    if not pending:
        return FusionUpdate(0, 0, 0, 0)
    pending_ids = {d for d, _ in pending}
    new = sorted(_reports(db, pending_ids, options), key=lambda r: r.key)
    touched = {r[0] for r in db.read_tuples(
        select(_FM.c.cluster_id).where(_FM.c.doc_id.in_(sorted(pending_ids))).distinct())}
    loaded = touched | (_linkable_clusters(db, new, pending_ids) if new else set())
    clusters = _stored_clusters(db, loaded, skip_docs=pending_ids, options=options)
    if len(new) > ASSIGN_LIMIT:
        stored = [r for c in clusters for r in c.members]
        clusters = fusion.fuse([*stored, *new], options=options, constraints=constraints)
    else:
        for report in new:
            clusters = fusion.assign(report, clusters, options=options,
                                     constraints=constraints)
    rows = [_row(c, now) for c in clusters]
    db.save_fusion(FusionChange(drop_clusters=sorted(loaded), clusters=rows,
                                drop_documents=sorted(pending_ids), fused_documents=pending))
    return _summary(len(pending), len(new), rows)


def _summary(documents: int, reports: int, rows: Sequence[Mapping[str, Any]]) -> FusionUpdate:
    return FusionUpdate(documents, reports, len(rows), sum(1 for r in rows if r["sources"] > 1))


def split_fused_event(db: Database, cluster_id: str, keys: Sequence[str], *,
                      options: FusionOptions | None = None) -> list[dict[str, Any]]:
    """Separate the reports ``keys`` (``doc_id/event_id``) from fused event ``cluster_id``
    and keep them apart from now on; returns the two fused events (ids and reports)."""
    with db.transaction():  # read and rewrite the fused event as one change
        return _split(db, cluster_id, keys, options=options)


def _split(db: Database, cluster_id: str, keys: Sequence[str], *,
           options: FusionOptions | None) -> list[dict[str, Any]]:
    wanted = list(dict.fromkeys(k.strip() for k in keys if k.strip()))
    if not wanted:
        raise FusionError("split: give the report keys (doc_id/event_id) to separate; "
                          f"`watchfloor fusion show {cluster_id}` lists them")
    clusters = _stored_clusters(db, [cluster_id], skip_docs=set(), options=options)
    if not clusters:
        raise FusionError(f"no fused event {cluster_id!r}; `watchfloor fusion list` shows "
                          "the ids")
    cluster = clusters[0]
    unknown = [k for k in wanted if k not in cluster.keys]
    if unknown:
        raise FusionError(f"{', '.join(unknown)} not in fused event {cluster_id}; its reports "
                          f"are {', '.join(cluster.keys)}")
    try:
        parts, constraints = fusion.split([cluster], wanted)
    except ValueError as exc:
        raise FusionError(f"{exc} (fused event {cluster_id} has reports "
                          f"{', '.join(cluster.keys)})") from None
    now = datetime.now(UTC)
    rows = [_row(c, now) for c in parts]
    db.add_cannot_link((min(p), max(p)) for p in constraints.cannot_link)
    db.save_fusion(FusionChange(drop_clusters=[cluster_id], clusters=rows))
    return [{"fused_id": r["cluster_id"], "reports": [f"{m['doc_id']}/{m['event_id']}"
                                                      for m in r["members"]],
             "link": f"/fused-events/{r['cluster_id']}"} for r in rows]


# -- reading fused events ----------------------------------------------------------------------

_LABELS = {"event_type": "Event type", "sub_event_type": "Sub-event type", "date": "Date",
           "location": "Place", "fatalities": "Killed", "injured": "Injured",
           "arrested": "Arrested", "actor1": "Actor 1", "actor2": "Actor 2"}
_COUNT_WORDS = {"fatalities": "killed", "injured": "injured", "arrested": "arrested"}


def display(name: str, value: Any) -> str:
    """A field value in words: a date range, a place name, an actor, a figure."""
    if value is None:
        return "–"
    if name == "date" and isinstance(value, Mapping):
        start, end = value.get("start_date"), value.get("end_date")
        text = str(start) if not end or end == start else f"{start} – {end}"
        return text + (" (assumed)" if value.get("assumed") else "")
    if name == "location" and isinstance(value, Mapping):
        parts = [value.get("name") or value.get("text"), value.get("admin1"),
                 value.get("country_code")]
        return ", ".join(dict.fromkeys(str(p) for p in parts if p))  # "Aktobe" once
    if isinstance(value, Mapping):
        return str(value.get("name") or value.get("text") or value.get("actor_id") or "–")
    return str(value)


def _order() -> tuple[Any, ...]:
    return (case((_FE.c.sources >= 2, 0), else_=1), _FE.c.sources.desc(),
            _FE.c.start_date.is_(None), _FE.c.start_date.desc(), _FE.c.cluster_id)


def _list_item(row: Mapping[str, Any]) -> dict[str, Any]:
    summary = row["summary"]
    fields = summary.get("fields") or {}
    reports = summary.get("reports") or []
    count = fields.get("fatalities") or {}
    return {
        "fused_id": row["cluster_id"], "link": f"/fused-events/{row['cluster_id']}",
        "reports": row["reports"], "sources": row["sources"],
        "event_type": row["event_type"], "country_code": row["country_code"],
        "date": display("date", (fields.get("date") or {}).get("fused")),
        "location": display("location", (fields.get("location") or {}).get("fused")),
        "fatalities": count.get("fused"), "fatalities_range": count.get("range"),
        "conflicts": summary.get("conflicts") or [],
        "conflict_labels": [_LABELS.get(c, c) for c in summary.get("conflicts") or []],
        "titles": [r.get("title") or r.get("doc_id") for r in reports[:3]],
    }


def list_fused_events(db: Database, *, country: str | None = None, min_sources: int = 1,
                      limit: int = DEFAULT_LIMIT, offset: int = 0) -> dict[str, Any]:
    """Fused events, those of two or more reports first, then newest first."""
    conditions = [_FE.c.sources >= min_sources]
    if country:
        conditions.append(_FE.c.country_code == country.strip().upper())
    total = db.read_tuples(select(func.count()).select_from(_FE).where(*conditions))[0][0]
    multi = db.read_tuples(select(func.count()).select_from(_FE)
                           .where(*conditions, _FE.c.sources >= 2))[0][0]
    rows = db.read(select(_FE).where(*conditions).order_by(*_order())
                   .limit(limit).offset(offset))
    return {"total": int(total), "multi_report": int(multi), "limit": limit, "offset": offset,
            "country": country.strip().upper() if country else None,
            "items": [_list_item(r) for r in rows]}


def _report_refs(keys: Iterable[str], reports: Mapping[str, Mapping[str, Any]]
                 ) -> list[dict[str, Any]]:
    return [{"key": k, "title": (reports.get(k) or {}).get("title") or k.split("/")[0],
             "link": f"/documents/{k.split('/')[0]}"} for k in keys]


def fused_event_detail(db: Database, cluster_id: str) -> dict[str, Any] | None:
    """One fused event: its reports (linked), every field's values by source, the
    conflicts side by side and the fused value with its rule; None when unknown."""
    rows = db.read(select(_FE).where(_FE.c.cluster_id == cluster_id))
    if not rows:
        return None
    row = rows[0]
    summary = row["summary"]
    reports = {r["key"]: r for r in summary.get("reports") or []}
    fields, conflicts = [], []
    for name, f in (summary.get("fields") or {}).items():
        values = [{"value": v["value"], "display": display(name, v["value"]),
                   "reports": _report_refs(v["reports"], reports)} for v in f["values"]]
        item = {"name": name, "label": _LABELS.get(name, name), "fused": f["fused"],
                "fused_display": display(name, f["fused"]), "rule": f["rule"],
                "conflict": f["conflict"], "range": f.get("range"), "values": values}
        fields.append(item)
        if f["conflict"]:
            text = " vs ".join(v["display"] for v in values)
            conflicts.append({"name": name, "label": item["label"], "values": values,
                              "text": f"{text} {_COUNT_WORDS[name]}" if name in _COUNT_WORDS
                              else text})
    return {
        "fused_id": row["cluster_id"], "sources": row["sources"],
        "updated_at": row["updated_at"].isoformat() if row["updated_at"] else None,
        "reports": [{**r, "link": f"/documents/{r['doc_id']}",
                     "event_link": f"/events/{r['event_id']}"} for r in reports.values()],
        "fields": fields, "conflicts": conflicts,
        "participants": [{**p, "reports": _report_refs(p.get("reports") or [], reports)}
                         for p in summary.get("participants") or []],
        "confidence": summary.get("confidence"),
        "split": {"api": f"/api/v1/fused-events/{row['cluster_id']}/split",
                  "cli": f"watchfloor fusion split {row['cluster_id']} DOC_ID/EVENT_ID"},
    }


def fused_event_of(db: Database, event_id: str, *, min_sources: int = 2
                   ) -> dict[str, Any] | None:
    """The fused event holding an event, when it has ``min_sources`` reports or more."""
    rows = db.read(select(_FE.c.cluster_id, _FE.c.sources)
                   .select_from(_FE.join(_FM, _FM.c.cluster_id == _FE.c.cluster_id))
                   .where(_FM.c.event_id == event_id, _FE.c.sources >= min_sources))
    if not rows:
        return None
    return {"fused_id": rows[0]["cluster_id"], "sources": rows[0]["sources"],
            "link": f"/fused-events/{rows[0]['cluster_id']}"}
