"""`watchfloor trends` and `watchfloor brief`: thin commands over watchfloor.analyse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from watchfloor.cli_common import DbOption, err, open_database, parse_date, settings_for


def _table(result: dict[str, Any]) -> str:
    lines = [f"Trends for {result['country']}"
             + (f" / {result['admin1']}" if result["admin1"] else "")
             + f" (per {result['bucket']})", ""]
    lines += ["Findings:"] + [f"  - {f}" for f in result["findings"] or ["(none)"]] + [""]
    lines.append("year   events  fatalities  baseline  ratio  score  escalation")
    for y in result["years"]:
        lines.append(f"{y['year']:<6} {y['events']:>6}  {y['fatalities']:>10}  "
                     f"{'' if y['baseline'] is None else y['baseline']:>8}  "
                     f"{'' if y['ratio'] is None else y['ratio']:>5}  "
                     f"{'' if y['score'] is None else y['score']:>5}  "
                     f"{'yes' if y['escalation'] else ''}")
    lines += ["", "period      events  fatalities  baseline  score  flagged"]
    for p in result["periods"]:
        lines.append(f"{p['period']:<11} {p['events']:>6}  {p['fatalities']:>10}  "
                     f"{'' if p['baseline'] is None else p['baseline']:>8}  "
                     f"{'' if p['score'] is None else p['score']:>5}  "
                     f"{'yes' if p['flagged'] else ''}")
    lines += ["", "Method: " + result["method"]]
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command("trends")
    def trends_command(
        country: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2 code, e.g. KZ.")],
        admin1: Annotated[
            str | None, typer.Option(help="admin1 code within --country (a region).")
        ] = None,
        bucket: Annotated[str, typer.Option(help="Period: month or week.")] = "month",
        db: DbOption = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Event counts per period against a baseline, escalation years and novelties.

        Each period is scored against the trailing window with a Poisson tail test; the
        method is printed under the table.

        Examples:

          watchfloor trends --country KZ

          watchfloor trends --country KZ --bucket week --json
        """
        from watchfloor.analyse.trends import load_trends

        if bucket not in ("month", "week"):
            raise typer.BadParameter("use month or week", param_hint="--bucket")
        if len(country) != 2 or not country.isalpha():
            raise typer.BadParameter("a two-letter ISO code such as KZ", param_hint="--country")
        with open_database(settings_for(db)) as database:
            result = load_trends(database, country=country, admin1=admin1, bucket=bucket)
        typer.echo(json.dumps(result, indent=2, default=str) if as_json else _table(result))

    @app.command("brief")
    def brief_command(
        country: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2 code, e.g. KZ.")],
        output: Annotated[Path, typer.Option(
            "-o", "--output", help="File to write: .html, or .pdf for a PDF.")],
        admin1: Annotated[
            str | None, typer.Option(help="admin1 code within --country (a region).")
        ] = None,
        since: Annotated[str | None, typer.Option(help="Events from YYYY-MM-DD.")] = None,
        until: Annotated[str | None, typer.Option(help="Events until YYYY-MM-DD.")] = None,
        pdf: Annotated[bool, typer.Option(
            "--pdf", help="Write a PDF whatever the file name says.")] = False,
        db: DbOption = None,
    ) -> None:
        """Write a briefing: key events, map, timeline, top actors, quotes, trend findings
        and sources, as one self-contained HTML file or a PDF.

        Examples:

          watchfloor brief --country KZ --since 2011-01-01 -o brief.html

          watchfloor brief --country KZ --since 2011-01-01 --until 2011-12-31 -o kz-2011.pdf
        """
        from watchfloor.analyse.briefing import BriefingRequest, build_briefing
        from watchfloor.export.briefing import render_html, render_pdf

        if len(country) != 2 or not country.isalpha():
            raise typer.BadParameter("a two-letter ISO code such as KZ", param_hint="--country")
        request = BriefingRequest(country=country.upper(), admin1=admin1,
                                  since=parse_date(since, "--since"),
                                  until=parse_date(until, "--until"))
        with open_database(settings_for(db)) as database:
            data = build_briefing(database, request)
        if data is None:
            err.print(f"[red]error:[/red] nothing recorded for {request.country}"
                      + (f" / {admin1}" if admin1 else "")
                      + "; ingest reports about it first (watchfloor ingest ...)")
            raise typer.Exit(1)
        as_pdf = pdf or output.suffix.lower() == ".pdf"
        try:
            if as_pdf:
                output.write_bytes(render_pdf(data))
            else:
                output.write_text(render_html(data), encoding="utf-8")
        except OSError as exc:
            err.print(f"[red]error:[/red] cannot write {output}: {exc.strerror}")
            raise typer.Exit(1) from exc
        err.print(f"wrote a {'PDF' if as_pdf else 'HTML'} briefing on {data['place']} "
                  f"({data['totals']['events']} events, {len(data['sources'])} reports) "
                  f"to {output}")
