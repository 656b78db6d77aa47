"""`watchfloor extract` and `watchfloor reextract`: thin commands over extract.runner."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.markup import escape

from watchfloor.cli_common import (
    DbOption,
    default_workers,
    err,
    open_database,
    parse_date,
    settings_for,
)
from watchfloor.cli_fusion import print_fusion_result, run_fusion
from watchfloor.extract.pipeline import EXTRACTOR_VERSION, ExtractOptions, Extractor
from watchfloor.extract.runner import ExtractInput, extract_documents, extract_stream
from watchfloor.ingest.pipeline import prepare_document
from watchfloor.records import Failure


def extractor_for(settings_gazetteer: str | None) -> Extractor:
    return Extractor(ExtractOptions(gazetteer_path=settings_gazetteer))


def register(app: typer.Typer) -> None:
    @app.command("extract")
    def extract_command(
        paths: Annotated[
            list[str] | None,
            typer.Argument(help="Files, directories, URLs or - (default: standard input).",
                           show_default=False),
        ] = None,
        output: Annotated[
            Path | None, typer.Option("-o", "--output", help="Write JSON Lines here.")
        ] = None,
        published: Annotated[
            str | None, typer.Option(help="Publication date (YYYY-MM-DD) for inputs without one.")
        ] = None,
        workers: Annotated[
            int, typer.Option(min=0, help="Processes extracting (0 = one per CPU core).")
        ] = 0,
        allow_private: Annotated[
            bool, typer.Option("--allow-private", help="Allow URLs on private networks.")
        ] = False,
    ) -> None:
        """Extract places, actors, dates, counts, quotes and events as JSON Lines.

        One line per input document, in input order (the shape is in CONTRACT.md). Bad inputs
        are reported on standard error and skipped; exit 1 if any input or stage failed.

        Examples:

          watchfloor extract report.txt --published 2011-12-20

          watchfloor extract reports/ -o events.jsonl

          cat docs.jsonl | watchfloor extract - | head -n 1 | jq .events
        """
        settings = settings_for(None, allow_private=allow_private or None)
        default_date = parse_date(published, "--published")
        targets = paths or ["-"]
        failures: list[Failure] = []
        retrieved = datetime.now(UTC)

        def inputs() -> Iterator[ExtractInput]:
            from watchfloor.ingest.sources import iter_inputs

            stdin = sys.stdin.buffer if "-" in targets else None
            for item in iter_inputs(targets, settings=settings, stdin=stdin):
                if isinstance(item, Failure):
                    failures.append(item)
                    err.print(f"[red]failed[/red] {escape(str(item))}")
                    continue
                doc = prepare_document(item, tlp=settings.tlp, published_default=default_date,
                                       retrieved_at=retrieved)
                yield ExtractInput(
                    text=doc.text, doc_id=item.source_id or doc.doc_id,
                    source=item.url or item.source, title=doc.title, published=doc.published,
                    language=doc.language, url=item.url,
                )

        extractor = extractor_for(settings.gazetteer_path)
        stage_errors = 0
        sink: TextIO = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            for line in extract_stream(inputs(), extractor=extractor,
                                       workers=workers or default_workers()):
                sink.write(json.dumps(line, ensure_ascii=False) + "\n")
                sink.flush()
                if line["errors"]:
                    stage_errors += 1
                    err.print(f"[yellow]errors in {escape(line['source'])}:[/yellow] "
                              f"{escape(json.dumps(line['errors']))}")
        finally:
            if output:
                sink.close()
        raise typer.Exit(1 if failures or stage_errors else 0)

    @app.command("reextract")
    def reextract_command(
        doc_ids: Annotated[
            list[str] | None, typer.Argument(help="Documents to redo.", show_default=False)
        ] = None,
        all_documents: Annotated[
            bool, typer.Option("--all", help="Redo every document, whatever its version.")
        ] = False,
        db: DbOption = None,
        workers: Annotated[int, typer.Option(min=0, help="Processes (0 = one per core).")] = 0,
    ) -> None:
        """Run extraction again on stored documents (after an upgrade), idempotently.

        With no arguments, documents never extracted or extracted by an older version are
        redone. Each result records the extractor version and configuration.

        Examples:

          watchfloor reextract

          watchfloor reextract --all

          watchfloor reextract 3f2a9c41e0b1
        """
        if doc_ids and all_documents:
            raise typer.BadParameter("give document ids or --all, not both", param_hint="--all")
        settings = settings_for(db)
        with open_database(settings) as database:
            ids = None
            if doc_ids:
                found = []
                for doc_id in doc_ids:
                    document = database.get_document(doc_id)
                    if document is None:
                        err.print(f"[red]error:[/red] no document {doc_id!r}")
                        raise typer.Exit(1)
                    found.append(document.doc_id)
                ids = found
            counts = extract_documents(
                database, extractor=extractor_for(settings.gazetteer_path),
                workers=workers or default_workers(), doc_ids=ids,
                only_missing=not (all_documents or doc_ids),
            )
        # The re-extracted reports leave their old fused events and are fused again.
        print_fusion_result(run_fusion(settings))
        err.print(f"extracted {counts['extracted']} document(s) with extractor "
                  f"{EXTRACTOR_VERSION}: {counts['events']} events, "
                  f"{counts['with_errors']} with stage errors"
                  + (f", {counts['not_stored']} refused by the database (logged above)"
                     if counts["not_stored"] else ""))
        raise typer.Exit(1 if counts["with_errors"] or counts["not_stored"] else 0)
