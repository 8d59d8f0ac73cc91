"""What ``search`` and ``ask`` share: the assistant and filters, and one query or a batch."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.retrieval.types import Filters
    from assistant.service import Assistant


_SAID: set[str] = set()
"""Notices already given by this process."""


def settings(store: str | None, corpus: Path | None = None) -> Settings:
    """Settings with the command's ``--store`` and ``--corpus`` on top. When audit logging is
    switched off, says so on stderr (once per process)."""
    from assistant.config import load_settings

    loaded = load_settings(store=store, corpus=corpus)
    from assistant.index.store import is_url

    if is_url(loaded.store_location()):
        # A server store's catalogue lives in the server: take its copy first, so that a
        # machine that never ingested answers as the ingesting one does.
        from assistant.index.remote import fetch

        fetch(loaded)
    if not loaded.audit.enabled and "audit-off" not in _SAID:
        from assistant.audit.factory import OFF_NOTICE

        sys.stderr.write(f"liaison: {OFF_NOTICE}\n")
        _SAID.add("audit-off")
    return loaded


def open_assistant(
    store: str | None, partner: str | None, kind: str | None, topic: str | None
) -> tuple[Assistant, Filters]:
    """The assistant and the search filters shared by ``search`` and ``ask``."""
    from assistant.retrieval.types import Filters
    from assistant.service import make_assistant

    return make_assistant(settings(store)), Filters(partner=partner, kind=kind, topic=topic)


def single_or_batch(
    text: str | None, name: str, batch: str | None, one: Callable[[str], dict[str, object]]
) -> str:
    """With ``--batch``, run ``one`` per line and exit; otherwise the single query, required."""
    from assistant.cli import render
    from assistant.errors import BadInput

    if batch is not None:
        raise typer.Exit(render.run_batch(batch, one))
    if text is None:
        raise BadInput(f"missing argument {name}", "or give --batch FILE")
    return text


def parse_date(value: str) -> dt.date:
    from assistant.errors import BadInput

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"invalid date {value!r}", "use an ISO date, e.g. 2026-12-15") from None
