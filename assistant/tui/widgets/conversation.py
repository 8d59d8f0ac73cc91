"""The conversation: one :class:`Exchange` per question, with its answer rendered as Markdown."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Markdown, Static

from assistant.answer.types import Answer

WELCOME = (
    "Ask a question about the corpus. Answers quote it with numbered citations [n]; "
    "the sources panel shows each source's handling and review date. "
    "Choose an audience (F2) to see only what that partner may receive."
)


class Exchange(Vertical):
    """One question and its answer. ``audience`` is the partner code it was asked for;
    ``asked_as`` the resolved question when a follow-up was completed from the conversation.

    While a language model streams, its draft shows dimmed under the question; the final,
    checked answer replaces it. Its state lives in attributes and is applied to the children
    whenever they exist, so it can change before the widget has finished mounting."""

    def __init__(
        self,
        question: str,
        audience: str | None,
        label: str,
        *,
        id: str,
        asked_as: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="-pending")
        self.question = question
        self.audience = audience
        self.asked_as = asked_as
        self._label = label
        self._state = "queued: answered once the model is loaded"
        self.draft = ""
        self.answer: Answer | None = None

    def compose(self) -> ComposeResult:
        yield Static(f"› {self.question}", classes="question", markup=False)
        if self.asked_as:
            yield Static(f"Asked as: {self.asked_as}", classes="asked-as", markup=False)
        yield Static(self._label, classes="audience", markup=False)
        yield Static(self._state, classes="state", markup=False)
        yield Static(self.draft, classes="draft", markup=False)
        yield Static(self._notice(), classes="notice", markup=False)
        yield Markdown(self._markdown(), classes="answer")
        yield Static(
            "Hidden: asked for another audience. Select that audience again to see it.",
            classes="withheld-note",
            markup=False,
        )

    def _markdown(self) -> str:
        return self.answer.text if self.answer is not None else ""

    def _notice(self) -> str:
        return (self.answer.notice or "") if self.answer is not None else ""

    def _set_state(self, text: str) -> None:
        self._state = text
        for state in self.query(".state").results(Static):
            state.update(text)

    def _set_draft(self, text: str) -> None:
        self.draft = text
        self.set_class(bool(text), "-drafting")
        for draft in self.query(".draft").results(Static):
            draft.update(text)

    def answering(self) -> None:
        self._set_state("answering…")

    def add_token(self, text: str) -> None:
        """Append a piece of the model's draft (shown dimmed until the answer replaces it)."""
        if self.answer is not None or self.has_class("-failed"):
            return  # a late token never reopens a settled exchange
        if not self.draft:
            self._set_state("drafting… (provisional: checked before it is shown as the answer)")
        self._set_draft(self.draft + text)

    def show_answer(self, answer: Answer) -> None:
        self.answer = answer
        self._set_draft("")  # the checked answer replaces the draft: nothing unchecked stays
        for notice in self.query(".notice").results(Static):
            notice.update(self._notice())
        self.set_class(bool(answer.notice), "-notice")
        for markdown in self.query(".answer").results(Markdown):
            markdown.update(self._markdown())
        self.remove_class("-pending")
        self.set_class(answer.abstained, "-abstained")

    def show_error(self, message: str) -> None:
        self._set_draft("")
        self._set_state(f"not answered: {message}")
        self.remove_class("-pending")
        self.add_class("-failed")

    def show_for(self, audience: str | None) -> None:
        """Fail closed on screen too: with a partner audience selected, answers prepared for
        anyone else are collapsed. Own use sees everything (all of it is within clearance)."""
        self.set_class(audience is not None and audience != self.audience, "-other-audience")


class Conversation(VerticalScroll):
    """The questions and answers, newest at the bottom."""

    def compose(self) -> ComposeResult:
        yield Static(WELCOME, id="welcome", markup=False)

    def add(self, exchange: Exchange) -> None:
        self.query_one("#welcome").display = False
        self.mount(exchange)
        self.call_after_refresh(self.scroll_end, animate=False)

    def exchange(self, exchange_id: str) -> Exchange | None:
        found = self.query(f"#{exchange_id}").results(Exchange)
        return next(iter(found), None)

    def exchanges(self) -> list[Exchange]:
        return list(self.query(Exchange).results(Exchange))

    def clear(self) -> None:
        self.query(Exchange).remove()
        self.query_one("#welcome").display = True

    def show_empty_store(self, message: str) -> None:
        welcome = self.query_one("#welcome", Static)
        welcome.update(message)
        welcome.add_class("-empty")
        welcome.display = True
