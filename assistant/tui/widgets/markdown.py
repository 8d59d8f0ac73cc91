"""Markdown that never opens a link.

Textual's Markdown widget opens a clicked link in a web browser by default. The users' machines
are air-gapped and no code path may reach the network, so every Markdown in the UI (answers,
a model's draft, briefs, lessons) is this one: a click on a link is ignored, and the link text
stays readable."""

from __future__ import annotations

from typing import Any

from textual.widgets import Markdown


class LocalMarkdown(Markdown):
    def __init__(self, markdown: str | None = None, **kwargs: Any) -> None:
        kwargs["open_links"] = False
        super().__init__(markdown, **kwargs)
