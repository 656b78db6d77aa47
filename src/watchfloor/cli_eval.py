"""`watchfloor eval muc4` and `watchfloor eval wikievents`: thin commands over evaluate/."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from watchfloor.cli_common import default_workers, err, out, settings_for
from watchfloor.extract.pipeline import ExtractOptions, Extractor
from watchfloor.extract.runner import ExtractInput, extract_stream


def _extract_all(workers: int) -> Any:
    settings = settings_for(None)
    extractor = Extractor(ExtractOptions(gazetteer_path=settings.gazetteer_path))

    def run(items: list[tuple[str, str, date | None]]) -> Iterable[dict[str, Any]]:
        inputs: Iterator[ExtractInput] = (
            ExtractInput(text=text, doc_id=doc_id, source=doc_id, published=published)
            for doc_id, text, published in items
        )
        return list(extract_stream(inputs, extractor=extractor, workers=workers))

    return run


def _print_table(rows: dict[str, dict[str, Any]], title: str) -> None:
    out.print(f"[bold]{title}[/bold]")
    out.print(f"{'':<10} {'P':>7} {'R':>7} {'F1':>7}")
    for name, score in rows.items():
        out.print(
            f"{name:<10} {score['precision']:>7.3f} {score['recall']:>7.3f} {score['f1']:>7.3f}"
        )


def register(eval_app: typer.Typer) -> None:
    @eval_app.command("muc4")
    def muc4_command(
        root: Annotated[Path, typer.Argument(help="The muc4 benchmark folder.")],
        split: Annotated[str, typer.Option(help="dev (TST1+TST2) or train (DEV texts).")] = "dev",
        limit: Annotated[int | None, typer.Option(help="Score only the first N texts.")] = None,
        workers: Annotated[int, typer.Option(min=0, help="Processes (0 = one per core).")] = 0,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """MUC-4 role-filler entity F1 (PerpInd, PerpOrg, Target, Victim, Weapon) and
        incident date, country, city and deaths against the answer keys.

        Example: watchfloor eval muc4 ../shared/benchmarks/muc4 --split dev
        """
        from watchfloor.evaluate.muc4_score import run_muc4_eval

        if not root.is_dir():
            raise typer.BadParameter(f"{root} is not a folder", param_hint="ROOT")
        try:
            result = run_muc4_eval(
                root,
                split=split,
                limit=limit,
                extract_all=_extract_all(workers or default_workers()),
            )
        except (FileNotFoundError, ValueError) as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None
        if as_json:
            sys.stdout.write(json.dumps(result, indent=2) + "\n")
            return
        roles = result["role_fillers"]
        _print_table(
            {k: v for k, v in roles.items() if isinstance(v, dict) and "f1" in v},
            f"MUC-4 {split}: {result['documents']} documents",
        )
        out.print(
            json.dumps({"incidents": result["incidents"], "speed": result["speed"]}, indent=2)
        )

    @eval_app.command("wikievents")
    def wikievents_command(
        path: Annotated[Path, typer.Argument(help="WikiEvents JSON Lines (e.g. dev.jsonl).")],
        workers: Annotated[int, typer.Option(min=0, help="Processes (0 = one per core).")] = 0,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Sentence-level detection P/R/F1 for attack, death, injury and arrest events.

        Example: watchfloor eval wikievents ../shared/benchmarks/wikievents/dev.jsonl
        """
        from watchfloor.evaluate.wikievents import run_wikievents_eval

        if not path.is_file():
            raise typer.BadParameter(f"{path} is not a file", param_hint="PATH")
        try:
            result = run_wikievents_eval(
                path, extract_all=_extract_all(workers or default_workers())
            )
        except ValueError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None
        if as_json:
            sys.stdout.write(json.dumps(result, indent=2) + "\n")
            return
        _print_table(
            {**result["per_kind"], "micro": result["micro"]},
            f"WikiEvents: {result['documents']} documents, {result['sentences']} sentences",
        )
        out.print(f"speed: {result['speed']}")
