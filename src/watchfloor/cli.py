"""The `watchfloor` command: thin Typer commands that parse arguments, call one library
function and print its result (a table for people, `--json` for programs)."""

from __future__ import annotations

import logging
import sys
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from watchfloor import __version__
from watchfloor.cli_alerts import print_alerts_result, run_alerts
from watchfloor.cli_common import (
    DbOption,
    JsonOption,
    default_workers,
    err,
    out,
)
from watchfloor.cli_common import open_database as _open
from watchfloor.cli_common import parse_date as _date
from watchfloor.cli_common import print_json as _print_json
from watchfloor.cli_common import settings_for as _settings
from watchfloor.cli_embed import print_embedding, run_embedding
from watchfloor.cli_fusion import print_fusion_result, run_fusion
from watchfloor.config import Settings, normalise_tlp
from watchfloor.ingest.pipeline import IngestOptions, ingest
from watchfloor.records import IngestReport
from watchfloor.store import Database, DatabaseError, SearchFilters
from watchfloor.store.search import MARK_END, MARK_START

app = typer.Typer(
    name="watchfloor",
    help="Conflict and security intelligence workbench: reports in, searchable events out.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
docs_app = typer.Typer(help="List and show stored documents.", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
eval_app = typer.Typer(help="Measure watchfloor on public benchmarks.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")
app.add_typer(db_app, name="db")
app.add_typer(eval_app, name="eval")

def _highlight(snippet: str) -> str:
    return escape(snippet).replace(MARK_START, "[bold yellow]").replace(MARK_END, "[/bold yellow]")


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    """Turn conflict and security reports into structured, searchable intelligence.

    Examples:

      watchfloor ingest reports/ https://example.org/feed.xml

      watchfloor search "car bomb" --since 1990-01-01 --json

      watchfloor docs show 3f2a9c
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if version:
        out.print(f"watchfloor {__version__}")
        raise typer.Exit()


# -- ingest ------------------------------------------------------------------------------------


def _print_report(report: IngestReport, stats_line: str | None = None) -> None:
    err.print(
        f"[bold]{len(report.new)}[/bold] new "
        f"([bold]{len(report.near_duplicate)}[/bold] near-duplicate), "
        f"[bold]{len(report.duplicate)}[/bold] duplicate, "
        f"[bold]{len(report.failed)}[/bold] failed"
    )
    for doc_id, of in report.near_duplicate:
        err.print(f"  near-duplicate: {doc_id} is the same story as {of}")
    for failure in report.failed:
        err.print(f"  [red]failed[/red] {escape(str(failure))}")
    if stats_line:
        err.print(stats_line)


def run_ingest(
    targets: list[str], *, settings: Settings, options: IngestOptions, show_progress: bool
) -> IngestReport:
    with _open(settings) as database:
        stdin = sys.stdin.buffer if "-" in targets else None
        if not show_progress:
            return ingest(targets, db=database, settings=settings, options=options, stdin=stdin)
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed} inputs"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("ingesting", total=None)

            def progress(outcome: str, source: str) -> None:
                bar.update(task, advance=1, description=f"{outcome}: {Path(source).name[:40]}")

            return ingest(
                targets,
                db=database,
                settings=settings,
                options=options,
                stdin=stdin,
                progress=progress,
            )


@app.command("ingest")
def ingest_command(
    targets: Annotated[
        list[str],
        typer.Argument(
            help="Files, directories (recursive), http(s) URLs, RSS/Atom feeds, or - for stdin.",
            show_default=False,
        ),
    ],
    db: DbOption = None,
    tlp: Annotated[
        str | None, typer.Option(help="TLP marking for these documents [default: TLP:CLEAR].")
    ] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date (YYYY-MM-DD) for inputs that carry none.")
    ] = None,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private", help="Allow URLs on loopback, private or link-local addresses."
        ),
    ] = False,
    max_bytes: Annotated[
        int | None, typer.Option(help="Largest input accepted, in bytes [default: 20 MB].")
    ] = None,
    timeout: Annotated[
        float | None, typer.Option(help="Seconds to wait for a remote server [default: 20].")
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar (on a terminal).")] = True,
    workers: Annotated[
        int, typer.Option(min=0, help="Processes preparing documents (0 = one per CPU core).")
    ] = 0,
    extract: Annotated[
        bool, typer.Option(help="Extract places, actors, dates, events... after storing.")
    ] = True,
    embed: Annotated[
        bool,
        typer.Option(help="Compute sentence embeddings after extracting (semantic search, "
                     "related reports)."),
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """Ingest reports: clean text, metadata, dedup, store. Exit 1 if any input failed.

    Examples:

      watchfloor ingest reports/ --tlp amber

      watchfloor ingest https://example.org/news/article-1.html

      watchfloor ingest https://example.org/rss.xml

      cat docs.jsonl | watchfloor ingest - --published 2011-12-20
    """
    try:
        marking = normalise_tlp(tlp) if tlp else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--tlp") from None
    if max_bytes is not None and max_bytes <= 0:
        raise typer.BadParameter("must be a positive number of bytes", param_hint="--max-bytes")
    settings = _settings(
        db, max_bytes=max_bytes, timeout=timeout, tlp=marking, allow_private=allow_private or None
    )
    options = IngestOptions(
        tlp=settings.tlp,
        published=_date(published, "--published"),
        workers=workers or default_workers(),
    )
    report = run_ingest(
        targets,
        settings=settings,
        options=options,
        show_progress=progress and err.is_terminal and not as_json,
    )
    extraction = run_extraction(settings, workers=options.workers) if extract else None
    embedding = run_embedding(settings) if extract and embed else None
    # Watchlists are evaluated against the events just extracted (and webhooks sent).
    alerting = run_alerts(settings) if extract else None
    # Reports of one incident become one fused event (`watchfloor fusion list`).
    fused = run_fusion(settings) if extract else None
    if as_json:
        _print_json({**report.to_json(), "extraction": extraction, "embedding": embedding,
                     "alerts": alerting, "fusion": fused})
    else:
        _print_report(report)
        if extraction is not None:
            _print_extraction(extraction)
        if embedding is not None:
            print_embedding(embedding)
        if alerting is not None:
            print_alerts_result(alerting)
        if fused is not None:
            print_fusion_result(fused)
    raise typer.Exit(0 if report.ok else 1)


def run_extraction(settings: Settings, *, workers: int) -> dict[str, int]:
    """Extract every stored document that has no result from this extractor version yet
    (the documents just ingested, and any an interrupted run left behind)."""
    from watchfloor.cli_extract import extractor_for
    from watchfloor.extract.runner import extract_documents

    with _open(settings) as database:
        return extract_documents(
            database, extractor=extractor_for(settings.gazetteer_path), workers=workers
        )


def _print_extraction(counts: dict[str, int]) -> None:
    err.print(
        f"extracted {counts['extracted']} document(s): {counts['events']} events"
        + (f", {counts['with_errors']} with stage errors" if counts["with_errors"] else "")
        + (f", {counts['not_stored']} refused by the database (see the log above; "
           "they stay pending for `watchfloor reextract`)" if counts.get("not_stored") else "")
    )


# -- search and documents -----------------------------------------------------------------------


@app.command("search")
def search_command(
    query: Annotated[
        str, typer.Argument(help='Words (all required), "a phrase", a OR b, -excluded.')
    ],
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(help="Published on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before YYYY-MM-DD.")] = None,
    source: Annotated[
        str | None, typer.Option(help="Source path/URL prefix, or publisher name.")
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="Mentions a place in this country (ISO code, e.g. KZ).")
    ] = None,
    event_type: Annotated[
        str | None, typer.Option(help="Reports an event of this ACLED type.")
    ] = None,
    actor: Annotated[str | None, typer.Option(help="Names this actor (actor id).")] = None,
    semantic: Annotated[
        bool, typer.Option("--semantic", help="Rank by meaning (sentence embeddings), not words.")
    ] = False,
    hybrid: Annotated[
        bool, typer.Option("--hybrid", help="Fuse the full-text and the semantic rankings.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Hits to show.")] = 10,
    offset: Annotated[int, typer.Option(min=0, help="Hits to skip (paging).")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Search stored documents, best first: full-text with highlighted snippets, or by
    meaning with --semantic (reports that say the same thing in other words).

    Examples:

      watchfloor search "car bomb"

      watchfloor search '"suicide bomber" OR explosion -drill' --since 2011-01-01 --json

      watchfloor search --semantic "gunmen stormed a police post" --country KZ
    """
    from watchfloor.analyse.embeddings import EmbeddingError, shared_embedder
    from watchfloor.analyse.semantic import search_hits

    if semantic and hybrid:
        raise typer.BadParameter("give --semantic or --hybrid, not both", param_hint="--hybrid")
    mode = "hybrid" if hybrid else "semantic" if semantic else "text"
    filters = SearchFilters(
        since=_date(since, "--since"), until=_date(until, "--until"), source=source,
        country=country.upper() if country else None, event_type=event_type, actor=actor,
    )
    settings = _settings(db)
    with _open(settings) as database:
        try:
            hits, notice = search_hits(
                database, query, filters, mode=mode, limit=limit, offset=offset,
                embedder=shared_embedder(settings.embedding_model),
            )
        except EmbeddingError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(1) from None
    if notice:
        err.print(f"[yellow]{escape(notice)}[/yellow]")
    if as_json:
        _print_json({"query": query, "mode": mode, "offset": offset,
                     "hits": [h.to_json() for h in hits]})
        return
    if not hits:
        err.print(f"no documents match {query!r}")
        return
    for rank, hit in enumerate(hits, start=offset + 1):
        when = hit.published.isoformat() if hit.published else "date unknown"
        out.print(
            f"[bold]{rank}. {escape(hit.title or '(untitled)')}[/bold]  "
            f"[dim]{hit.doc_id} · {when} · {escape(hit.source)}[/dim]"
        )
        out.print(f"   {_highlight(hit.snippet)}")


@docs_app.command("list")
def docs_list(
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(help="Published on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before YYYY-MM-DD.")] = None,
    source: Annotated[
        str | None, typer.Option(help="Source path/URL prefix, or publisher name.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: JsonOption = False,
) -> None:
    """List documents, newest first.

    Example: watchfloor docs list --since 2011-01-01 --limit 20
    """
    filters = SearchFilters(
        since=_date(since, "--since"), until=_date(until, "--until"), source=source
    )
    with _open(_settings(db)) as database:
        documents = database.list_documents(filters=filters, limit=limit, offset=offset)
    if as_json:
        _print_json([d.to_json(with_text=False) for d in documents])
        return
    table = Table("id", "published", "title", "source", "lang", "TLP")
    for d in documents:
        table.add_row(
            d.doc_id,
            d.published.isoformat() if d.published else "—",
            escape(d.title or "(untitled)"),
            escape(d.source),
            d.language or "?",
            d.tlp,
        )
    out.print(table)


@docs_app.command("show")
def docs_show(
    doc_id: Annotated[
        str, typer.Argument(help="Document id (or a unique prefix of 6+ characters).")
    ],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one document: metadata, where it was seen, near duplicates, and its text.

    Example: watchfloor docs show 3f2a9c41
    """
    with _open(_settings(db)) as database:
        document = database.get_document(doc_id)
        if document is None:
            err.print(
                f"[red]error:[/red] no document {doc_id!r}; list ids with `watchfloor docs list`"
            )
            raise typer.Exit(1)
        seen = database.document_sources(document.doc_id)
        twins = database.near_duplicates_of(document.doc_id)
    if as_json:
        data = document.to_json()
        data.update(seen_at=seen, near_duplicates=twins)
        _print_json(data)
        return
    out.print(f"[bold]{escape(document.title or '(untitled)')}[/bold]")
    for label, value in (
        ("id", document.doc_id),
        ("published", document.published),
        ("published from", document.published_from),
        ("source", document.source),
        ("url", document.url),
        ("publisher", document.publisher),
        ("author", document.author),
        ("language", document.language),
        ("TLP", document.tlp),
        ("near duplicate of", document.near_duplicate_of),
    ):
        if value:
            out.print(f"[dim]{label}:[/dim] {escape(str(value))}")
    for twin in twins:
        out.print(f"[dim]near duplicate:[/dim] {twin}")
    if len(seen) > 1:
        out.print(f"[dim]also seen at:[/dim] {', '.join(escape(s['source']) for s in seen[1:])}")
    out.print()
    out.print(escape(document.text))


# -- database -------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create the database or bring its schema up to date (safe to run any time).

    Example: WATCHFLOOR_DATABASE_URL=postgresql://postgres@127.0.0.1/test watchfloor db upgrade
    """
    settings = _settings(db)
    try:
        database = Database.open(settings.database_url, upgrade=False)
        applied = database.upgrade()
    except DatabaseError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None
    with database:
        version = database.schema_version()
    if applied:
        for name in applied:
            out.print(f"applied migration {name}")
    out.print(f"schema version {version} ({database.backend})")


@db_app.command("info")
def db_info(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Counts and date range of what is stored.

    Example: watchfloor db info --json
    """
    with _open(_settings(db)) as database:
        stats = database.stats()
        failures = database.failures(limit=20)
    data = {**stats.__dict__, "recent_failures": [str(f) for f in failures]}
    if as_json:
        _print_json(data)
        return
    for key, value in data.items():
        if key != "recent_failures":
            out.print(f"[dim]{key}:[/dim] {value}")
    for failure in failures:
        out.print(f"[red]failed[/red] {escape(str(failure))}")


# -- demo ---------------------------------------------------------------------------------


def sample_corpus_path() -> Path:
    """The folder of sample reports shipped inside the package."""
    return Path(str(files("watchfloor") / "samples"))


@app.command("demo")
def demo_command(
    db: Annotated[
        str, typer.Option("--db", help="Database for the demo.")
    ] = "watchfloor-demo.sqlite",
    query: Annotated[str, typer.Option(help="Search to run after ingesting.")] = "suicide bomber",
    serve: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve",
            help="Serve the workbench on the demo database afterwards (until Ctrl+C); "
            "--no-serve (or WATCHFLOOR_DEMO_SERVE=0) only ingests and prints.",
            envvar="WATCHFLOOR_DEMO_SERVE",
        ),
    ] = True,
    host: Annotated[str, typer.Option(help="Address the workbench listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port the workbench listens on.")] = 8000,
) -> None:
    """Ingest and extract the bundled sample corpus, print a summary and a search example,
    then serve the workbench on it and print its URL.

    Examples:

      watchfloor demo                          # then open http://127.0.0.1:8000/

      watchfloor demo --db /tmp/demo.sqlite --no-serve
    """
    from watchfloor.cli_web import serve_workbench

    settings = _settings(db)
    options = IngestOptions(tlp=settings.tlp, workers=default_workers())
    report = run_ingest(
        [str(sample_corpus_path())],
        settings=settings,
        options=options,
        show_progress=err.is_terminal,
    )
    _print_report(report)
    _print_extraction(run_extraction(settings, workers=options.workers))
    print_embedding(run_embedding(settings))
    print_fusion_result(run_fusion(settings))
    with _open(settings) as database:
        stats = database.stats()
        hits = database.search(query, limit=5)
    out.print(
        f"\n[bold]{stats.documents}[/bold] documents in {escape(settings.database_url)}, "
        f"published {stats.first_published} to {stats.last_published}; "
        f"{stats.near_duplicates} near-duplicate(s) linked."
    )
    out.print(f'\n[bold]watchfloor search "{escape(query)}"[/bold] finds {len(hits)} report(s):')
    for rank, hit in enumerate(hits, start=1):
        out.print(
            f"[bold]{rank}. {escape(hit.title or '(untitled)')}[/bold] [dim]{hit.published}[/dim]"
        )
        out.print(f"   {_highlight(hit.snippet)}")
    out.print(
        f'\nTry: watchfloor search "Zhanaozen" --db {escape(db)}   '
        f"·   watchfloor docs list --db {escape(db)}"
    )
    if not serve:
        out.print(f"Browse it: watchfloor serve --db {escape(db)}")
        raise typer.Exit(0 if report.ok else 1)
    serve_workbench(settings, host=host, port=port)
    raise typer.Exit(0 if report.ok else 1)


def _register_commands() -> None:
    from watchfloor import (
        cli_alerts,
        cli_analyse,
        cli_embed,
        cli_eval,
        cli_extract,
        cli_fusion,
        cli_places,
        cli_web,
    )

    cli_extract.register(app)
    cli_embed.register(app)
    cli_web.register(app)
    cli_analyse.register(app)
    cli_eval.register(eval_app)
    cli_places.register(app, eval_app)
    cli_alerts.register(app)
    cli_fusion.register(app)


_register_commands()


def main() -> None:
    app()
