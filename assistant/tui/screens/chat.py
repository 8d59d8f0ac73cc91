"""The chat screen: questions and cited answers, the sources of the latest answer, and the
audience the answers are for.

The model and the store load in a worker so the screen appears at once. Questions asked before
they are ready are queued and answered in order once they are: the officer can type the first
question while the model loads. Each question keeps the audience and the clearance it was asked
under, and each answered turn is saved (:mod:`assistant.conversation`) from a worker.

What the screen shows is gated like everything else: an answer prepared for another partner,
or one whose sources today's rules or the current clearance no longer admit, is collapsed to a
note. Follow-ups ("and for XMA?") are resolved by the core (:mod:`assistant.answer.followup`);
a follow-up that moves the audience moves it here too, with a divider in the conversation.

The tools around the conversation (sources, consent, saved conversations, export, re-index,
clearance, help) are in :class:`~assistant.tui.screens.chat_tools.ChatTools`.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Footer, Header
from textual.worker import Worker, WorkerState

from assistant.answer import followup
from assistant.answer.types import Answer, AnswerEvent, TokenEvent, final_answer
from assistant.conversation.session import make_turn
from assistant.conversation.store import Turn
from assistant.errors import LiaisonError
from assistant.language.termsearch import TermContext, word_at
from assistant.service import Assistant
from assistant.tui.messages import (
    AnswerReady,
    AnswerToken,
    AskFailed,
    AssistantReady,
    Failed,
    HistoryLoaded,
    LoadFailed,
    StoreEmpty,
    TermRequested,
)
from assistant.tui.screens.audience import PartnerPicker
from assistant.tui.screens.chat_keys import CHAT_BINDINGS
from assistant.tui.screens.chat_tools import ChatTools
from assistant.tui.widgets import (
    OWN_USE,
    AudienceButton,
    Conversation,
    Exchange,
    InfoBar,
    QuestionBox,
    SourcesPanel,
    StatusLine,
    audience_label,
    short_label,
)
from assistant.tui.widgets.conversation import OTHER_AUDIENCE
from assistant.tui.widgets.status import EMPTY_STORE

PLACEHOLDER_READY = "Ask a question and press Enter (shift+Enter or ctrl+j: new line)"
PLACEHOLDER_LOADING = "Ask a question: it is answered once the model is loaded"
NOT_RELEASABLE = (
    "Hidden: its sources are above your clearance now, or no longer releasable to this "
    "audience under today's rules. ctrl+r re-asks it."
)


@dataclass(frozen=True)
class Question:
    exchange_id: str
    text: str
    """The question as asked (a follow-up completed from the conversation)."""
    audience: str | None
    typed: str
    clearance: str

    @property
    def asked_as(self) -> str | None:
        return self.text if self.text != self.typed else None


class ChatScreen(ChatTools):
    """Ask, read the cited answer, check its sources."""

    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (Textual's own declaration style)
        (0, "-narrow"),
        (100, "-normal"),
        (160, "-wide"),
    ]
    BINDINGS = CHAT_BINDINGS

    def __init__(self, assistant: Assistant, audience: str | None = None) -> None:
        super().__init__()
        self.assistant = assistant
        self.audience = audience
        self.is_ready = False
        self._unavailable = False  # empty store or failed load: no question can be answered
        self._queue: deque[Question] = deque()
        self._current: Question | None = None
        self._ids = itertools.count(1)
        self.turns: dict[str, Turn] = {}
        """The answered turns on screen, by exchange id (what an export writes)."""
        # The turns so far, for follow-ups; its audience follows the selector.
        self.conversation = followup.Conversation(audience=audience)
        self.init_tools()

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        registry = self.assistant.registry
        yield Header(icon="≡")
        with Horizontal(id="topbar"):
            yield AudienceButton(short_label(self.audience, registry), id="audience")
            yield InfoBar(id="info")
            yield StatusLine(id="status")
        with Horizontal(id="main"):
            yield Conversation(id="conversation")
            yield SourcesPanel(id="sources")
        yield QuestionBox(placeholder=PLACEHOLDER_LOADING, id="question")
        yield Footer()

    def on_mount(self) -> None:
        self._show_audience()
        self.query_one(InfoBar).show(
            store=str(self.assistant.location),
            clearance=self.assistant.settings.clearance.value,
            audit_off=self.assistant.audit is None,
        )
        self.query_one(StatusLine).show_loading()
        self.action_focus_question()
        self.load_assistant()
        self.load_history()

    @property
    def box(self) -> QuestionBox:
        return self.query_one("#question", QuestionBox)

    def action_focus_question(self) -> None:
        """Escape, and every choice made elsewhere, come back here: where one types next."""
        if self.has_class("-sources-toggled") and self.has_class("-narrow"):
            self.remove_class("-sources-toggled")
        if not self._unavailable:
            self.box.focus()

    # -- workers: compute and post, never touch widgets -----------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load_assistant(self) -> None:
        """Open the store, load the model and the lexical index."""
        try:
            manifest = self.assistant.manifest
            if not manifest.documents:
                self.post_message(StoreEmpty(str(self.assistant.location)))
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

    @work(thread=True, exit_on_error=False, group="history")
    def load_history(self) -> None:
        try:
            self.post_message(HistoryLoaded(self.assistant.conversations.history()))
        except LiaisonError as exc:
            self.post_message(Failed(exc.one_line(), exc.title, "warning"))

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

    @work(thread=True, exit_on_error=False, group="save")
    def save_turn(self, turn: Turn) -> None:
        """Keep the turn in the saved conversation (the session serialises the writes)."""
        try:
            self.session.record(turn)
        except LiaisonError as exc:
            self.post_message(Failed(f"not saved: {exc.one_line()}", exc.title, "warning"))

    @work(thread=True, exit_on_error=False, group="save")
    def save_question(self, text: str) -> None:
        try:
            self.assistant.conversations.remember(text)
        except LiaisonError as exc:
            self.post_message(Failed(f"not saved: {exc.one_line()}", exc.title, "warning"))

    # -- loading ----------------------------------------------------------------------
    @on(AssistantReady)
    def _ready(self, message: AssistantReady) -> None:
        self.is_ready = True
        self._unavailable = False
        self.box.disabled = False
        self.query_one(StatusLine).show_ready()
        self.query_one(InfoBar).show(
            counts=f"{_plural(message.documents, 'document')}, {_plural(message.chunks, 'chunk')}",
            clearance=message.clearance,
        )
        self.box.placeholder = PLACEHOLDER_READY
        self._next()

    @on(StoreEmpty)
    def _empty(self, message: StoreEmpty) -> None:
        self.query_one(StatusLine).show_empty()
        self.query_one(InfoBar).show(counts="no documents")
        self.query_one(Conversation).show_empty_store(
            f"{EMPTY_STORE}\n\n(store: {message.location}; or ctrl+p, Re-index the corpus)"
        )
        self._make_unavailable("the store is empty: run liaison ingest, or re-index (ctrl+p)")

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
        self.box.placeholder = reason
        self.box.disabled = True

    @on(HistoryLoaded)
    def _history(self, message: HistoryLoaded) -> None:
        self.box.set_history(message.questions)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        if message.severity == "warning":
            self.notify(message.message, title=message.title, severity="warning", markup=False)
        else:
            self.notify(message.message, title=message.title, severity="error", markup=False)

    # -- asking -----------------------------------------------------------------------
    @on(QuestionBox.Submitted, "#question")
    def _submitted(self, event: QuestionBox.Submitted) -> None:
        text = event.text.strip()
        if not text or self._unavailable:
            return
        event.box.clear()
        event.box.remember(text)
        self.save_question(text)
        registry = self.assistant.registry
        self.conversation.audience = self.audience
        resolved = followup.resolve(text, self.conversation, registry)
        self.conversation.add(resolved)
        if resolved.audience != self.audience:
            self._follow_audience(resolved.audience)
        self.ask(text, resolved.question, resolved.audience)

    def ask(self, typed: str, question: str, audience: str | None) -> None:
        """Put a question in the conversation and the queue (answered in order)."""
        exchange_id = f"exchange-{next(self._ids)}"
        label = audience_label(audience, self.assistant.registry)
        asked_as = question if question != typed else None
        exchange = Exchange(typed, audience, label, id=exchange_id, asked_as=asked_as)
        self.query_one(Conversation).add(exchange)
        clearance = self.assistant.settings.clearance.value
        self._queue.append(Question(exchange_id, question, audience, typed, clearance))
        self._next()

    def _follow_audience(self, audience: str | None) -> None:
        """A follow-up moved the audience ("and for XMA?"): move it here too, and say so,
        since the answers are now prepared for another partner."""
        self.set_audience(audience)
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
        self.query_one(StatusLine).show_answering()
        self.answer_question(self._current)

    def _done(self) -> None:
        self._current = None
        if self.is_ready:
            self.query_one(StatusLine).show_ready()
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
        question = self._current
        if exchange is not None and question is not None:  # None: cleared meanwhile
            exchange.show_answer(message.answer)
            turn = make_turn(
                question.typed,
                question.asked_as,
                question.audience,
                question.clearance,
                message.answer,
            )
            self.turns[exchange.id or ""] = turn
            self.save_turn(turn)
            self.show_for_audience()
            # The officer reads the answer from its first line, however long it is.
            conversation.call_after_refresh(
                conversation.scroll_to_widget, exchange, animate=False, top=True
            )
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
        elif event.worker.group == "ask" and self._current is not None:
            exchange = self.query_one(Conversation).exchange(self._current.exchange_id)
            if exchange is not None:
                exchange.show_error(text)
            self._done()
        elif event.worker.group == "reindex":
            self.reindex_failed(text)

    # -- audience ---------------------------------------------------------------------
    def action_choose_audience(self) -> None:
        """F2: the picker, filtered as you type. After a choice or Escape, the focus is back
        in the question box, so the next key types the next question."""

        def chosen(value: str | None) -> None:
            if value is not None:
                self.set_audience(None if value == OWN_USE else value)
            self.call_after_refresh(self.action_focus_question)

        self.app.push_screen(PartnerPicker(self.assistant.registry, self.audience), chosen)

    @on(AudienceButton.Pressed)
    def _audience_pressed(self) -> None:
        self.action_choose_audience()

    def set_audience(self, audience: str | None) -> None:
        """Answers from now on are for ``audience``. Nothing is re-run: the next question uses
        it, the conversation marks the change, and what the new audience may not see folds."""
        if audience == self.audience:
            return
        self.audience = audience
        self.conversation.audience = audience
        self._show_audience()
        self.query_one(Conversation).add_divider(audience_label(audience, self.assistant.registry))
        self.show_for_audience()

    def _show_audience(self) -> None:
        registry = self.assistant.registry
        self.sub_title = audience_label(self.audience, registry)
        self.query_one(AudienceButton).show(short_label(self.audience, registry))

    def show_for_audience(self) -> None:
        """Fold every answer the audience (and the clearance) now selected may not see, and
        show the sources of the latest one it may."""
        gate = self.assistant.audience(self.audience)
        panel = self.query_one(SourcesPanel)
        latest: Answer | None = None
        for exchange in self.query_one(Conversation).exchanges():
            hidden: str | None = None
            if self.audience is not None and exchange.audience != self.audience:
                hidden = OTHER_AUDIENCE
            elif exchange.answer is not None and not all(
                gate.admits(h.handling) for h in exchange.answer.citations
            ):
                hidden = NOT_RELEASABLE
            exchange.show_for(hidden)
            if hidden is None and exchange.answer is not None:
                latest = exchange.answer
        # The panel never keeps sources chosen for another audience.
        panel.show(latest)

    # -- new conversation -------------------------------------------------------------------
    def action_new(self) -> None:
        """A new conversation: the screen, the queue, the follow-up context and the sources
        are cleared; the saved conversation stays saved."""
        self.session.new()
        self.clear_conversation()
        self.action_focus_question()

    def clear_conversation(self) -> None:
        self._queue.clear()
        self.conversation.clear()  # a fresh start: no follow-up refers to cleared turns
        self.turns.clear()
        self.query_one(Conversation).clear()
        self.query_one(SourcesPanel).clear()
        self.sub_title = audience_label(self.audience, self.assistant.registry)

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
        if isinstance(focused, QuestionBox):
            word = focused.selected_text.strip() or word_at(focused.text, focused.cursor_index)
        self.post_message(TermRequested(word, self.term_context(), prompt_if_missing=True))

    def term_context(self) -> TermContext:
        """The latest exchange shown for the current audience, to find terms in: the question
        (in any language) and its answer (English terms may be inflected; others must be
        exact). Answers hidden for this audience are never read."""
        for exchange in reversed(self.query_one(Conversation).exchanges()):
            if not exchange.shown or exchange.answer is None:
                continue
            return ((exchange.question, None), (exchange.answer.text, ["en"]))
        return ()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
