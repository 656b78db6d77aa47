"""Embedding throughput and semantic-search latency (reported numbers, not a timed test).

    .venv/bin/python benchmarks/semantic_search.py                  # 1,000 and 10,000 docs
    .venv/bin/python benchmarks/semantic_search.py --sizes 1000 --postgres

Throughput: the real model embeds ``--embed`` documents (the sample corpus, replicated with
distinct text), title + lead as at ingest. Latency: a database of N documents whose vectors
are the real vectors of the sample reports with small random perturbations (embedding
10,000 documents for real would take the best part of an hour on 2 cores and measures
nothing more: search cost does not depend on the values), then distinct queries through
``analyse.queries.search(mode="semantic")`` (query embedding, ranking, filters, hits,
facets) and ``related_documents`` (the document page's connected content).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from watchfloor.analyse import queries
from watchfloor.analyse.embeddings import (
    DIMENSIONS,
    MODEL_ID,
    document_text,
    embed_documents,
    normalise,
    shared_embedder,
    to_bytes,
)
from watchfloor.analyse.related import related_documents
from watchfloor.ingest.dedup import content_sha256
from watchfloor.records import Document
from watchfloor.store import Database, SearchFilters

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "watchfloor" / "samples"
QUERIES = [
    "gunmen stormed a police post", "hostage taking in a prison", "oil workers strike",
    "suicide bombing of a security office", "ethnic clashes and refugees", "helicopter crash",
    "militants killed in a special operation", "explosions at government buildings",
    "border guards found dead", "rebel commander killed", "court jails opposition leader",
    "car bomb outside police compound", "prison escape by inmates", "riots in the south",
    "religion law criticised by militants", "interior ministry announces arrests",
    "troops ambushed in a mountain gorge", "state of emergency declared",
    "drug trafficking across the border", "attack on a railway line",
]


def _samples() -> list[tuple[str, str]]:
    out = []
    for path in sorted(SAMPLES.glob("*.md")):
        raw = path.read_text()
        title = next((line[7:].strip() for line in raw.splitlines()
                      if line.startswith("title:")), path.stem)
        body = raw.split("---", 2)[-1].strip()
        out.append((title, body))
    return out


def _corpus(n: int) -> list[Document]:
    samples = _samples()
    docs = []
    for i in range(n):
        title, body = samples[i % len(samples)]
        text = f"{body}\n\n(copy {i})"
        sha = content_sha256(text)
        docs.append(Document(doc_id=sha[:20], sha256=sha, source=f"bench/{i}.md", text=text,
                             title=title, published=date(2010, 1, 1) + timedelta(days=i % 1000),
                             publisher=f"Wire {i % 7}"))
    return docs


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def measure_throughput(url: str, n: int) -> None:
    embedder = shared_embedder()
    started = time.perf_counter()
    embedder.model()
    print(f"model load: {time.perf_counter() - started:.1f} s")
    with Database.open(url) as db, db.transaction():
        for doc in _corpus(n):
            db.add_document(doc)
    with Database.open(url) as db:
        report = embed_documents(db, embedder=embedder)
    print(f"embedded {report.embedded} documents in {report.seconds:.1f} s: "
          f"{report.docs_per_second:.1f} docs/s (title + lead, {DIMENSIONS} dims)")


def measure_latency(url: str, n: int, rng: np.random.Generator) -> None:
    embedder = shared_embedder()
    samples = _samples()
    base = embedder.encode([document_text(t, b) for t, b in samples])
    docs = _corpus(n)
    embedder._queries.clear()  # every query below is embedded, as a new query would be
    started = time.perf_counter()
    with Database.open(url) as db:
        with db.transaction():
            for doc in docs:
                db.add_document(doc)
        noise = rng.normal(scale=0.02, size=(n, DIMENSIONS)).astype(np.float32)
        vectors = normalise(base[np.arange(n) % len(samples)] + noise)
        db.save_embeddings([(d.doc_id, to_bytes(v)) for d, v in zip(docs, vectors, strict=True)],
                           model=MODEL_ID, dim=DIMENSIONS)
        print(f"\n{n:,} documents ({db.backend}) stored in {time.perf_counter() - started:.1f} s")
        first = time.perf_counter()
        queries.search(db, "warm-up query", SearchFilters(), mode="semantic", embedder=embedder)
        print(f"  first semantic search (loads {n:,} vectors): "
              f"{(time.perf_counter() - first) * 1000:.0f} ms")
        times = []
        for q in QUERIES:
            t = time.perf_counter()
            embedder.encode([q])
            times.append((time.perf_counter() - t) * 1000)
        print(f"  embedding a query alone: p50 {statistics.median(times):.0f} ms")
        for i, (label, filters) in enumerate((("no filter", SearchFilters()),
                                  ("since+source filter", SearchFilters(
                                      since=date(2011, 1, 1), source="Wire 3")))):
            times = []
            for q in QUERIES:  # the first pass embeds each query, the second reuses it
                t = time.perf_counter()
                data = queries.search(db, q, filters, mode="semantic", embedder=embedder)
                times.append((time.perf_counter() - t) * 1000)
            label += f" ({'new' if i == 0 else 'repeated'} queries, ~{data['total']} hits)"
            print(f"  semantic search, {label}: p50 {statistics.median(times):.0f} ms, "
                  f"p95 {_pct(times, 0.95):.0f} ms")
        t = time.perf_counter()
        vector = embedder.encode_query("a query embedded once")
        times = []
        from watchfloor.analyse.embeddings import embedding_index
        index = embedding_index(db)
        for _ in range(50):
            t = time.perf_counter()
            index.nearest(vector, min_score=0.2, limit=2000)
            times.append((time.perf_counter() - t) * 1000)
        print(f"  ranking alone (matrix product + sort): p50 {statistics.median(times):.2f} ms")
        times = []
        for doc in docs[:: max(1, n // 30)][:30]:
            t = time.perf_counter()
            related_documents(db, doc.doc_id)
            times.append((time.perf_counter() - t) * 1000)
        print(f"  related reports (document page): p50 {statistics.median(times):.0f} ms, "
              f"p95 {_pct(times, 0.95):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--embed", type=int, default=200, help="documents embedded for real")
    parser.add_argument("--postgres", action="store_true",
                        help="also on WATCHFLOOR_TEST_POSTGRES_URL (tables must not exist)")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as tmp:
        measure_throughput(f"sqlite:///{tmp}/throughput.sqlite", args.embed)
        for n in args.sizes:
            measure_latency(f"sqlite:///{tmp}/latency-{n}.sqlite", n, rng)
    if args.postgres:
        url = os.environ.get("WATCHFLOOR_TEST_POSTGRES_URL")
        if not url:
            sys.exit("set WATCHFLOOR_TEST_POSTGRES_URL to a database whose schema can be used")
        for n in args.sizes:
            from sqlalchemy import create_engine, text
            schema = f"wf_bench_{n}"
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                measure_latency(f"{url}?options=-csearch_path%3D{schema}", n, rng)
            finally:
                with engine.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                engine.dispose()


if __name__ == "__main__":
    main()
