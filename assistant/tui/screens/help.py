"""F1: every key and every command of the chat, in one page. The rows are built from the
screens' own bindings and the palette's own commands, so the help cannot drift from them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown

Group = tuple[str, Sequence[tuple[str, str]]]

WIDGET_KEYS: tuple[Group, ...] = (
    (
        "Question box",
        (
            ("Enter", "send the question"),
            ("shift+Enter, ctrl+j", "a new line in the question"),
            ("↑ on the first line", "the previous question (earlier sessions too)"),
            ("↓ on the last line", "the next question, then what you were typing"),
        ),
    ),
    (
        "Sources panel (Tab or F3 to reach it)",
        (
            ("Enter on a source", "the passage, the sentences the answer rests on highlighted"),
            ("d on a source", "the whole document at that passage, every portion's marking"),
            ("Enter on a withheld item", "its release check, whom to ask, the consent request"),
        ),
    ),
)


def binding_rows(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(keys, description) for every described binding."""
    rows: list[tuple[str, str]] = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        keys = ", ".join(k.strip() for k in binding.key.split(","))
        rows.append((keys, binding.description))
    return rows


def _table(rows: Sequence[tuple[str, str]]) -> str:
    lines = ["| Key | What it does |", "|---|---|"]
    lines += [f"| `{k}` | {what} |" for k, what in rows]
    return "\n".join(lines)


def help_markdown(groups: Sequence[Group], commands: Sequence[tuple[str, str]]) -> str:
    parts: list[str] = []
    for title, rows in groups:
        parts += [f"### {title}", "", _table(rows), ""]
    parts += ["### Commands (ctrl+p, then type)", "", "| Command | What it does |", "|---|---|"]
    parts += [f"| {name} | {what} |" for name, what in commands]
    return "\n".join(parts) + "\n"


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss(None)", "Close")]  # noqa: RUF012

    def __init__(self, markdown: str) -> None:
        super().__init__()
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        with Vertical(id="help-panel"):
            yield Label("liaison: keys and commands", id="help-title")
            with VerticalScroll(id="help-body"):
                yield Markdown(self.markdown, id="help-markdown")
            yield Label("Escape: close", id="help-close")
