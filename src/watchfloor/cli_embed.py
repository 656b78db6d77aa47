"""`watchfloor embed` and the embedding step of `watchfloor ingest`: thin commands over
analyse.embeddings."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from watchfloor.cli_common import DbOption, JsonOption, err, open_database, print_json, settings_for
from watchfloor.config import Settings


def run_embedding(settings: Settings) -> dict[str, Any]:
    """Embed every stored document that has no vector yet (the ones just ingested, and any
    an interrupted run left behind). Never raises for a model that cannot be loaded: the
    documents are stored already, so the error is returned for the caller to report."""
    from watchfloor.analyse.embeddings import EmbeddingError, embed_documents, shared_embedder

    with open_database(settings) as database:
        try:
            report = embed_documents(database, embedder=shared_embedder(settings.embedding_model))
        except EmbeddingError as exc:
            return {"embedded": 0, "error": str(exc)}
    return report.to_json()


def print_embedding(result: dict[str, Any]) -> None:
    if result.get("error"):
        err.print(f"[red]embeddings not computed:[/red] {escape(result['error'])}; documents "
                  "are stored; run `watchfloor embed` once the model loads")
    elif result["embedded"]:
        err.print(f"embedded {result['embedded']} document(s) "
                  f"({result['docs_per_second']} per second)")


def register(app: typer.Typer) -> None:
    @app.command("embed")
    def embed_command(
        db: DbOption = None,
        all_documents: Annotated[
            bool, typer.Option("--all", help="Recompute every document's embedding.")
        ] = False,
        as_json: JsonOption = False,
    ) -> None:
        """Compute sentence embeddings (all-MiniLM-L6-v2) for documents that have none.

        `watchfloor ingest` does this after extraction; run it after `--no-extract` or
        `--no-embed`, or when an ingest reported that the model could not be loaded.

        Examples:

          watchfloor embed

          watchfloor embed --all --db demo.sqlite
        """
        from watchfloor.analyse.embeddings import EmbeddingError, embed_documents, shared_embedder

        settings = settings_for(db)
        with open_database(settings) as database:
            try:
                report = embed_documents(
                    database, embedder=shared_embedder(settings.embedding_model),
                    only_missing=not all_documents,
                )
            except EmbeddingError as exc:
                err.print(f"[red]error:[/red] {escape(str(exc))}")
                raise typer.Exit(1) from None
        if as_json:
            print_json(report.to_json())
            return
        err.print(f"embedded {report.embedded} document(s) with {report.model} in "
                  f"{report.seconds:.1f} s ({report.docs_per_second:.1f} per second)")
