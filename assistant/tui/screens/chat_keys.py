"""The chat screen's keys. Each binding's tooltip is also its line on the help page (F1), so
what a key does is written once, here."""

from __future__ import annotations

from textual.binding import Binding, BindingType

CHAT_BINDINGS: list[BindingType] = [
    Binding("f1", "help", "Help", tooltip="This page: every key and command"),
    Binding(
        "f2",
        "choose_audience",
        "Audience",
        tooltip="Choose who the next answers are for (type to filter, Enter)",
    ),
    Binding(
        "f3",
        "toggle_sources",
        "Sources",
        tooltip="Show the sources (narrow terminal) or fold them away (wide)",
    ),
    Binding(
        "escape",
        "focus_question",
        "Question box",
        tooltip="Back to the question box, from anywhere on the screen",
        show=False,
    ),
    Binding("ctrl+n", "new", "New", tooltip="A new conversation (this one stays saved)"),
    Binding("ctrl+l", "new", "New conversation", show=False),
    Binding(
        "ctrl+o",
        "open_saved",
        "Open",
        tooltip="Reopen a saved conversation, searched by text or partner",
    ),
    Binding(
        "ctrl+s",
        "export",
        "Export",
        tooltip="Export the conversation to Markdown for the current audience",
    ),
    Binding(
        "ctrl+r",
        "reask",
        "Re-ask",
        tooltip="Re-ask the selected (click) or last reopened question, today's rules",
    ),
    Binding(
        "ctrl+t",
        "look_up_term",
        "Term",
        tooltip="Look up a term: the selection, the word at the cursor, or type one",
    ),
]
