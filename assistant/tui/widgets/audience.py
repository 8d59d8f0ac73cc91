"""The audience: own use, or one of the registry's partners. The button in the top bar shows
it; pressing it (or F2) opens the picker (:mod:`assistant.tui.screens.audience`)."""

from __future__ import annotations

from textual.binding import Binding
from textual.events import Click
from textual.message import Message
from textual.widgets import Static

from assistant.corpus.partners import Registry

OWN_USE = "-"
"""The picker's value for "no partner audience"."""

OWN_USE_LABEL = "(none - own use)"


def audience_label(code: str | None, registry: Registry) -> str:
    """``for audience XBO · Borealian Security Service``, or ``own use``."""
    if code is None:
        return "own use"
    partner = registry.get(code)
    return f"for audience {code} · {partner.name}" if partner else f"for audience {code}"


def short_label(code: str | None, registry: Registry) -> str:
    """``XBO · Borealian Security Service``, or ``own use``."""
    if code is None:
        return "own use"
    partner = registry.get(code)
    return f"{code} · {partner.name}" if partner else code


class AudienceButton(Static, can_focus=True):
    """``Audience ▾ XBO · Borealian Security Service``: Enter, space or a click opens the
    picker. The audience itself belongs to the screen; this only shows it."""

    BINDINGS = [Binding("enter,space,down", "press", "Choose audience", show=False)]  # noqa: RUF012

    class Pressed(Message):
        pass

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__("", markup=False, id=id)
        self.show(label)

    def show(self, label: str) -> None:
        self.label = label
        self.update(f"Audience ▾ {label}")

    def action_press(self) -> None:
        self.post_message(self.Pressed())

    def on_click(self, event: Click) -> None:
        event.stop()
        self.post_message(self.Pressed())
