"""Table definitions (SQLAlchemy Core), shared by both backends.

Documents are the only tables ingestion fills today; the others are shaped for the stages
that follow (places, actors, events with per-field evidence, quotes, links between documents)
so that later migrations add columns rather than reshape data.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# Length of content-derived ids (hex digits of sha256): 80 bits, so a collision among
# even a hundred million reports stays below one in a billion.
ID_HEX_DIGITS = 20

documents = Table(
    "documents",
    metadata,
    # Integer key so that SQLite FTS5 can use it as the external-content rowid.
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(64), nullable=False, unique=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("source", Text, nullable=False),
    Column("url", Text),
    Column("source_id", Text),
    Column("title", Text),
    Column("author", Text),
    Column("publisher", Text),
    Column("published", Date),
    Column("published_from", String(16)),
    Column("retrieved_at", DateTime(timezone=True)),
    Column("language", String(16)),
    Column("tlp", String(24), nullable=False),
    Column("content_type", String(64)),
    Column("length", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("near_duplicate_of", String(64), ForeignKey("documents.doc_id")),
    Column("similarity", Float),
    Column("minhash", LargeBinary),
    Index("ix_documents_published", "published"),
    Index("ix_documents_source", "source"),
    Index("ix_documents_near_duplicate_of", "near_duplicate_of"),
)

# Every place a document was seen (the same report arriving from a file and a feed).
document_sources = Table(
    "document_sources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(64), ForeignKey("documents.doc_id"), nullable=False),
    Column("source", Text, nullable=False),
    Column("url", Text),
    Column("retrieved_at", DateTime(timezone=True)),
    UniqueConstraint("doc_id", "source", name="uq_document_sources"),
)

# Locality-sensitive hashing buckets of each document's MinHash signature, so that
# near-duplicate candidates are found with an index lookup instead of a scan.
document_lsh = Table(
    "document_lsh",
    metadata,
    Column("band", Integer, nullable=False),
    Column("bucket", BigInteger, nullable=False),
    Column("doc_id", String(64), ForeignKey("documents.doc_id"), nullable=False),
    # No uniqueness constraint: rows are written only in the transaction that inserts their
    # document, so they cannot repeat, and a second index would double the cost of writing.
    Index("ix_document_lsh_bucket", "bucket"),
)

# Typed links between documents (near duplicates, connected content).
document_links = Table(
    "document_links",
    metadata,
    Column("doc_id", String(64), ForeignKey("documents.doc_id"), nullable=False),
    Column("other_id", String(64), ForeignKey("documents.doc_id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("score", Float),
    Column("reason", JSON),
    UniqueConstraint("doc_id", "other_id", "kind", name="uq_document_links"),
)

# Inputs that failed, kept so that a person can see and retry them. line 0 = whole input.
ingest_failures = Table(
    "ingest_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("line", Integer, nullable=False, default=0),
    Column("reason", Text, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("count", Integer, nullable=False, default=1),
    UniqueConstraint("source", "line", name="uq_ingest_failures"),
)

# One row per document and extractor run: the full `watchfloor extract` line as JSON,
# with the extractor version and configuration that produced it.
extractions = Table(
    "extractions",
    metadata,
    Column("doc_id", String(64), ForeignKey("documents.doc_id"), primary_key=True),
    Column("extractor_version", String(32), nullable=False),
    Column("config", JSON),
    Column("extracted_at", DateTime(timezone=True), nullable=False),
    Column("result", JSON, nullable=False),
    Column("errors", JSON),
)

places = Table(
    "places",
    metadata,
    Column("place_id", String(64), primary_key=True),  # "geonames:1526384" or "wf:rasht-valley"
    Column("geonameid", BigInteger),
    Column("name", Text, nullable=False),
    Column("feature_code", String(16)),
    Column("lat", Float),
    Column("lon", Float),
    Column("country_code", String(2)),
    Column("admin1", Text),
    Column("admin1_code", String(16)),
    Column("admin2", Text),
    Index("ix_places_country_admin1", "country_code", "admin1_code"),
)

place_mentions = Table(
    "place_mentions",
    metadata,
    Column("doc_id", String(64), ForeignKey("documents.doc_id"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("place_id", String(64), ForeignKey("places.place_id")),
    Column("score", Float),
    UniqueConstraint("doc_id", "start", "end", name="uq_place_mentions"),
    # With doc_id, so that "which reports mention these places" is read from the index alone
    # (connected content, document frequencies); migration 4 widens older databases' index.
    Index("ix_place_mentions_place", "place_id", "doc_id"),
)

# Where each extracted report's own places lie, per source (publisher, else web host): the
# evidence a source's home area is learnt from (extract/places_home.py). One row per report
# with country_code "" counts the report; the others are its countries (admin1_code "")
# and its (country, admin1) regions. Written and replaced with the extraction result.
document_areas = Table(
    "document_areas",
    metadata,
    Column("doc_id", String(64), ForeignKey("documents.doc_id"), nullable=False),
    Column("source_key", String(255), nullable=False),
    Column("country_code", String(2), nullable=False),
    Column("admin1_code", String(16), nullable=False),
    UniqueConstraint("doc_id", "country_code", "admin1_code", name="uq_document_areas"),
    Index("ix_document_areas_source", "source_key", "country_code", "admin1_code"),
)

actors = Table(
    "actors",
    metadata,
    Column("actor_id", String(128), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32)),
    Column("actor_type", String(64)),
    Column("country_code", String(2)),
)

actor_mentions = Table(
    "actor_mentions",
    metadata,
    Column("doc_id", String(64), ForeignKey("documents.doc_id"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("actor_id", String(128)),
    UniqueConstraint("doc_id", "start", "end", name="uq_actor_mentions"),
    # With doc_id, as ix_place_mentions_place (migration 4).
    Index("ix_actor_mentions_actor", "actor_id", "doc_id"),
)

events = Table(
    "events",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("doc_id", String(64), ForeignKey("documents.doc_id"), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("sub_event_type", String(64)),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("date_precision", String(16)),
    Column("place_id", String(64), ForeignKey("places.place_id")),
    Column("country_code", String(2)),
    Column("admin1_code", String(16)),
    Column("fatalities", Integer),
    Column("injured", Integer),
    Column("arrested", Integer),
    Column("confidence", Float),
    Column("data", JSON, nullable=False),  # the full contract event object
    Index("ix_events_doc", "doc_id"),
    Index("ix_events_country_date", "country_code", "start_date"),
)

# Per-field evidence: which characters of which document support each field of an event.
event_evidence = Table(
    "event_evidence",
    metadata,
    Column("event_id", String(64), ForeignKey("events.event_id"), nullable=False),
    Column("field", String(32), nullable=False),
    Column("doc_id", String(64), ForeignKey("documents.doc_id"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    UniqueConstraint("event_id", "field", "doc_id", "start", name="uq_event_evidence"),
)

quotes = Table(
    "quotes",
    metadata,
    Column("doc_id", String(64), ForeignKey("documents.doc_id"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("speaker", Text),
    Column("speaker_actor_id", String(128)),
    UniqueConstraint("doc_id", "start", name="uq_quotes"),
)

# One sentence embedding per document (semantic search, connected content): float32 values
# as bytes, so both backends store them the same way. ``model`` names the model and the text
# recipe; a document whose row names another model is embedded again. Rows are replaced
# (delete + insert), never updated, so (count, max pk) changes whenever vectors change.
document_embeddings = Table(
    "document_embeddings",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(64), ForeignKey("documents.doc_id"), nullable=False, unique=True),
    Column("model", String(96), nullable=False),
    Column("dim", Integer, nullable=False),
    Column("vector", LargeBinary, nullable=False),
    Column("embedded_at", DateTime(timezone=True), nullable=False),
    # The stamp (count, max pk) of one model's vectors is read on every semantic search and
    # document page: from this index, not by scanning rows that each carry 1.5 KB of vector.
    Index("ix_document_embeddings_model", "model", "pk"),
    # AUTOINCREMENT: SQLite would otherwise reuse the pks of deleted rows, and the stamp
    # would not change when every vector is replaced.
    sqlite_autoincrement=True,
)

# Watchlists: saved conditions evaluated after each ingest (analyse.alerts). A watchlist's
# ``evaluated_until`` is the extraction time up to which its events were evaluated.
watchlists = Table(
    "watchlists",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("query", Text),
    Column("actor_id", String(128)),
    Column("lat", Float),
    Column("lon", Float),
    Column("radius_km", Float),
    Column("country_code", String(2)),
    Column("admin1_code", String(16)),
    Column("event_type", String(64)),
    Column("min_fatalities", Integer),
    Column("min_events", Integer),
    Column("window_days", Integer),
    Column("min_anomaly", Float),
    Column("webhook_url", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("evaluated_until", DateTime(timezone=True)),
    # Events extracted before this are ignored (a watchlist created for new reports only).
    Column("ignore_before", DateTime(timezone=True)),
    sqlite_autoincrement=True,
)

# Alerts: one per watchlist and key ("event:ID", "count:DAY", "anomaly:CC:ADM1:PERIOD"), so
# re-evaluating never fires twice. Event and report ids are kept as values, not foreign
# keys: re-extraction replaces the events rows.
alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watchlist_id", Integer, ForeignKey("watchlists.id"), nullable=False),
    Column("key", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("summary", Text, nullable=False),
    Column("event_ids", JSON, nullable=False),
    Column("doc_ids", JSON, nullable=False),
    Column("data", JSON, nullable=False),
    UniqueConstraint("watchlist_id", "key", name="uq_alerts_watchlist_key"),
    Index("ix_alerts_created", "created_at"),
    sqlite_autoincrement=True,
)

# One webhook delivery per alert: every attempt is appended to ``attempt_log``.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("status", String(16), nullable=False),  # pending, delivered, failed
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("attempt_log", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_webhook_deliveries_status", "status"),
)

# What `watchfloor watch` remembers of each polled feed between rounds and restarts.
feed_state = Table(
    "feed_state",
    metadata,
    Column("url", String(2000), primary_key=True),
    Column("body_sha256", String(64)),
    Column("seen", JSON, nullable=False),  # entry ids/links already stored, newest last
    Column("polled_at", DateTime(timezone=True)),
    Column("last_error", Text),
)

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

# One row whose number goes up with every committed write: readers that cache what they
# computed from the data (the web pages) key their caches by it.
data_version = Table(
    "data_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("n", BigInteger, nullable=False),
)

# Fused events (analyse.fusion_store): events of different reports that describe one real
# incident. ``summary`` is the fused event's description (analyse.fusion.describe) as JSON.
# Ids are values, not foreign keys: re-extraction replaces the events rows.
fused_events = Table(
    "fused_events",
    metadata,
    Column("cluster_id", String(32), primary_key=True),
    Column("reports", Integer, nullable=False),  # member events
    Column("sources", Integer, nullable=False),  # distinct documents
    Column("event_type", String(64)),
    Column("country_code", String(2)),
    Column("start_date", Date),
    Column("summary", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_fused_events_list", "sources", "start_date"),
)

fused_event_members = Table(
    "fused_event_members",
    metadata,
    Column("doc_id", String(64), primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Column("cluster_id", String(32), nullable=False),
    Column("start_date", Date),  # the report's date range as fusion compares it (blocking)
    Column("end_date", Date),
    Index("ix_fused_event_members_cluster", "cluster_id"),
    Index("ix_fused_event_members_event", "event_id"),
)

# Which extraction of each document was fused (its extracted_at): a document extracted
# again since is fused again.
fusion_documents = Table(
    "fusion_documents",
    metadata,
    Column("doc_id", String(64), primary_key=True),
    Column("extracted_at", DateTime(timezone=True), nullable=False),
)

# Analysts' splits: pairs of report keys (``doc_id/event_id``, content-derived, so they
# survive re-extraction of unchanged text) never to be fused again; ``key_a`` < ``key_b``.
fusion_cannot_link = Table(
    "fusion_cannot_link",
    metadata,
    Column("key_a", String(140), primary_key=True),
    Column("key_b", String(140), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
