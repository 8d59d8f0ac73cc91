"""``liaison chat``: the terminal UI."""

from __future__ import annotations

import typer

from assistant.cli.options import AudienceOpt, StoreOpt


def chat(store: StoreOpt = None, audience: AudienceOpt = None) -> None:
    """Open the terminal UI."""
    from assistant.cli.query import settings
    from assistant.tui.app import make_app

    make_app(settings(store), audience=audience).run()


def register(app: typer.Typer) -> None:
    app.command()(chat)
