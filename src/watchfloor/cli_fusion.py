"""`watchfloor fusion update|list|show|split`: thin commands over analyse.fusion_store, and
the update run after `watchfloor ingest` and `watchfloor reextract`."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from watchfloor.cli_common import (
    DbOption,
    JsonOption,
    err,
    open_database,
    out,
    print_json,
    settings_for,
)
from watchfloor.config import Settings

log = logging.getLogger(__name__)

fusion_app = typer.Typer(
    help="Fused events: reports of one incident as one event, with every source's values.",
    no_args_is_help=True)


def run_fusion(settings: Settings) -> dict[str, Any]:
    """Fuse the reports extracted since the last update, after an ingest or reextract.
    Never raises: the extraction results are stored already, so a failure is logged and
    returned as ``error`` (`watchfloor fusion update` retries it)."""
    from watchfloor.analyse.fusion_store import update_fusion

    with open_database(settings) as database:
        try:
            return update_fusion(database).to_json()
        except Exception as exc:  # a hook: log the reason, never fail the ingest
            log.exception("fusing the new reports failed; `watchfloor fusion update` retries")
            reason = (str(exc).splitlines() or [""])[0]
            return {"error": f"{type(exc).__name__}: {reason}"}


def print_fusion_result(result: dict[str, Any]) -> None:
    if result.get("error"):
        err.print(f"[red]fused events not updated:[/red] {escape(result['error'])} — run "
                  "`watchfloor fusion update`")
    elif result.get("documents"):
        err.print(f"fused {result['reports']} event(s) of {result['documents']} report(s): "
                  f"{result['multi_report']} fused event(s) of several reports changed "
                  "— `watchfloor fusion list`")


def _print_detail(detail: dict[str, Any]) -> None:
    out.print(f"[bold]{detail['fused_id']}[/bold]: {detail['sources']} report(s)")
    for r in detail["reports"]:
        out.print(f"  {r['key']}  {escape(r.get('title') or '')}  {r.get('published') or ''}")
    table = Table("field", "fused", "rule", "by source")
    for f in detail["fields"]:
        if not f["values"]:
            continue
        sources = "\n".join(
            f"{escape(v['display'])}: " + ", ".join(x["key"] for x in v["reports"])
            for v in f["values"])
        mark = " [red](conflict)[/red]" if f["conflict"] else ""
        table.add_row(f["label"], escape(f["fused_display"]) + mark, f["rule"], sources)
    out.print(table)
    for c in detail["conflicts"]:
        out.print(f"[yellow]conflict[/yellow] {c['label']}: {escape(c['text'])}")


def register(app: typer.Typer) -> None:
    app.add_typer(fusion_app, name="fusion")

    @fusion_app.command("update")
    def fusion_update(
        everything: Annotated[bool, typer.Option(
            "--all", help="Re-fuse every stored report from scratch (splits are kept).")
        ] = False,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Fuse the reports extracted since the last update into the stored fused events.

        Runs by itself after `watchfloor ingest` and `watchfloor reextract`.

        Examples:

          watchfloor fusion update

          watchfloor fusion update --all
        """
        from watchfloor.analyse.fusion_store import update_fusion

        with open_database(settings_for(db)) as database:
            result = update_fusion(database, everything=everything).to_json()
        if as_json:
            print_json(result)
        else:
            err.print(f"fused {result['reports']} event(s) of {result['documents']} "
                      f"report(s); {result['fused_events']} fused event(s) written, "
                      f"{result['multi_report']} of several reports")

    @fusion_app.command("list")
    def fusion_list(
        country: Annotated[str | None, typer.Option(
            help="ISO 3166-1 alpha-2 of the fused place, e.g. KZ.")] = None,
        limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")] = 50,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Fused events, those told by two or more reports first.

        Examples:

          watchfloor fusion list

          watchfloor fusion list --country KZ --json
        """
        from watchfloor.analyse.fusion_store import list_fused_events

        with open_database(settings_for(db)) as database:
            page = list_fused_events(database, country=country, limit=limit)
        if as_json:
            print_json(page)
            return
        table = Table("id", "reports", "date", "place", "type", "killed", "conflicts")
        for item in page["items"]:
            killed = item["fatalities_range"]
            shown = (f"{killed[0]}–{killed[1]}" if killed and killed[0] != killed[1]
                     else str(item["fatalities"] if item["fatalities"] is not None else ""))
            table.add_row(item["fused_id"], str(item["sources"]), item["date"],
                          escape(item["location"]), item["event_type"] or "", shown,
                          ", ".join(item["conflicts"]))
        out.print(table)
        err.print(f"{page['total']} fused event(s), {page['multi_report']} of several reports")

    @fusion_app.command("show")
    def fusion_show(
        fused_id: Annotated[str, typer.Argument(help="A fused event id (fe-...).")],
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """One fused event: its reports, each field's values by source and the conflicts.

        Example:

          watchfloor fusion show fe-3f2a9c41e0b1d2c4
        """
        from watchfloor.analyse.fusion_store import fused_event_detail

        with open_database(settings_for(db)) as database:
            detail = fused_event_detail(database, fused_id)
        if detail is None:
            err.print(f"[red]error:[/red] no fused event {fused_id!r}; "
                      "`watchfloor fusion list` shows the ids")
            raise typer.Exit(1)
        if as_json:
            print_json(detail)
        else:
            _print_detail(detail)

    @fusion_app.command("split")
    def fusion_split(
        fused_id: Annotated[str, typer.Argument(help="The fused event to split.")],
        keys: Annotated[list[str], typer.Argument(
            help="Reports to separate, as doc_id/event_id (see `watchfloor fusion show`).")],
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Separate wrongly fused reports; they are never fused together again, even after
        re-extraction of the same text.

        Example:

          watchfloor fusion split fe-3f2a9c41e0b1d2c4 e35cb7ab0a2359e1c2cf/ev-7c1d
        """
        from watchfloor.analyse.fusion_store import FusionError, split_fused_event

        with open_database(settings_for(db)) as database:
            try:
                parts = split_fused_event(database, fused_id, keys)
            except FusionError as exc:
                err.print(f"[red]error:[/red] {escape(str(exc))}")
                raise typer.Exit(1) from None
        if as_json:
            print_json({"fused_events": parts})
        else:
            for part in parts:
                err.print(f"{part['fused_id']}: {', '.join(part['reports'])}")
