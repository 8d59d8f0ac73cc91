"""Small modal prompts shared by the screens."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option


class SavePrompt(ModalScreen[str | None]):
    """Where to save: a path, prefilled; Enter saves, Escape cancels."""

    BINDINGS = [Binding("escape", "dismiss", "Cancel")]  # noqa: RUF012

    def __init__(self, path: str, label: str = "Save the brief as") -> None:
        super().__init__()
        self.path = path
        self.label = label

    def compose(self) -> ComposeResult:
        with Vertical(id="save-prompt"):
            yield Label(self.label)
            yield Input(self.path, id="save-path")

    def on_mount(self) -> None:
        self.query_one("#save-path", Input).focus()

    @on(Input.Submitted, "#save-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)


def move_highlight(options: OptionList, by: int) -> None:
    """Move ``options``' highlight by ``by``, wrapping (for a list driven from a filter box)."""
    if options.option_count:
        now = options.highlighted if options.highlighted is not None else -by
        options.highlighted = (now + by) % options.option_count


class ChoicePrompt(ModalScreen[str | None]):
    """Pick one of ``choices`` (id, label); Enter takes the highlighted one, Escape cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]  # noqa: RUF012

    def __init__(
        self, title: str, choices: list[tuple[str, str]], current: str | None, note: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.current = current
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-prompt"):
            yield Label(self.title_text, id="choice-title")
            yield OptionList(
                *(Option(label, id=key) for key, label in self.choices), id="choice-options"
            )
            if self.note:
                yield Label(self.note, id="choice-note", markup=False)

    def on_mount(self) -> None:
        options = self.query_one("#choice-options", OptionList)
        ids = [key for key, _ in self.choices]
        options.highlighted = ids.index(self.current) if self.current in ids else 0
        options.focus()

    @on(OptionList.OptionSelected, "#choice-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
