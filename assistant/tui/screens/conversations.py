"""The saved conversations: newest first, searched as you type by the text of their questions
and answers and by partner. Enter reopens one; Escape goes back.

The search runs in a worker; the list is replaced by what it posts."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from assistant.conversation.store import ConversationStore, Summary
from assistant.corpus.partners import Registry
from assistant.errors import LiaisonError
from assistant.tui.screens.prompts import move_highlight


class Found(Message):
    def __init__(self, summaries: list[Summary], note: str) -> None:
        super().__init__()
        self.summaries = summaries
        self.note = note


def describe(summary: Summary) -> str:
    when = summary.updated_at.replace("T", " ").removesuffix("Z")[:16]
    partners = ", ".join(summary.partners) or "own use"
    turns = f"{summary.turns} turn{'s' if summary.turns != 1 else ''}"
    return f"{when} · {partners} · {turns} · {summary.title}"


class ConversationsScreen(ModalScreen[tuple[int, str] | None]):
    """Dismissed with (id, title) of the conversation to reopen, or None."""

    BINDINGS = [  # noqa: RUF012 (Textual's own declaration style)
        Binding("escape", "dismiss(None)", "Back"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(self, store: ConversationStore, registry: Registry) -> None:
        super().__init__()
        self.store = store
        self.registry = registry
        self.summaries: list[Summary] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="saved-panel"):
            yield Label("Saved conversations", id="saved-title")
            with Horizontal(id="saved-filters"):
                yield Input(placeholder="Text in a question or answer", id="saved-text")
                yield Input(placeholder="Partner (code or name)", id="saved-partner")
            yield Static("", id="saved-note", markup=False)
            yield OptionList(id="saved-list")
            yield Static(
                "Enter: reopen · Tab: next filter · Escape: back", id="saved-help", markup=False
            )

    def on_mount(self) -> None:
        self.query_one("#saved-text", Input).focus()
        self.search("", "")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self.search(
            self.query_one("#saved-text", Input).value,
            self.query_one("#saved-partner", Input).value,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="saved-search")
    def search(self, text: str, partner: str) -> None:
        note = ""
        code = None
        if partner.strip():
            code = self.registry.resolve(partner)
            if code is None:
                self.post_message(Found([], f"No partner {partner.strip()!r} in the registry."))
                return
            note = f"asked for {code} · "
        try:
            found = self.store.find(text, code)
        except LiaisonError as exc:
            self.post_message(Found([], exc.one_line()))
            return
        n = len(found)
        self.post_message(Found(found, f"{note}{n} conversation{'s' if n != 1 else ''}"))

    @on(Found)
    def _found(self, message: Found) -> None:
        self.summaries = message.summaries
        self.query_one("#saved-note", Static).update(message.note)
        options = self.query_one("#saved-list", OptionList)
        options.clear_options()
        options.add_options(Option(describe(s), id=str(s.id)) for s in message.summaries)
        if message.summaries:
            options.highlighted = 0

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one("#saved-list", OptionList)
        if options.highlighted is not None:
            self._open(options.highlighted)

    @on(OptionList.OptionSelected, "#saved-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(event.option_index)

    def _open(self, index: int) -> None:
        if 0 <= index < len(self.summaries):
            summary = self.summaries[index]
            self.dismiss((summary.id, summary.title))

    def action_move(self, by: int) -> None:
        move_highlight(self.query_one("#saved-list", OptionList), by)
