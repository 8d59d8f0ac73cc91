"""Small modal prompts shared by the screens."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class SavePrompt(ModalScreen[str | None]):
    """Where to save: a path, prefilled; Enter saves, Escape cancels."""

    BINDINGS = [Binding("escape", "dismiss", "Cancel")]  # noqa: RUF012

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="save-prompt"):
            yield Label("Save the brief as")
            yield Input(self.path, id="save-path")

    def on_mount(self) -> None:
        self.query_one("#save-path", Input).focus()

    @on(Input.Submitted, "#save-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)
