"""Web load benchmark: 20 concurrent clients against `watchfloor serve` over >= 10,000 reports.

Builds (once, then reuses) a SQLite database of the MUC-3/4 texts plus the bundled sample
corpus, replicated with distinct ids (each copy gets a "[replica N]" line at its end, so its
content id differs), ingested and extracted; starts a real uvicorn server in a subprocess
(`watchfloor serve --db ... --port ...`); then drives it from loopback clients (one lean
asyncio HTTP/1.1 keep-alive connection each, so that the generator itself stays cheap)
for a fixed time and reports p50/p95/p99 latency and throughput per route: search (HTML and
/api/v1/search), the document page, the country page and the events API.

Extraction is slow (about 10 reports/s), so only the originals are extracted; each replica
gets a copy of its original's stored extraction result, with the doc id and event ids
rewritten (the character offsets stay valid: the replica line is appended at the end).

    .venv/bin/python benchmarks/web_load.py                       # 10,000 docs, 20 clients, 30 s
    .venv/bin/python benchmarks/web_load.py --clients 5 --seconds 10 --json
    .venv/bin/python benchmarks/web_load.py --db /tmp/other.sqlite   # build or reuse this one

The database is cached under benchmarks/results/ (git-ignored); delete it to rebuild.
Not a timed test: the numbers depend on the machine and its load (the load average is
reported with them); compare routes and before/after changes within one run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MUC = REPO.parent / "shared" / "benchmarks" / "muc4"
SAMPLES = REPO / "src" / "watchfloor" / "samples"
RESULTS = REPO / "benchmarks" / "results"
# Queries an analyst of these corpora would type: MUC-4 is Latin American terrorism
# reports (1988-1992), the samples are Central Asian security reports (2010-2012).
QUERIES = [
    "car bomb",
    "guerrillas attacked",
    "kidnapped",
    "explosion",
    "FMLN",
    "\"death squad\"",
    "murdered OR assassinated",
    "Kazakhstan",
    "Zhanaozen",
    "police killed",
    "dynamite",
    "army soldiers wounded",
]
ROUTES = ["search_html", "search_api", "document", "country", "events_api"]
WARM_UP_PER_ROUTE = 3


# -- building the corpus -----------------------------------------------------------------------


def _originals(muc: Path) -> list[Any]:
    """RawDocuments: the MUC-3/4 texts (as benchmarks/ingest_muc4.py reads them) and the
    sample corpus (as `watchfloor ingest` reads its files)."""
    from watchfloor.config import Settings
    from watchfloor.evaluate.muc4 import iter_texts
    from watchfloor.ingest.sources import iter_inputs
    from watchfloor.records import RawDocument

    items: list[Any] = [
        item
        for item in iter_inputs([str(SAMPLES)], settings=Settings())
        if isinstance(item, RawDocument)
    ]
    items.extend(
        RawDocument(source=f"{item.path.name}#{item.doc_id}", text=item.text,
                    source_id=item.doc_id)
        for item in iter_texts(muc)
    )
    return items


def _replica(raw: Any, copy: int) -> Any:
    if copy == 0:
        return raw
    return replace(
        raw,
        text=f"{raw.text}\n[replica {copy}]",
        source=f"{raw.source}#r{copy}",
        source_id=f"{raw.source_id}-r{copy}" if raw.source_id else None,
    )


def _doc_id(raw: Any) -> str:
    from watchfloor.ingest.pipeline import prepare_document

    doc = prepare_document(raw, tlp="TLP:CLEAR", published_default=None,
                           retrieved_at=datetime.now(UTC))
    return doc.doc_id


def _replicated_result(result: dict[str, Any], doc_id: str, copy: int) -> dict[str, Any]:
    """An original's stored extraction for its replica: new doc id, new event ids."""
    out = {k: v for k, v in result.items() if k != "extractor"}
    out["doc_id"] = doc_id
    events = []
    for event in result.get("events") or []:
        event = dict(event)
        digest = hashlib.sha1(f"{event['event_id']}:r{copy}".encode()).hexdigest()
        event["event_id"] = "ev-" + digest[:16]
        events.append(event)
    out["events"] = events
    return out


