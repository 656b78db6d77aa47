"""`watchfloor watchlist add|list|remove`, `watchfloor alerts` and `watchfloor watch`: thin
commands over watchfloor.analyse.alerting, analyse.webhooks and ingest.watch."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from watchfloor.cli_common import (
    DbOption,
    JsonOption,
    default_workers,
    err,
    open_database,
    out,
    print_json,
    settings_for,
)
from watchfloor.cli_fusion import print_fusion_result, run_fusion
from watchfloor.config import Settings

log = logging.getLogger(__name__)

watchlist_app = typer.Typer(help="Saved conditions that raise alerts after each ingest.",
                            no_args_is_help=True)

AllowPrivate = Annotated[
    bool,
    typer.Option("--allow-private",
                 help="Allow URLs and webhooks on loopback, private or link-local addresses."),
]


def run_alerts(settings: Settings) -> dict[str, Any]:
    """Evaluate watchlists and send webhooks after an ingest. Never raises for a database
    or webhook problem: the documents are stored already, so it is returned as ``error``."""
    from watchfloor.analyse.webhooks import evaluate_and_notify

    with open_database(settings) as database:
        try:
            return evaluate_and_notify(database, settings=settings)
        except SQLAlchemyError as exc:
            log.exception("evaluating watchlists failed")
            return {"new_alerts": 0, "error": str(exc).splitlines()[0]}


def print_alerts_result(result: dict[str, Any]) -> None:
    if result.get("error"):
        err.print(f"[red]alerts not evaluated:[/red] {escape(result['error'])}")
        return
    if not result.get("new_alerts") and not result.get("webhooks", {}).get("errors"):
        return
    line = f"[bold]{result['new_alerts']}[/bold] new alert(s)"
    hooks = result.get("webhooks") or {}
    if hooks.get("delivered") or hooks.get("pending") or hooks.get("failed"):
        line += (f"; webhooks: {hooks['delivered']} delivered, {hooks['pending']} to retry, "
                 f"{hooks['failed']} given up")
    err.print(line + " — `watchfloor alerts` lists them")
    for problem in hooks.get("errors") or []:
        err.print(f"  [yellow]webhook[/yellow] {escape(problem)}")


def _print_alert_table(items: list[dict[str, Any]]) -> None:
    table = Table("id", "when", "watchlist", "kind", "alert", "reports", "webhook")
    for a in items:
        reports = "\n".join(f"{r['doc_id']} {escape(r['title'] or '')}"[:70]
                            for r in a["reports"][:5])
        if len(a["reports"]) > 5:
            reports += f"\n… {len(a['reports']) - 5} more"
        hook = a["webhook"]["status"] if a["webhook"] else ""
        table.add_row(str(a["id"]), (a["created_at"] or "")[:16].replace("T", " "),
                      escape(a["watchlist"]), a["kind"], escape(a["summary"]), reports, hook)
    out.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(watchlist_app, name="watchlist")

    @watchlist_app.command("add")
    def watchlist_add(
        name: Annotated[str, typer.Argument(help="A name for the watchlist (unique).")],
        query: Annotated[str | None, typer.Option(
            help='Full-text query the report must match ("car bomb" OR explosion).')] = None,
        actor: Annotated[str | None, typer.Option(
            help="Actor id (as actor1, actor2 or participant), e.g. jund-al-khilafah.")] = None,
        lat: Annotated[float | None, typer.Option(help="Centre latitude (with --lon, "
                                                       "--radius-km).")] = None,
        lon: Annotated[float | None, typer.Option(help="Centre longitude.")] = None,
        radius_km: Annotated[float | None, typer.Option(help="Radius around the centre.")] = None,
        country: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-2, e.g. KZ.")] = None,
        admin1: Annotated[str | None, typer.Option(help="admin1 code within --country.")] = None,
        event_type: Annotated[str | None, typer.Option(
            help="ACLED event or sub-event type, e.g. Battles.")] = None,
        min_fatalities: Annotated[int | None, typer.Option(
            help="Only events with at least this many killed.")] = None,
        min_events: Annotated[int | None, typer.Option(
            help="Alert when this many matching events fall within --window-days.")] = None,
        window_days: Annotated[int | None, typer.Option(
            help="Days of the --min-events window [default: 7].")] = None,
        min_anomaly: Annotated[float | None, typer.Option(
            help="Alert when the month's anomaly score (watchfloor trends) reaches this.")
        ] = None,
        webhook: Annotated[str | None, typer.Option(
            help="POST each alert as JSON to this http(s) URL (retried on failure).")] = None,
        new_only: Annotated[bool, typer.Option(
            "--new-only", help="Ignore reports extracted before now (no alerts on history).")
        ] = False,
        allow_private: AllowPrivate = False,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Save a watchlist, then evaluate it against the stored events at once.

        Without --min-events or --min-anomaly, every matching event is an alert; with them,
        a burst of events or an anomalous month is. Every alert fires once.

        Examples:

          watchfloor watchlist add "Taraz 50 km" --lat 42.9 --lon 71.37 --radius-km 50

          watchfloor watchlist add jund --actor jund-al-khilafah --min-fatalities 1

          watchfloor watchlist add surge --country KZ --min-events 5 --webhook https://h.example/x

          watchfloor watchlist add "KZ anomaly" --country KZ --min-anomaly 2 --new-only
        """
        from watchfloor.analyse.alerting import add_watchlist
        from watchfloor.analyse.alerts import Watchlist, WatchlistError

        settings = settings_for(db, allow_private=allow_private or None)
        wl = Watchlist(name=name, query=query, actor=actor, lat=lat, lon=lon,
                       radius_km=radius_km, country=country, admin1=admin1,
                       event_type=event_type, min_fatalities=min_fatalities,
                       min_events=min_events, window_days=window_days,
                       min_anomaly=min_anomaly, webhook_url=webhook)
        with open_database(settings) as database:
            try:
                saved = add_watchlist(database, wl, new_only=new_only)
            except WatchlistError as exc:
                err.print(f"[red]error:[/red] {escape(str(exc))}")
                raise typer.Exit(2) from None
        result = run_alerts(settings)
        if as_json:
            print_json({"watchlist": saved.to_json(), "evaluation": result})
            return
        out.print(f"saved watchlist {saved.id}: [bold]{escape(saved.name)}[/bold] — "
                  f"{escape(saved.describe())}")
        print_alerts_result(result)

    @watchlist_app.command("list")
    def watchlist_list(db: DbOption = None, as_json: JsonOption = False) -> None:
        """List watchlists with their conditions and alert counts.

        Examples:

          watchfloor watchlist list

          watchfloor watchlist list --json
        """
        from watchfloor.analyse.alerting import list_watchlists

        with open_database(settings_for(db)) as database:
            items = [w.to_json() for w in list_watchlists(database)]
        if as_json:
            print_json(items)
            return
        if not items:
            err.print("no watchlists; add one with `watchfloor watchlist add`")
            return
        table = Table("id", "name", "conditions", "webhook")
        for w in items:
            table.add_row(str(w["id"]), escape(w["name"]), escape(w["conditions"]),
                          escape(w["webhook_url"] or ""))
        out.print(table)

    @watchlist_app.command("remove")
    def watchlist_remove(
        name: Annotated[str, typer.Argument(help="The watchlist's name or id.")],
        db: DbOption = None,
    ) -> None:
        """Remove a watchlist and its alerts.

        Examples:

          watchfloor watchlist remove "Taraz 50 km"

          watchfloor watchlist remove 3
        """
        from watchfloor.analyse.alerting import remove_watchlist

        with open_database(settings_for(db)) as database:
            if not remove_watchlist(database, name):
                err.print(f"[red]error:[/red] no watchlist {escape(name)!r}; list them with "
                          "`watchfloor watchlist list`")
                raise typer.Exit(1)
        out.print(f"removed watchlist {escape(name)}")

    @app.command("alerts")
    def alerts_command(
        watchlist: Annotated[str | None, typer.Option(
            help="Only this watchlist's alerts (name or id).")] = None,
        limit: Annotated[int, typer.Option(min=1, max=500, help="Alerts to show.")] = 50,
        offset: Annotated[int, typer.Option(min=0, help="Alerts to skip (paging).")] = 0,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """List alerts, newest first, with the reports that triggered them.

        Alerts are raised after each `watchfloor ingest` and each `watchfloor watch` round.

        Examples:

          watchfloor alerts

          watchfloor alerts --watchlist "Taraz 50 km" --json
        """
        from watchfloor.analyse.alerting import list_alerts
        from watchfloor.analyse.alerts import WatchlistError

        with open_database(settings_for(db)) as database:
            try:
                page = list_alerts(database, watchlist=watchlist, limit=limit, offset=offset)
            except WatchlistError as exc:
                err.print(f"[red]error:[/red] {escape(str(exc))}")
                raise typer.Exit(1) from None
        if as_json:
            print_json(page)
            return
        if not page["items"]:
            err.print("no alerts")
            return
        _print_alert_table(page["items"])

    @app.command("watch")
    def watch_command(
        targets: Annotated[list[str], typer.Argument(
            help="Feeds (RSS/Atom), web pages, files or folders to poll.", show_default=False)],
        every: Annotated[str, typer.Option(
            help="Time between rounds: 90s, 15m, 2h, 1d.")] = "15m",
        once: Annotated[bool, typer.Option(
            "--once", help="Run one round and exit (for cron and tests); exit 1 if a "
            "target could not be polled.")] = False,
        extract: Annotated[bool, typer.Option(
            help="Extract events from new reports (needed for alerts on them).")] = True,
        embed: Annotated[bool, typer.Option(
            help="Compute sentence embeddings for new reports.")] = True,
        allow_private: AllowPrivate = False,
        timeout: Annotated[float | None, typer.Option(
            help="Seconds to wait for a remote server [default: 20].")] = None,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Poll feeds and pages: ingest new items, extract them, raise alerts; repeat.

        Runs a round every --every until Ctrl+C. Only new feed entries are fetched; a
        network error is logged and the target is polled again next round; a restart loses
        and duplicates nothing.

        Examples:

          watchfloor watch https://example.org/rss.xml https://example.org/atom.xml --every 15m

          watchfloor watch https://example.org/rss.xml --once --json      # from cron
        """
        from watchfloor.ingest.pipeline import IngestOptions
        from watchfloor.ingest.watch import parse_interval, poll_round, watch_loop

        try:
            interval = parse_interval(every)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--every") from None
        settings = settings_for(db, allow_private=allow_private or None, timeout=timeout)
        options = IngestOptions(tlp=settings.tlp, workers=1)
        extractor: list[Any] = []  # loaded on the first round that has something to extract

        def one_round() -> None:
            from watchfloor.extract.runner import extract_documents

            with open_database(settings) as database:
                polled = poll_round(targets, db=database, settings=settings, options=options)
                extraction = None
                if extract and database.extraction_pending(version=None):
                    if not extractor:
                        from watchfloor.cli_extract import extractor_for

                        extractor.append(extractor_for(settings.gazetteer_path))
                    extraction = extract_documents(database, extractor=extractor[0],
                                                   workers=default_workers())
            embedding = None
            if extract and embed and polled.report.new:
                from watchfloor.cli_embed import run_embedding

                embedding = run_embedding(settings)
            alerting = run_alerts(settings)
            # The round's new reports join the fused events of their incidents.
            fused = run_fusion(settings) if extraction else None
            failed.append(not polled.ok)
            if as_json:
                print_json({**polled.to_json(), "extraction": extraction,
                            "embedding": embedding, "alerts": alerting, "fusion": fused})
                return
            report = polled.report
            err.print(f"round: [bold]{len(report.new)}[/bold] new, {len(report.duplicate)} "
                      f"duplicate, {len(report.failed)} failed"
                      + (f"; {extraction['events']} events extracted" if extraction else ""))
            for feed in polled.feeds:
                err.print(f"  {escape(feed.url)}: " + (f"[red]{escape(feed.error)}[/red]"
                          if feed.error else f"{feed.new_entries} new of {feed.entries}"))
            for failure in report.failed:
                err.print(f"  [red]failed[/red] {escape(str(failure))}")
            print_alerts_result(alerting)
            if fused is not None:
                print_fusion_result(fused)

        failed: list[bool] = []
        try:
            errors = watch_loop(one_round, every=interval, once=once,
                                on_error=lambda m: err.print(f"[red]round failed:[/red] "
                                                             f"{escape(m)}"))
        except KeyboardInterrupt:
            err.print("stopped")
            return
        if once and (errors or any(failed)):
            raise typer.Exit(1)
