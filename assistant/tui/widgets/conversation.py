"""The conversation: one :class:`Exchange` per question, with its answer rendered as Markdown,
and a :class:`Divider` wherever the audience changed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.events import Click
from textual.widgets import Markdown, Static

from assistant.answer.compound import PART_MARK
from assistant.answer.layout import is_particulars_line
from assistant.answer.types import Answer, Ruling
from assistant.tui.widgets.markdown import LocalMarkdown

WELCOME = (
    "Ask a question about the corpus and press Enter. Answers quote it with numbered "
    "citations [n]; the sources panel shows each source's handling and review date, and Enter "
    "on one opens it. F2 chooses the audience: answers then hold only what that partner may "
    "receive. F1 lists every key; ctrl+p opens the commands (saved conversations, export, "
    "re-index, clearance, theme)."
)

OTHER_AUDIENCE = "Hidden: asked for another audience. Select that audience again to see it."

_DECISION = {"ALLOW": "ALLOW", "NEEDS_CONSENT": "NEEDS CONSENT", "DENY": "DENY"}


def rulings_table(rulings: list[Ruling]) -> str:
    """The release decisions an answer states, as a Markdown table."""
    if not rulings:
        return ""
    rows = ["| Document | To | Decision | Rule |", "|---|---|---|---|"]
    for r in rulings:
        rows.append(f"| {r.doc_id} | {r.to} | {_DECISION.get(r.decision, r.decision)} | {r.rule} |")
    return "\n".join(rows)


class Exchange(Vertical):
    """One question and its answer. ``audience`` is the partner code it was asked for;
    ``asked_as`` the resolved question when a follow-up was completed from the conversation;
    ``given`` (a reopened turn) when it was answered.

    While a language model streams, its draft shows dimmed under the question, as Markdown;
    the final, checked answer replaces it. Its state lives in attributes and is applied to the
    children whenever they exist, so it can change before the widget has finished mounting."""

    def __init__(
        self,
        question: str,
        audience: str | None,
        label: str,
        *,
        id: str,
        asked_as: str | None = None,
        given: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="-pending")
        self.question = question
        self.audience = audience
        self.asked_as = asked_as
        self.given = given
        self._label = label
        self._state = "queued: answered once the model is loaded"
        self._hidden = OTHER_AUDIENCE
        self.draft = ""
        self.answer: Answer | None = None
        if given:
            self.add_class("-reopened")

    def compose(self) -> ComposeResult:
        yield Static(f"› {self.question}", classes="question", markup=False)
        if self.asked_as:
            yield Static(f"Asked as: {self.asked_as}", classes="asked-as", markup=False)
        yield Static(self._label, classes="audience", markup=False)
        if self.given:
            yield Static(
                f"Given on {self.given}, as it was then · ctrl+r re-asks under today's rules",
                classes="given",
                markup=False,
            )
        yield Static(self._state, classes="state", markup=False)
        yield LocalMarkdown(self.draft, classes="draft")
        yield Static(self._notice(), classes="notice", markup=False)
        yield LocalMarkdown(self._markdown(), classes="answer")
        yield LocalMarkdown(self._rulings(), classes="rulings")
        yield Static(self._as_of(), classes="as-of", markup=False)
        yield Static(self._hidden, classes="withheld-note", markup=False)

    def _markdown(self) -> str:
        return emphasised(self.answer.text) if self.answer is not None else ""

    def _notice(self) -> str:
        return (self.answer.notice or "") if self.answer is not None else ""

    def _rulings(self) -> str:
        return rulings_table(self.answer.rulings) if self.answer is not None else ""

    def _as_of(self) -> str:
        if self.answer is None or self.answer.as_of is None:
            return ""
        if self.answer.abstained:
            return "No answer: the closest sources are in the sources panel."
        return f"as of {self.answer.as_of} (the oldest review date cited)"

    def _set_state(self, text: str) -> None:
        self._state = text
        for state in self.query(".state").results(Static):
            state.update(text)

    def _set_draft(self, text: str, *, appended: str | None = None) -> None:
        """Show ``text`` as the draft, as Markdown; ``appended`` is what it adds to the draft
        on screen (streamed into the widget instead of parsing the whole draft again)."""
        self.draft = text
        self.set_class(bool(text), "-drafting")
        for draft in self.query(".draft").results(Markdown):
            if appended is not None and draft.source + appended == text:
                draft.append(appended)
            else:
                draft.update(text)

    def answering(self) -> None:
        self._set_state("answering…")

    def add_token(self, text: str) -> None:
        """Append a piece of the model's draft (rendered as Markdown, dimmed, until the checked
        answer replaces it)."""
        if self.answer is not None or self.has_class("-failed"):
            return  # a late token never reopens a settled exchange
        if not self.draft:
            self._set_state("drafting… (provisional: checked before it is shown as the answer)")
        self._set_draft(self.draft + text, appended=text)

    def show_answer(self, answer: Answer) -> None:
        self.answer = answer
        self._set_draft("")  # the checked answer replaces the draft: nothing unchecked stays
        for notice in self.query(".notice").results(Static):
            notice.update(self._notice())
        self.set_class(bool(answer.notice), "-notice")
        for markdown in self.query(".answer").results(Markdown):
            markdown.update(self._markdown())
        for table in self.query(".rulings").results(Markdown):
            table.update(self._rulings())
        self.set_class(bool(answer.rulings), "-rulings")
        for as_of in self.query(".as-of").results(Static):
            as_of.update(self._as_of())
        self.remove_class("-pending")
        self.set_class(answer.abstained, "-abstained")

    def show_error(self, message: str) -> None:
        self._set_draft("")
        self._set_state(f"not answered: {message}")
        self.remove_class("-pending")
        self.add_class("-failed")

    def show_for(self, hidden: str | None) -> None:
        """Fail closed on screen too: ``hidden`` says why the answer may not be shown to the
        audience now selected (asked for another partner, or its sources no longer go); None
        shows it."""
        if hidden is not None:
            self._hidden = hidden
            for note in self.query(".withheld-note").results(Static):
                note.update(hidden)
        self.set_class(hidden is not None, "-other-audience")

    @property
    def shown(self) -> bool:
        return not self.has_class("-other-audience")

    def on_click(self, event: Click) -> None:
        """A click selects the exchange (ctrl+r re-asks the selected one)."""
        conversation = self.parent
        if isinstance(conversation, Conversation):
            conversation.select(self)


class Divider(Static):
    """``── now for audience XBO · Borealian Security Service ──``"""

    def __init__(self, label: str) -> None:
        super().__init__(f"── now {label} ──", markup=False, classes="divider")


class Conversation(VerticalScroll):
    """The questions and answers, newest at the bottom."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.selected: Exchange | None = None

    def compose(self) -> ComposeResult:
        yield Static(WELCOME, id="welcome", markup=False)

    def add(self, exchange: Exchange) -> None:
        self.query_one("#welcome").display = False
        self.mount(exchange)
        self.call_after_refresh(self.scroll_end, animate=False)

    def add_divider(self, label: str) -> None:
        """Mark where the audience changed (only between exchanges: not at the very top,
        and not twice in a row)."""
        children = list(self.children)
        if not self.exchanges():
            return
        if children and isinstance(children[-1], Divider):
            children[-1].remove()
        self.mount(Divider(label))
        self.call_after_refresh(self.scroll_end, animate=False)

    def select(self, exchange: Exchange) -> None:
        if self.selected is not None:
            self.selected.remove_class("-selected")
        self.selected = exchange
        exchange.add_class("-selected")

    def exchange(self, exchange_id: str) -> Exchange | None:
        found = self.query(f"#{exchange_id}").results(Exchange)
        return next(iter(found), None)

    def exchanges(self) -> list[Exchange]:
        return list(self.query(Exchange).results(Exchange))

    def clear(self) -> None:
        self.selected = None
        self.query(Exchange).remove()
        self.query(Divider).remove()
        self.query_one("#welcome").display = True

    def show_empty_store(self, message: str) -> None:
        welcome = self.query_one("#welcome", Static)
        welcome.update(message)
        welcome.add_class("-empty")
        welcome.display = True


def emphasised(text: str) -> str:
    """An answer as the chat shows it: the line naming each part of a compound question in
    bold, the line over a partner's particulars in italics (the CLI prints them plain)."""
    return "\n".join(_emphasised_line(line) for line in text.split("\n"))


def _emphasised_line(line: str) -> str:
    if line.startswith(f"{PART_MARK} "):
        return f"**{line}**"
    if is_particulars_line(line):
        return f"*{line}*"
    return line
