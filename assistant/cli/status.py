"""``liaison status``: what the store holds."""

from __future__ import annotations

import typer

from assistant.cli.options import JsonOpt, StoreOpt


def status(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """What the store holds: documents, chunks, corpus path, model, last sync."""
    from assistant.cli import render
    from assistant.cli.query import settings
    from assistant.index.manifest import load_manifest

    config = settings(store)
    render.status(config, load_manifest(config.store_location()), as_json=as_json)


def register(app: typer.Typer) -> None:
    app.command()(status)
