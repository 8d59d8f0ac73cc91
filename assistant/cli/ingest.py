"""``liaison ingest [PATH ...]``: sync the corpus into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.options import CorpusOpt, JsonOpt, StoreOpt
from assistant.errors import EXIT_BAD_INPUT


def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Corpus folders or files.")] = None,
    store: StoreOpt = None,
    corpus: CorpusOpt = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Re-embed everything.")] = False,
    no_wait: Annotated[
        bool, typer.Option("--no-wait", help="Exit 1 if another ingest holds the store.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Publish this corpus to a server store last synced from another."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Sync the corpus into the store (incremental: unchanged documents are skipped)."""
    from assistant.audit.entries import for_ingest
    from assistant.audit.factory import open_audit
    from assistant.cli import render
    from assistant.cli.query import settings as load_settings
    from assistant.index.sync import sync

    settings = load_settings(store, corpus)
    with render.ingest_progress(enabled=not as_json) as progress:
        report = sync(
            settings,
            paths or None,
            rebuild=rebuild,
            progress=progress,
            wait=not no_wait,
            notify=render.notice,
            force=force,
        )
    audit = open_audit(settings)
    if audit is not None:
        audit.append(for_ingest(report, settings.clearance.value))
    render.ingest_report(report, as_json=as_json)
    if report.rejected:
        raise typer.Exit(EXIT_BAD_INPUT)


def register(app: typer.Typer) -> None:
    app.command()(ingest)
