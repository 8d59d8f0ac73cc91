"""The status line: loading, ready, answering, re-indexing, empty store or failure."""

from __future__ import annotations

from textual.widgets import Static

EMPTY_STORE = "The store is empty. Run: liaison ingest"


class StatusLine(Static):
    """One short phrase saying whether questions can be answered yet."""

    _STATES = ("-loading", "-ready", "-busy", "-empty", "-error")

    def __init__(self, *, id: str | None = None) -> None:
        # Messages from the core may hold brackets: never read them as markup.
        super().__init__("", markup=False, id=id)

    def _set(self, state: str, text: str) -> None:
        for name in self._STATES:
            self.set_class(name == state, name)
        self.update(text)

    def show_loading(self) -> None:
        self._set("-loading", "loading model…")

    def show_ready(self) -> None:
        self._set("-ready", "ready")

    def show_answering(self) -> None:
        self._set("-busy", "answering…")

    def show_reindexing(self, text: str) -> None:
        self._set("-busy", text)

    def show_empty(self) -> None:
        self._set("-empty", EMPTY_STORE)

    def show_failed(self, message: str) -> None:
        self._set("-error", f"not available: {message}")
