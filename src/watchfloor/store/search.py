"""Full-text search behind one function, on SQLite FTS5 (BM25) or PostgreSQL tsvector.

Both backends accept the same query syntax, the one web search engines use: words are all
required, ``"quoted phrases"`` match in order, ``OR`` between two terms accepts either, and
``-word`` excludes. PostgreSQL parses it natively (websearch_to_tsquery); for FTS5 the query
is translated here into FTS5's own syntax, with every term quoted so that user input can never
be read as FTS5 operators or column filters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, TextClause, text

from watchfloor.records import SearchHit

# Markers around matched terms in snippets; the CLI turns them into bold, the web UI into
# <mark> elements after escaping the rest.
MARK_START = "<mark>"
MARK_END = "</mark>"
# Words of context in a snippet: about one sentence, enough to judge relevance.
SNIPPET_WORDS = 24
# Title matches weigh more than body matches: a report titled "Car bomb in Lima" is more
# about car bombs than one that mentions a car bomb in passing.
TITLE_WEIGHT = 5.0
# ts_headline reads the whole text it is given; bound it so that a 20 MB document
# cannot make one search slow.
PG_HEADLINE_MAX_CHARS = 100_000

_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, kw_only=True)
class SearchFilters:
    since: date | None = None
    until: date | None = None
    source: str | None = None  # prefix of the source path/URL, or the publisher name
    # What was extracted from a document: a place it mentions in this country (ISO2) and
    # first-level division (admin1 code), an event of this type, an actor it names.
    country: str | None = None
    admin1: str | None = None
    event_type: str | None = None
    actor: str | None = None
    tlp: str | None = None


def _extracted_sql(filters: SearchFilters, alias: str, params: dict[str, Any]) -> list[str]:
    """SQL conditions (the same text on both backends) for the extraction-based filters."""
    clauses = []
    if filters.country or filters.admin1:
        place = []
        if filters.country:
            place.append("p.country_code = :f_country")
            params["f_country"] = filters.country.upper()
        if filters.admin1:
            place.append("p.admin1_code = :f_admin1")
            params["f_admin1"] = filters.admin1
        clauses.append(
            "EXISTS (SELECT 1 FROM place_mentions pm JOIN places p ON p.place_id = pm.place_id "
            f"WHERE pm.doc_id = {alias}.doc_id AND {' AND '.join(place)})"
        )
    if filters.event_type:
        clauses.append(
            "EXISTS (SELECT 1 FROM events e "
            f"WHERE e.doc_id = {alias}.doc_id AND e.event_type = :f_event_type)"
        )
        params["f_event_type"] = filters.event_type
    if filters.actor:
        clauses.append(
            "EXISTS (SELECT 1 FROM actor_mentions am "
            f"WHERE am.doc_id = {alias}.doc_id AND am.actor_id = :f_actor)"
        )
        params["f_actor"] = filters.actor
    if filters.tlp:
        clauses.append(f"{alias}.tlp = :f_tlp")
        params["f_tlp"] = filters.tlp
    return clauses


def document_filter_clauses(filters: SearchFilters) -> list[TextClause]:
    """The extraction-based filters as clauses on a select from ``documents``."""
    params: dict[str, Any] = {}
    clauses = _extracted_sql(filters, "documents", params)
    return [
        text(c).bindparams(**{k: v for k, v in params.items() if f":{k}" in c}) for c in clauses
    ]


def fts5_query(query: str) -> str | None:
    """Translate web-search syntax into a safe FTS5 MATCH expression (None: nothing to match)."""
    positives: list[str] = []
    negatives: list[str] = []
    pending_or = False
    for raw in _TOKEN.findall(query):
        if raw == "OR":
            pending_or = bool(positives)
            continue
        negate = raw.startswith("-") and len(raw) > 1
        body = raw[1:] if negate else raw
        words = _WORD.findall(body)
        if not words:
            continue
        term = '"' + " ".join(words) + '"'  # a quoted FTS5 string is a phrase of its tokens
        if negate:
            negatives.append(term)
        elif pending_or:
            positives[-1] = f"({positives[-1]} OR {term})"
            pending_or = False
        else:
            positives.append(term)
    if not positives:
        return None
    expression = " AND ".join(positives)
    for term in negatives:
        expression = f"({expression}) NOT {term}"
    return expression


def _filters_sql(filters: SearchFilters, params: dict[str, Any]) -> str:
    clauses = []
    if filters.since:
        clauses.append("d.published >= :since")
        params["since"] = filters.since
    if filters.until:
        clauses.append("d.published <= :until")
        params["until"] = filters.until
    if filters.source:
        clauses.append("(d.source LIKE :source_prefix ESCAPE '\\' OR d.publisher = :source)")
        escaped = re.sub(r"([\\%_])", r"\\\1", filters.source)
        params["source_prefix"] = escaped + "%"
        params["source"] = filters.source
    clauses.extend(_extracted_sql(filters, "d", params))
    return "".join(f" AND {c}" for c in clauses)


def search(
    conn: Connection,
    query: str,
    *,
    filters: SearchFilters,
    limit: int,
    offset: int = 0,
) -> list[SearchHit]:
    """Ranked hits, best first, each with a highlighted snippet."""
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    where = _filters_sql(filters, params)
    if conn.dialect.name == "sqlite":
        match = fts5_query(query)
        if match is None:
            return []
        params["match"] = match
        sql = (
            "SELECT d.doc_id, d.title, d.source, d.published, "
            f"bm25(documents_fts, {TITLE_WEIGHT}, 1.0) AS rank, "
            f"snippet(documents_fts, 1, '{MARK_START}', '{MARK_END}', '…', {SNIPPET_WORDS}) "
            "FROM documents_fts JOIN documents d ON d.pk = documents_fts.rowid "
            f"WHERE documents_fts MATCH :match{where} "
            "ORDER BY rank, d.pk LIMIT :limit OFFSET :offset"
        )
        rows = conn.execute(text(sql), params).all()
        return [_hit(r, score=-float(r[4])) for r in rows]
    if not _WORD.search(query):
        return []
    params["query"] = query
    sql = (
        "WITH q AS (SELECT websearch_to_tsquery('english', :query) AS query) "
        "SELECT d.doc_id, d.title, d.source, d.published, "
        "ts_rank_cd(d.tsv, q.query, 32) AS rank, "
        f"ts_headline('english', left(d.text, {PG_HEADLINE_MAX_CHARS}), q.query, "
        f"'StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, "
        'MinWords=8, MaxFragments=2, FragmentDelimiter=" … "\') '
        "FROM documents d, q WHERE d.tsv @@ q.query"
        f"{where} ORDER BY rank DESC, d.pk LIMIT :limit OFFSET :offset"
    )
    rows = conn.execute(text(sql), params).all()
    return [_hit(r, score=float(r[4])) for r in rows]


def search_ids(conn: Connection, query: str, *, filters: SearchFilters, limit: int) -> list[str]:
    """Ids of the best matches, best first: what facets are counted over."""
    params: dict[str, Any] = {"limit": limit}
    where = _filters_sql(filters, params)
    if conn.dialect.name == "sqlite":
        match = fts5_query(query)
        if match is None:
            return []
        params["match"] = match
        sql = (
            f"SELECT d.doc_id FROM documents_fts JOIN documents d ON d.pk = documents_fts.rowid "
            f"WHERE documents_fts MATCH :match{where} "
            f"ORDER BY bm25(documents_fts, {TITLE_WEIGHT}, 1.0), d.pk LIMIT :limit"
        )
    else:
        if not _WORD.search(query):
            return []
        params["query"] = query
        sql = (
            "WITH q AS (SELECT websearch_to_tsquery('english', :query) AS query) "
            "SELECT d.doc_id FROM documents d, q WHERE d.tsv @@ q.query"
            f"{where} ORDER BY ts_rank_cd(d.tsv, q.query, 32) DESC, d.pk LIMIT :limit"
        )
    return [r[0] for r in conn.execute(text(sql), params)]


def _hit(row: Any, *, score: float) -> SearchHit:
    published = row[3]
    if isinstance(published, str):  # SQLite returns dates as text through raw SQL
        published = date.fromisoformat(published)
    snippet = " ".join(str(row[5] or "").split())
    return SearchHit(
        doc_id=row[0],
        title=row[1],
        source=row[2],
        published=published,
        score=score,
        snippet=snippet,
    )


def filtered_ids(conn: Connection, *, filters: SearchFilters) -> list[str]:
    """Ids of every document the filters admit, in ingestion order (semantic search ranks
    these by similarity)."""
    params: dict[str, Any] = {}
    where = _filters_sql(filters, params)
    sql = f"SELECT d.doc_id FROM documents d WHERE 1 = 1{where} ORDER BY d.pk"
    return [r[0] for r in conn.execute(text(sql), params)]
