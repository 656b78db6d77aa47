"""Pieces shared by the command modules: consoles, common options, opening the database."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from watchfloor.config import Settings, normalise_database_url
from watchfloor.store import Database, DatabaseError

# More processes than this rarely help: the single writer becomes the bottleneck.
MAX_DEFAULT_WORKERS = 4

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database: a SQLite file path or a postgresql:// URL "
        "[default: $WATCHFLOOR_DATABASE_URL, else a file in the per-user data folder].",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date; write it as YYYY-MM-DD", param_hint=option
        ) from None


def settings_for(db: str | None, **changes: Any) -> Settings:
    settings = Settings.from_env()
    if db:
        settings = settings.with_(database_url=normalise_database_url(db))
    return settings.with_(**changes)


def open_database(settings: Settings) -> Database:
    try:
        return Database.open(settings.database_url)
    except DatabaseError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None


def default_workers() -> int:
    """One worker per core: preparing documents is CPU-bound, writing is done here."""
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS))


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