def _extract(db: Any, extractor: Any, ids: list[str], *, workers: int) -> dict[str, Any]:
    """Extract and store the documents among ``ids`` not yet extracted (so an interrupted
    build resumes), one transaction per document: a result the store rejects is counted
    and left out instead of ending the build."""
    from sqlalchemy.exc import IntegrityError

    from watchfloor.extract.pipeline import EXTRACTOR_VERSION
    from watchfloor.extract.runner import ExtractInput, extract_stream

    pending = set(db.extraction_pending(version=EXTRACTOR_VERSION))
    todo = [i for i in ids if i in pending]

    def inputs() -> Iterator[Any]:
        for start in range(0, len(todo), 50):
            for doc in db.get_documents(todo[start : start + 50]):
                yield ExtractInput.from_document(doc)

    config = extractor.options.config()
    counts: dict[str, Any] = {"extracted": 0, "events": 0, "not_stored": []}
    t = time.perf_counter()
    for line in extract_stream(inputs(), extractor=extractor, workers=workers):
        stored = {k: v for k, v in line.items() if k != "text"}
        try:
            db.save_extraction(line["doc_id"], stored, version=EXTRACTOR_VERSION,
                               config=config)
        except IntegrityError as exc:
            counts["not_stored"].append({"doc_id": line["doc_id"],
                                         "reason": str(exc.orig)})
            continue
        counts["extracted"] += 1
        counts["events"] += len(line["events"])
        if counts["extracted"] % 100 == 0:
            rate = counts["extracted"] / (time.perf_counter() - t)
            print(f"  extracted {counts['extracted']}/{len(todo)} ({rate:.1f}/s)",
                  file=sys.stderr)
    return counts


def build_database(
    path: Path, *, docs: int, muc: Path, workers: int, originals_limit: int | None = None
) -> dict[str, Any]:
    from watchfloor.config import Settings
    from watchfloor.extract.pipeline import EXTRACTOR_VERSION, ExtractOptions, Extractor
    from watchfloor.ingest.pipeline import IngestOptions, ingest_items
    from watchfloor.store import Database

    url = f"sqlite:///{path}"
    settings = Settings(database_url=url)
    originals = _originals(muc)[:originals_limit]
    db = Database.open(url)
    started = time.perf_counter()
    info: dict[str, Any] = {"originals": len(originals)}
    try:
        ingest_items(originals, db=db, settings=settings,
                     options=IngestOptions(tlp=settings.tlp, workers=workers))
        original_ids = list(dict.fromkeys(_doc_id(raw) for raw in originals))
        info["ingest_originals_s"] = round(time.perf_counter() - started, 1)
        print(f"ingested {len(original_ids)} distinct originals; extracting them "
              f"(about 10 reports/s per core on a quiet machine)...", file=sys.stderr)
        t = time.perf_counter()
        extractor = Extractor(
            ExtractOptions(gazetteer_path=os.environ.get("WATCHFLOOR_GAZETTEER"))
        )
        info["extracted_originals"] = _extract(db, extractor, original_ids, workers=workers)
        info["extract_originals_s"] = round(time.perf_counter() - t, 1)
        results = {i: db.get_extraction(i) for i in original_ids}
        # Only originals whose extraction is stored are replicated: every document of the
        # corpus then has extraction results, as after `watchfloor reextract`.
        originals = [raw for raw in originals if results.get(_doc_id(raw)) is not None]
        copy = 0
        while db.stats().documents < docs:
            copy += 1
            need = docs - db.stats().documents
            batch = [_replica(raw, copy) for raw in originals][:need]
            ingest_items(batch, db=db, settings=settings,
                         options=IngestOptions(tlp=settings.tlp, workers=workers))
            config = extractor.options.config()
            with db.transaction():
                for raw, replica in zip(originals, batch, strict=False):
                    result = results.get(_doc_id(raw))
                    if result is None:
                        continue
                    rid = _doc_id(replica)
                    db.save_extraction(rid, _replicated_result(result, rid, copy),
                                       version=EXTRACTOR_VERSION, config=config)
            print(f"copy {copy}: {db.stats().documents} documents", file=sys.stderr)
        info["copies"] = copy
        info["build_s"] = round(time.perf_counter() - started, 1)
        info["rows"] = db.count_rows(["documents", "events", "extractions", "places",
                                      "place_mentions", "actor_mentions", "quotes"])
    finally:
        db.close()
    return info


