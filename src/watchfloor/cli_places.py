"""Commands for places: ``watchfloor geoparse`` and ``watchfloor eval geoparse``.

``register(app, eval_app)`` adds them to the main Typer app; each command parses its
arguments, calls one library function and prints the result.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from watchfloor.cli_common import default_workers
from watchfloor.config import Settings
from watchfloor.evaluate.geoparse import format_table, run_geoparse_eval
from watchfloor.extract.places import PlaceContext, extract_places
from watchfloor.knowledge.gazetteer import Gazetteer, default_gazetteer_path, open_gazetteer

_TABLE_FIELDS = ("start", "end", "text", "name", "feature_code", "country_code", "admin1",
                 "lat", "lon", "score")


def _gazetteer(path: Path | None) -> Gazetteer:
    settings = Settings.from_env()
    target = path or (
        Path(settings.gazetteer_path) if settings.gazetteer_path else default_gazetteer_path()
    )
    if not target.exists():
        typer.echo(f"building the gazetteer into {target} (first use, under a minute)...",
                   err=True)
    return open_gazetteer(target)


def _read_input(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    file = Path(path)
    if not file.is_file():
        raise typer.BadParameter(f"{path}: no such file (give a text file, or - for stdin)")
    return file.read_text(encoding="utf-8", errors="replace")


def _table(places: list[dict[str, Any]]) -> str:
    rows = [list(_TABLE_FIELDS)] + [
        ["" if p.get(f) is None else str(p.get(f)) for f in _TABLE_FIELDS] for p in places
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_TABLE_FIELDS))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


def geoparse(
    path: Annotated[str, typer.Argument(help="text file to read, or - for standard input")] = "-",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
    country: Annotated[list[str] | None, typer.Option(
        "--country", help="publisher's country (ISO alpha-2); repeatable")] = None,
    no_demonyms: Annotated[bool, typer.Option(
        "--no-demonyms", help="do not report 'Kazakh', 'Uzbek' ... as places")] = False,
    gazetteer: Annotated[Path | None, typer.Option(
        help="gazetteer file (default: $WATCHFLOOR_GAZETTEER or the user cache)")] = None,
) -> None:
    """Find and resolve the places named in a text.

    Prints one row per place mention: span, GeoNames name, feature code, country, admin1,
    coordinates and score. The gazetteer is built on first use (under a minute).

    Examples:

      watchfloor geoparse report.txt

      echo "Gunmen attacked a police post in Taraz, Zhambyl region." | watchfloor geoparse - --json

      watchfloor geoparse bulletin.txt --country KZ
    """
    text = _read_input(path)
    context = PlaceContext(publisher_countries=tuple(c.upper() for c in country or ()),
                           demonyms=not no_demonyms)
    places = extract_places(text, gazetteer=_gazetteer(gazetteer), context=context)
    typer.echo(json.dumps(places, ensure_ascii=False, indent=2) if as_json else _table(places))


def eval_geoparse(
    files: Annotated[list[Path], typer.Argument(help="LGL or GeoVirus XML file(s)")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
    limit: Annotated[int | None, typer.Option(help="only the first N documents")] = None,
    country: Annotated[list[str] | None, typer.Option(
        "--country", help="publisher's country (ISO alpha-2) for every document")] = None,
    n_process: Annotated[int, typer.Option(
        min=0, help="NER worker processes (0 = one per core)")] = 0,
    gazetteer: Annotated[Path | None, typer.Option(help="gazetteer file")] = None,
    source_context: Annotated[bool, typer.Option(
        "--source-context/--no-source-context",
        help="resolve again with each publisher's home area, learnt from its other "
             "documents (LGL <domain>, GeoVirus page host)")] = True,
    misses: Annotated[Path | None, typer.Option(
        help="write one JSON line per gold toponym resolved beyond 161 km, with why "
             "(area point far away, wrong candidate, not in the gazetteer), to this file")
    ] = None,
) -> None:
    """Score the geoparser on LGL / GeoVirus: recognition, resolution, end to end, speed.

    Recognition P/R/F1 on exact spans; on gold toponyms exact GeoNames id, Acc@161km, admin1
    and error in km; end-to-end F1; documents/s and peak RSS. By default each document is
    resolved a second time with the home area of its publisher (where the places of the
    publisher's other documents lie, as `watchfloor ingest` does for stored reports);
    --no-source-context scores one pass on each document alone.

    Examples:

      watchfloor eval geoparse ../shared/benchmarks/geoparsing/lgl.xml

      watchfloor eval geoparse ../shared/benchmarks/geoparsing/GeoVirus.xml --limit 50 --json

      watchfloor eval geoparse ../shared/benchmarks/geoparsing/lgl.xml --misses misses.jsonl
    """
    for file in files:
        if not file.is_file():
            raise typer.BadParameter(f"{file}: no such file")
    gaz = _gazetteer(gazetteer)
    context = PlaceContext(publisher_countries=tuple(c.upper() for c in country or ()))
    results = [run_geoparse_eval(f, gazetteer=gaz, limit=limit, context=context,
                                 n_process=n_process or default_workers(),
                                 source_context=source_context, misses=misses is not None)
               for f in files]
    if misses is not None:
        with misses.open("w", encoding="utf-8") as out:
            for r in results:
                for record in r.pop("misses"):
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
    typer.echo(json.dumps(results, indent=2) if as_json else format_table(results))


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    """Add ``geoparse`` to ``app`` and ``geoparse`` to ``eval_app``."""
    app.command("geoparse")(geoparse)
    eval_app.command("geoparse")(eval_geoparse)
