"""`watchfloor serve` and `watchfloor export events`: thin commands over web/ and export/."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer

from watchfloor.cli_common import DbOption, err, open_database, out, parse_date, settings_for
from watchfloor.config import Settings
from watchfloor.export import FORMATS

# Loopback by default: the workbench has no authentication, so it is not exposed to the
# network unless asked for with --host.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def port_is_free(host: str, port: int) -> bool:
    """Whether ``host:port`` can be listened on now (so a busy port gets a message that says
    what to do instead of a bind traceback)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return True  # let the server report an unknown host its own way
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError:
            return False
    return True


def serve_workbench(settings: Settings, *, host: str, port: int, workers: int = 1,
                    cache: bool = True) -> None:
    """Serve the workbench over ``settings.database_url`` until interrupted, after printing
    its URL on standard output. ``workers`` > 1 serves from that many processes (each opens
    the database and keeps its own page cache); ``cache``: see ``web.cache``."""
    import uvicorn

    from watchfloor.web import create_app

    if not port_is_free(host, port):
        err.print(f"[red]error:[/red] {host}:{port} is already in use; "
                  f"pick another port with --port (e.g. --port {port + 80})")
        raise typer.Exit(1)
    database = open_database(settings)  # creates or upgrades it once, before any worker
    url_host = f"[{host}]" if ":" in host else host
    url = f"http://{url_host}:{port}/"
    if workers > 1:
        database.close()
        os.environ["WATCHFLOOR_DATABASE_URL"] = settings.database_url
        os.environ["WATCHFLOOR_PAGE_CACHE"] = "1" if cache else "0"
        out.print(f"\nwatchfloor workbench: [bold]{url}[/bold]", highlight=False)
        err.print(f"API docs: {url}api/v1/docs · {workers} worker processes · Ctrl+C stops",
                  highlight=False)
        uvicorn.run("watchfloor.web.app:app_from_environment", factory=True, host=host,
                    port=port, workers=workers, log_level="warning")
        return
    application = create_app(settings, database=database, cache=cache)
    out.print(f"\nwatchfloor workbench: [bold]{url}[/bold]", highlight=False)
    err.print(f"API docs: {url}api/v1/docs · Ctrl+C stops", highlight=False)
    try:
        uvicorn.run(application, host=host, port=port, log_level="warning")
    finally:
        database.close()


def register(app: typer.Typer) -> None:
    export_app = typer.Typer(help="Export extracted data.", no_args_is_help=True)
    app.add_typer(export_app, name="export")

    @app.command("serve")
    def serve_command(
        db: DbOption = None,
        host: Annotated[str, typer.Option(help="Address to listen on.")] = DEFAULT_HOST,
        port: Annotated[int, typer.Option(help="Port to listen on.")] = DEFAULT_PORT,
        workers: Annotated[int, typer.Option(
            min=1, help="Worker processes (one per core serves a team; 1 for one analyst)."
        )] = 1,
        cache: Annotated[bool, typer.Option(
            "--cache/--no-cache",
            help="Keep whole pages until the data changes (any write clears them).")] = True,
    ) -> None:
        """Serve the analyst workbench (web pages and the REST API under /api/v1).

        Examples:

          watchfloor serve

          watchfloor serve --db demo.sqlite --port 8080

          watchfloor serve --db team.sqlite --host 0.0.0.0 --workers 2
        """
        serve_workbench(settings_for(db), host=host, port=port, workers=workers, cache=cache)

    @export_app.command("events")
    def export_events_command(
        db: DbOption = None,
        fmt: Annotated[
            str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")
        ] = "csv",
        output: Annotated[
            Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
        ] = None,
        country: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-2 code.")] = None,
        admin1: Annotated[str | None, typer.Option(help="admin1 code within --country.")] = None,
        event_type: Annotated[str | None, typer.Option(help="ACLED event type.")] = None,
        actor: Annotated[str | None, typer.Option(help="Actor id (as actor 1 or 2).")] = None,
        since: Annotated[str | None, typer.Option(help="Events from YYYY-MM-DD.")] = None,
        until: Annotated[str | None, typer.Option(help="Events until YYYY-MM-DD.")] = None,
        source: Annotated[str | None, typer.Option(help="Source prefix or publisher.")] = None,
        query: Annotated[
            str | None, typer.Option("--query", "-q", help="Full-text query on the reports.")
        ] = None,
    ) -> None:
        """Export events as CSV, JSON, GeoJSON or an ACLED-shaped CSV.

        Examples:

          watchfloor export events --format acled --country KZ -o kz.csv

          watchfloor export events --format geojson --since 2011-01-01 > events.geojson
        """
        from watchfloor.analyse.queries import EventFilters
        from watchfloor.export import export_events

        if fmt not in FORMATS:
            raise typer.BadParameter(f"use one of {', '.join(FORMATS)}", param_hint="--format")
        filters = EventFilters(
            country=country.upper() if country else None, admin1=admin1,
            event_type=event_type, actor=actor, since=parse_date(since, "--since"),
            until=parse_date(until, "--until"), source=source, q=query,
        )
        settings = settings_for(db)
        with open_database(settings) as database:
            sink: TextIO = (
                output.open("w", encoding="utf-8", newline="") if output else sys.stdout
            )
            try:
                n = export_events(database, filters, fmt, sink)
            finally:
                if output:
                    sink.close()
        err.print(f"exported {n} event(s) as {fmt}" + (f" to {output}" if output else ""))
