"""The Textual app of ``liaison chat`` and its factory, shared by the CLI and the tests."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from assistant.config import Settings
from assistant.pipeline import Assistant
from assistant.tui.screens import ChatScreen


class LiaisonApp(App[None]):
    """The terminal UI. The assistant is built by :func:`make_app`, not here."""

    CSS_PATH = "app.tcss"
    TITLE = "liaison"
    BINDINGS = [  # noqa: RUF012 (Textual's own declaration style)
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, assistant: Assistant, audience: str | None = None) -> None:
        super().__init__()
        self.assistant = assistant
        self.audience = audience

    def get_default_screen(self) -> Screen[None]:
        return ChatScreen(self.assistant, self.audience)


def make_app(
    settings: Settings, audience: str | None = None, assistant: Assistant | None = None
) -> LiaisonApp:
    """The chat app over ``settings``' store. ``audience`` (a partner code or name) is resolved
    here, so an unknown partner is bad input before the screen opens. Reads only the manifest:
    the model and the store load in the app's worker."""
    assistant = assistant or Assistant(settings)
    code = assistant.resolve_partner(audience) if audience else None
    return LiaisonApp(assistant, code)
