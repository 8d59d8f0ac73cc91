"""F1: every key and every command of the chat, in one page. The rows are built from the
screens' own bindings and the palette's own commands, so the help cannot drift from them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

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
    """(keys, what it does) for every described binding, once per key; the tooltip, when a
    binding has one, is the longer description."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        keys = ", ".join(k.strip() for k in binding.key.split(","))
        if keys in seen:
            continue
        seen.add(keys)
        rows.append((keys, binding.tooltip or binding.description))
    return rows


def help_content(groups: Sequence[Group], commands: Sequence[tuple[str, str]]) -> Content:
    """Every group of keys, then the palette's commands, as aligned columns."""
    width = max(len(k) for _, rows in groups for k, _ in rows) + 2
    parts: list[Content | str | tuple[str, str]] = []
    for title, rows in groups:
        parts += [(title, "bold $accent"), "\n"]
        for keys, what in rows:
            parts += [("  " + keys.ljust(width), "bold"), f"{what}\n"]
        parts.append("\n")
    parts += [("Commands (ctrl+p, then type a few letters)", "bold $accent"), "\n"]
    name_width = max((len(n) for n, _ in commands), default=0) + 2
    for name, what in commands:
        parts += [("  " + name.ljust(name_width), "bold"), f"{what}\n"]
    return Content.assemble(*parts)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss(None)", "Close")]  # noqa: RUF012

    def __init__(self, content: Content) -> None:
        super().__init__()
        self.content = content

    def compose(self) -> ComposeResult:
        with Vertical(id="help-panel"):
            yield Label("liaison: keys and commands", id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(self.content, id="help-text")
            yield Label("Escape: close", id="help-close")
