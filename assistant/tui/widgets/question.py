"""The question box: multi-line, with the history of earlier questions.

Enter sends; shift+Enter or ctrl+j adds a line (terminals that cannot tell shift+Enter from
Enter still send ctrl+j). Up on the first line recalls the previous question, down on the
last line the next one, across sessions (the history is saved with the conversations).
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea


class QuestionBox(TextArea):
    """A TextArea that sends on Enter and recalls earlier questions with the arrows."""

    BINDINGS = [  # noqa: RUF012 (shown in the footer; the keys themselves are read in _on_key)
        Binding("enter", "submit", "Send"),
        Binding("ctrl+j", "newline", "New line"),
    ]

    class Submitted(Message):
        def __init__(self, box: QuestionBox, text: str) -> None:
            super().__init__()
            self.box = box
            self.text = text

        @property
        def control(self) -> QuestionBox:
            return self.box

    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(
            "",
            id=id,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            highlight_cursor_line=False,
            placeholder=placeholder,
        )
        self.recalled: list[str] = []
        self._recall: int | None = None  # index into history while recalling
        self._draft = ""

    @property
    def value(self) -> str:
        return self.text

    @value.setter
    def value(self, text: str) -> None:
        self.load_text(text)
        self.move_cursor(self.document.end)

    @property
    def cursor_index(self) -> int:
        """The cursor as an index into :attr:`text` (for the word at the cursor)."""
        row, column = self.cursor_location
        lines = self.text.split("\n")
        return sum(len(line) + 1 for line in lines[:row]) + column

    def set_history(self, questions: list[str]) -> None:
        """Earlier sessions' questions, oldest first, before this session's."""
        self.recalled = [*questions, *(q for q in self.recalled if q not in questions)]
        self._recall = None

    def remember(self, question: str) -> None:
        if question and (not self.recalled or self.recalled[-1] != question):
            self.recalled.append(question)
        self._recall = None

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.prevent_default()
            event.stop()
            self.action_submit()
            return
        if event.key in ("shift+enter", "ctrl+j"):
            event.prevent_default()
            event.stop()
            self.action_newline()
            return
        row, _ = self.cursor_location
        if event.key == "up" and row == 0 and self.recalled:
            event.prevent_default()
            event.stop()
            self._step(-1)
            return
        if event.key == "down" and row == self.document.line_count - 1 and self._recall is not None:
            event.prevent_default()
            event.stop()
            self._step(1)
            return
        await super()._on_key(event)

    def action_submit(self) -> None:
        text = self.text.strip()
        if text:
            self.post_message(self.Submitted(self, text))

    def action_newline(self) -> None:
        self.insert("\n")

    def _step(self, by: int) -> None:
        if self._recall is None:
            if by > 0:
                return
            self._draft = self.text
            self._recall = len(self.recalled)
        self._recall += by
        self._recall = max(self._recall, 0)
        if self._recall >= len(self.recalled):
            self._recall = None
            self.value = self._draft
            return
        self.value = self.recalled[self._recall]
