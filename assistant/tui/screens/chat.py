"""The chat screen: questions and cited answers, the sources of the latest answer, and the
audience the answers are for.

The model and the store load in a worker so the screen appears at once. Questions asked before
they are ready are queued and answered in order once they are: the officer can type the first
question while the model loads. Each question keeps the audience selected when it was asked.

Follow-ups ("and for XMA?") are resolved by the core (:mod:`assistant.followup`) against the
conversation when they are submitted; the exchange shows the question as it was asked, and a
follow-up that moves the audience moves the selector with it. A language model's draft streams
in dimmed and is replaced by the checked answer; the streaming itself is the core's.

ctrl+t looks a term up: the text selected on the screen, else the selection or the word at the
cursor in the question box, else it opens the term input with the terms of the latest answer.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Select
from textual.worker import Worker, WorkerState

from assistant.answer import followup
from assistant.answer.types import AnswerEvent, TokenEvent, final_answer
from assistant.errors import LiaisonError
from assistant.language.termsearch import TermContext, word_at
from assistant.service import Assistant
from assistant.tui.messages import (
    AnswerReady,
    AnswerToken,
    AskFailed,
    AssistantReady,
    LoadFailed,
    StoreEmpty,
    TermRequested,
)
from assistant.tui.widgets import (
    OWN_USE,
    AudienceSelect,
    Conversation,
    Exchange,
    SourcesPanel,
    StatusLine,
    audience_label,
)
from assistant.tui.widgets.status import EMPTY_STORE

PLACEHOLDER_READY = "Ask a question and press Enter"
PLACEHOLDER_LOADING = "Ask a question: it is answered once the model is loaded"


@dataclass(frozen=True)
class Question:
    exchange_id: str
    text: str
    audience: str | None


class ChatScreen(Screen[None]):
    """Ask, read the cited answer, check its sources."""

    BINDINGS = [  # noqa: RUF012 (Textual's own declaration style)
        Binding("ctrl+l", "clear", "Clear"),
        Binding("f2", "focus_audience", "Audience"),
        Binding("ctrl+t", "look_up_term", "Term"),
    ]

    def __init__(self, assistant: Assistant, audience: str | None = None) -> None:
        super().__init__()
        self.assistant = assistant
        self.audience = audience
        self.is_ready = False
        self._unavailable = False  # empty store or failed load: no question can be answered
        self._queue: deque[Question] = deque()
        self._current: Question | None = None
        self._ids = itertools.count(1)
        # The turns so far, for follow-ups; its audience follows the selector.
        self.conversation = followup.Conversation(audience=audience)

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with Horizontal(id="topbar"):
            yield Label("Audience", id="audience-label")
            yield AudienceSelect(self.assistant.registry, self.audience, id="audience")
            yield StatusLine(id="status")
        with Horizontal(id="main"):
            yield Conversation(id="conversation")
            yield SourcesPanel(id="sources")
        yield Input(placeholder=PLACEHOLDER_LOADING, id="question")
        yield Footer()

    def on_mount(self) -> None:
        self._show_audience()
        self.query_one(StatusLine).show_loading()
        self.query_one("#question", Input).focus()
        self.load_assistant()

    # -- workers: compute and post, never touch widgets -----------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load_assistant(self) -> None:
        """Open the store, load the model and the lexical index."""
        try:
            manifest = self.assistant.manifest
            if not manifest.documents:
                self.post_message(StoreEmpty(self.assistant.location))
                return
            self.assistant.warm()
        except LiaisonError as exc:
            self.post_message(LoadFailed(exc.one_line(), exc.title))
            return
        self.post_message(
            AssistantReady(
                len(manifest.documents),
                manifest.chunk_count,
                self.assistant.settings.clearance.value,
            )
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="ask")
    def answer_question(self, question: Question) -> None:
        """Answer one question for the audience it was asked for: relay the draft's tokens as
        they arrive, then the final answer."""
        exchange_id = question.exchange_id

        def relay(events: Iterator[AnswerEvent]) -> Iterator[AnswerEvent]:
            for event in events:
                if isinstance(event, TokenEvent):
                    self.post_message(AnswerToken(exchange_id, event.text))
                yield event

        try:
            events = self.assistant.ask_stream(
                question.text, audience=question.audience, command="chat"
            )
            answer = final_answer(relay(events))
        except LiaisonError as exc:
            self.post_message(AskFailed(question.exchange_id, exc.one_line(), exc.title))
            return
        self.post_message(AnswerReady(question.exchange_id, answer))

    # -- loading ----------------------------------------------------------------------
    @on(AssistantReady)
    def _ready(self, message: AssistantReady) -> None:
        self.is_ready = True
        self.query_one(StatusLine).show_ready(message.documents, message.clearance)
        self.query_one("#question", Input).placeholder = PLACEHOLDER_READY
        self._next()

    @on(StoreEmpty)
    def _empty(self, message: StoreEmpty) -> None:
        self.query_one(StatusLine).show_empty()
        self.query_one(Conversation).show_empty_store(
            f"{EMPTY_STORE}\n\n(store: {message.location})"
        )
        self._make_unavailable("the store is empty")

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self.notify(message.message, title=message.title, severity="error", markup=False)
        self.query_one(StatusLine).show_failed(message.message)
        self._make_unavailable(message.message)

    def _make_unavailable(self, reason: str) -> None:
        """Nothing can be answered: say so on every queued question and lock the input."""
        self._unavailable = True
        conversation = self.query_one(Conversation)
        while self._queue:
            exchange = conversation.exchange(self._queue.popleft().exchange_id)
            if exchange is not None:
                exchange.show_error(reason)
        question = self.query_one("#question", Input)
        question.placeholder = reason
        question.disabled = True

    # -- asking -----------------------------------------------------------------------
    @on(Input.Submitted, "#question")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text or self._unavailable:
            return
        event.input.clear()
        registry = self.assistant.registry
        self.conversation.audience = self.audience
        resolved = followup.resolve(text, self.conversation, registry)
        self.conversation.add(resolved)
        if resolved.audience != self.audience:
            self._follow_audience(resolved.audience)
        exchange_id = f"exchange-{next(self._ids)}"
        label = audience_label(resolved.audience, registry)
        asked_as = resolved.question if resolved.is_followup else None
        exchange = Exchange(text, resolved.audience, label, id=exchange_id, asked_as=asked_as)
        self.query_one(Conversation).add(exchange)
        self._queue.append(Question(exchange_id, resolved.question, resolved.audience))
        self._next()

    def _follow_audience(self, audience: str | None) -> None:
        """A follow-up moved the audience ("and for XMA?"): move the selector with it, and
        say so, since the answers are now prepared for another partner."""
        self._set_audience(audience)
        select = self.query_one(AudienceSelect)
        with select.prevent(Select.Changed):
            select.value = audience or OWN_USE
        label = audience_label(audience, self.assistant.registry)
        self.notify(f"Audience changed by the follow-up: {label}", title="Audience", markup=False)

    def _next(self) -> None:
        """Start the next queued question when ready and nothing else is being answered."""
        if not self.is_ready or self._current is not None or not self._queue:
            return
        self._current = self._queue.popleft()
        exchange = self.query_one(Conversation).exchange(self._current.exchange_id)
        if exchange is not None:
            exchange.answering()
        self.answer_question(self._current)

    def _done(self) -> None:
        self._current = None
        self._next()

    @on(AnswerToken)
    def _token(self, message: AnswerToken) -> None:
        exchange = self.query_one(Conversation).exchange(message.exchange_id)
        if exchange is not None:  # None: the conversation was cleared meanwhile
            exchange.add_token(message.text)

    @on(AnswerReady)
    def _answered(self, message: AnswerReady) -> None:
        conversation = self.query_one(Conversation)
        exchange = conversation.exchange(message.exchange_id)
        if exchange is not None:  # None: the conversation was cleared meanwhile
            exchange.show_answer(message.answer)
            exchange.show_for(self.audience)
            if message.answer.audience == self.audience:
                self.query_one(SourcesPanel).show(message.answer)
            conversation.call_after_refresh(conversation.scroll_end, animate=False)
        self._done()

    @on(AskFailed)
    def _ask_failed(self, message: AskFailed) -> None:
        self.notify(message.message, title=message.title, severity="error", markup=False)
        exchange = self.query_one(Conversation).exchange(message.exchange_id)
        if exchange is not None:
            exchange.show_error(message.message)
        self._done()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A bug in the core (not a LiaisonError) must not leave the screen stuck."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        text = f"unexpected error: {error!r}"
        self.notify(text, title="Internal error", severity="error", markup=False)
        if event.worker.group == "load":
            self.query_one(StatusLine).show_failed(text)
            self._make_unavailable(text)
        elif self._current is not None:
            exchange = self.query_one(Conversation).exchange(self._current.exchange_id)
            if exchange is not None:
                exchange.show_error(text)
            self._done()

    # -- audience ---------------------------------------------------------------------
    @on(Select.Changed, "#audience")
    def _audience_changed(self, event: Select.Changed) -> None:
        audience = self.query_one(AudienceSelect).audience
        if audience == self.audience:
            return
        self._set_audience(audience)
        if not self._unavailable:
            self.query_one("#question", Input).focus()

    def _set_audience(self, audience: str | None) -> None:
        """Answers from now on are for ``audience``; the conversation's turns are kept, so a
        follow-up still refers to them."""
        self.audience = audience
        self.conversation.audience = audience
        self._show_audience()
        # The panel showed sources chosen for the previous audience: never leave them up.
        self.query_one(SourcesPanel).clear()
        for exchange in self.query_one(Conversation).exchanges():
            exchange.show_for(audience)
            if exchange.answer is not None and exchange.answer.audience == audience:
                self.query_one(SourcesPanel).show(exchange.answer)

    def _show_audience(self) -> None:
        self.sub_title = audience_label(self.audience, self.assistant.registry)

    # -- actions ----------------------------------------------------------------------
    def action_clear(self) -> None:
        """Clear the conversation, the queue and the sources panel."""
        self._queue.clear()
        self.conversation.clear()  # a fresh start: no follow-up refers to cleared turns
        self.query_one(Conversation).clear()
        self.query_one(SourcesPanel).clear()
        if not self._unavailable:
            self.query_one("#question", Input).focus()

    def action_focus_audience(self) -> None:
        self.query_one(AudienceSelect).focus()

    # -- terms ------------------------------------------------------------------------
    def action_look_up_term(self) -> None:
        """Look up the selected text; else the word at the question box's cursor (the input
        opens pre-filled when it is no term); else open the term input."""
        selected = self.get_selected_text()
        if selected and selected.strip():
            self.post_message(TermRequested(" ".join(selected.split()), self.term_context()))
            return
        focused = self.focused
        word = None
        if isinstance(focused, Input):
            word = focused.selected_text.strip() or word_at(focused.value, focused.cursor_position)
        self.post_message(TermRequested(word, self.term_context(), prompt_if_missing=True))

    def term_context(self) -> TermContext:
        """The latest exchange shown for the current audience, to find terms in: the question
        (in any language) and its answer (English terms may be inflected; others must be
        exact). Answers hidden for this audience are never read."""
        for exchange in reversed(self.query_one(Conversation).exchanges()):
            if exchange.has_class("-other-audience") or exchange.answer is None:
                continue
            return ((exchange.question, None), (exchange.answer.text, ["en"]))
        return ()