# -- load --------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _targets(path: Path, country: str | None, doc_sample: int = 500) -> dict[str, Any]:
    """What the clients ask for: document ids (a random sample of ``doc_sample`` over every
    copy) and the country with most events."""
    from sqlalchemy import func, select

    from watchfloor.store import Database, schema

    db = Database.open(f"sqlite:///{path}")
    try:
        ids = [r["doc_id"] for r in db.read(select(schema.documents.c.doc_id))]
        if country is None:
            e = schema.events
            top = db.read(
                select(e.c.country_code, func.count().label("n"))
                .where(e.c.country_code.is_not(None))
                .group_by(e.c.country_code)
                .order_by(func.count().desc())
                .limit(1)
            )
            country = top[0]["country_code"] if top else "KZ"
        documents = db.stats().documents
        events = db.count_rows(["events"])["events"]
    finally:
        db.close()
    rng = random.Random(5)
    return {"doc_ids": rng.sample(ids, min(doc_sample, len(ids))), "country": country,
            "documents": documents, "events": events}


def _url(route: str, rng: random.Random, targets: dict[str, Any]) -> str:
    if route == "search_html":
        return "/search?q=" + rng.choice(QUERIES)
    if route == "search_api":
        return "/api/v1/search?q=" + rng.choice(QUERIES)
    if route == "document":
        return "/documents/" + rng.choice(targets["doc_ids"])
    if route == "country":
        return "/countries/" + targets["country"]
    if route == "events_api":
        return "/api/v1/events?offset=" + str(rng.choice([0, 0, 0, 50, 100, 1000]))
    raise ValueError(route)


class _Connection:
    """One keep-alive HTTP/1.1 connection, as lean as a client can be: the load generator
    shares the machine with the server, and a general-purpose client (httpx spent a whole
    core here at 230 requests/s) would measure itself rather than the server."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, target: str) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        path = urllib.parse.quote(target, safe="/?=&%:")
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n"
                          .encode("latin-1"))
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                parts.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            body = b"".join(p[:-2] for p in parts)
        else:
            raise OSError(f"{target}: response without a length")
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, headers, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def _drive(base: str, targets: dict[str, Any], *, clients: int, seconds: float,
                 routes: list[str]) -> dict[str, Any]:
    latencies: dict[str, list[float]] = {r: [] for r in routes}
    errors: dict[str, int] = dict.fromkeys(routes, 0)
    hits: dict[str, int] = dict.fromkeys(routes, 0)  # answered from the server's page cache
    address = urllib.parse.urlsplit(base)
    host, port = address.hostname or "127.0.0.1", address.port or 80
    warm = _Connection(host, port)
    for route in routes:  # warm-up: caches, templates, connections
        for i in range(WARM_UP_PER_ROUTE):
            status, _h, _b = await warm.get(_url(route, random.Random(i), targets))
            if status != 200:
                raise SystemExit(f"warm-up: {route} answered {status}")
    await warm.close()
    deadline = time.perf_counter() + seconds

    async def client(n: int) -> None:
        rng = random.Random(n)
        conn = _Connection(host, port)
        i = n  # each client cycles through the routes, starting at a different one
        while time.perf_counter() < deadline:
            route = routes[i % len(routes)]
            i += 1
            t = time.perf_counter()
            try:
                status, headers, _body = await asyncio.wait_for(
                    conn.get(_url(route, rng, targets)), timeout=60)
                ok = status == 200
                hits[route] += headers.get("x-watchfloor-cache") == "hit"
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                ok = False
                await conn.close()
            latencies[route].append(time.perf_counter() - t)
            errors[route] += not ok
        await conn.close()

    cpu_before = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    elapsed = time.perf_counter() - started
    return {"latencies": latencies, "errors": errors, "hits": hits, "elapsed": elapsed,
            "client_cpu_share": (time.process_time() - cpu_before) / elapsed}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run_load(path: Path, *, clients: int, seconds: float, country: str | None,
             routes: list[str], server_workers: int = 1, cache: bool = True,
             doc_sample: int = 500) -> dict[str, Any]:
    targets = _targets(path, country, doc_sample)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "watchfloor", "serve", "--db", str(path), "--port", str(port),
         "--workers", str(server_workers), "--cache" if cache else "--no-cache"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base, server)
        load_before = os.getloadavg()
        raw = asyncio.run(_drive(base, targets, clients=clients, seconds=seconds,
                                 routes=routes))
        load_after = os.getloadavg()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    elapsed = raw["elapsed"]
    table = []
    for route in routes:
        values = raw["latencies"][route]
        table.append({
            "route": route,
            "example": _url(route, random.Random(0), targets),
            "requests": len(values),
            "errors": raw["errors"][route],
            "cache_hits": raw["hits"][route],
            "req_per_s": round(len(values) / elapsed, 1),
            "p50_ms": round(_percentile(values, 0.50) * 1000, 1),
            "p95_ms": round(_percentile(values, 0.95) * 1000, 1),
            "p99_ms": round(_percentile(values, 0.99) * 1000, 1),
            "mean_ms": round(statistics.fmean(values) * 1000, 1) if values else None,
        })
    total = sum(len(v) for v in raw["latencies"].values())
    return {
        "documents": targets["documents"],
        "events": targets["events"],
        "country": targets["country"],
        "clients": clients,
        "server_workers": server_workers,
        "cache": cache,
        "doc_sample": len(targets["doc_ids"]),
        "seconds": round(elapsed, 1),
        "requests": total,
        "req_per_s": round(total / elapsed, 1),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in load_after],
        "cpus": os.cpu_count(),
        # CPU the load generator itself used, as a share of one core over the run.
        "client_cpu_share": round(raw["client_cpu_share"], 2),
        "routes": table,
    }


def _wait_for(base: str, server: subprocess.Popen[str], timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited: {server.stderr.read() if server.stderr else ''}")
        try:
            if httpx.get(base + "/api/v1/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server did not answer on {base} within {timeout:.0f} s")


def _lines(result: dict[str, Any]) -> Iterator[str]:
    yield (f"{result['documents']} documents, {result['events']} events; {result['clients']} "
           f"clients for {result['seconds']} s; {result['requests']} requests "
           f"({result['req_per_s']}/s); load average {result['loadavg_before']} -> "
           f"{result['loadavg_after']} on {result['cpus']} CPUs; {result['server_workers']} "
           f"server processes, page cache {'on' if result['cache'] else 'off'}; "
           f"{result['doc_sample']} distinct reports asked for; "
           f"the load generator used {result['client_cpu_share']:.0%} of a core")
    keys = ["route", "requests", "errors", "cache_hits", "req_per_s", "p50_ms", "p95_ms",
            "p99_ms"]
    yield " | ".join(keys) + " | example"
    for row in result["routes"]:
        yield " | ".join(str(row[k]) for k in keys) + f" | {row['example']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10_000, help="documents in the corpus")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=30.0, help="duration of the load")
    parser.add_argument("--db", type=Path,
                        help="SQLite file to build or reuse (default: a cached file under "
                             "benchmarks/results/)")
    parser.add_argument("--muc", type=Path, default=DEFAULT_MUC, help="the muc4 benchmark folder")
    parser.add_argument("--country", help="country page to load (default: most events)")
    parser.add_argument("--routes", default=",".join(ROUTES),
                        help=f"comma-separated subset of {','.join(ROUTES)}")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes for building the corpus (default: one per core)")
    parser.add_argument("--originals", type=int,
                        help="build from only the first N originals (samples first, then MUC "
                             "texts), replicated up to --docs: a quicker build")
    parser.add_argument("--server-workers", type=int, default=os.cpu_count() or 1,
                        help="`watchfloor serve --workers` (default: one per core)")
    parser.add_argument("--no-cache", action="store_true",
                        help="serve with `--no-cache`: every request computes its page")
    parser.add_argument("--doc-sample", type=int, default=500,
                        help="distinct reports the document route asks for (the whole "
                        "corpus, e.g. 10000, makes nearly every document page a cache miss)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    routes = [r for r in args.routes.split(",") if r]
    if unknown := set(routes) - set(ROUTES):
        parser.error(f"unknown routes {sorted(unknown)}; use some of {ROUTES}")
    path = args.db or RESULTS / f"web_load_{args.docs}.sqlite"
    built = path.with_suffix(".build.json")  # written when a build completes
    build = None
    if not (path.exists() and built.exists()):
        if not args.muc.is_dir():
            parser.error(f"{args.muc} not found; pass --muc PATH/TO/shared/benchmarks/muc4")
        print(f"building {path} ({args.docs} documents; once, then reused; an interrupted "
              "build resumes)", file=sys.stderr)
        build = build_database(path, docs=args.docs, muc=args.muc, workers=args.workers,
                               originals_limit=args.originals)
        built.write_text(json.dumps(build, indent=2))
    result = run_load(path, clients=args.clients, seconds=args.seconds, country=args.country,
                      routes=routes, server_workers=args.server_workers,
                      cache=not args.no_cache, doc_sample=args.doc_sample)
    result["database"] = str(path)
    if build is not None:
        result["build"] = build
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for line in _lines(result):
        print(line)


if __name__ == "__main__":
    main()
