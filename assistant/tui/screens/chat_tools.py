"""The chat's tools around the conversation: reading a source, the consent route of withheld
material, saved conversations (reopen, re-ask), export, the clearance, re-index, help and the
narrow layout's sources toggle.

Every one that blocks runs in a worker and posts a message back; every modal hands the focus
back to the question box when it closes. :class:`ChatScreen` (``chat.py``) is the rest.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.screen import Screen

from assistant.answer import followup
from assistant.answer.support import supporting_spans
from assistant.conversation.session import Session, given_on
from assistant.conversation.store import Turn
from assistant.corpus.markings import Level
from assistant.errors import LiaisonError
from assistant.files import write_atomic
from assistant.policy.consent import ConsentRequest
from assistant.retrieval.types import Hit, Withheld
from assistant.service import Assistant
from assistant.tui.messages import (
    ConsentChecked,
    ConversationOpened,
    DocumentReady,
    Failed,
    ReindexDone,
    ReindexProgress,
    Saved,
)
from assistant.tui.screens.consent import ConsentScreen
from assistant.tui.screens.conversations import ConversationsScreen
from assistant.tui.screens.help import WIDGET_KEYS, HelpScreen, binding_rows, help_content
from assistant.tui.screens.prompts import ChoicePrompt, SavePrompt
from assistant.tui.screens.reindex import ReindexScreen, summary
from assistant.tui.screens.source import DocumentScreen, PassageScreen
from assistant.tui.widgets import Conversation, Exchange, InfoBar, SourcesPanel, StatusLine
from assistant.tui.widgets.audience import audience_label

if TYPE_CHECKING:
    from assistant.tui.widgets import QuestionBox


class ChatTools(Screen[None]):
    assistant: Assistant
    audience: str | None
    turns: dict[str, Turn]
    conversation: followup.Conversation

    if TYPE_CHECKING:  # provided by ChatScreen

        @property
        def box(self) -> QuestionBox: ...
        def ask(self, typed: str, question: str, audience: str | None) -> None: ...
        def set_audience(self, audience: str | None) -> None: ...
        def show_for_audience(self) -> None: ...
        def action_focus_question(self) -> None: ...
        def clear_conversation(self) -> None: ...
        def load_assistant(self) -> object: ...

    def init_tools(self) -> None:
        self.session = Session(self.assistant.conversations)
        self.reindexing = False
        self._reindex_view: ReindexScreen | None = None

    def _back(self, _: object = None) -> None:
        """After any modal: the focus goes where the officer types next."""
        self.call_after_refresh(self.action_focus_question)

    # -- help and layout ---------------------------------------------------------------------
    def action_help(self) -> None:
        keys = binding_rows([*type(self).BINDINGS, *type(self.app).BINDINGS])
        keys.append(("ctrl+p", "the command palette: every command below"))
        groups = [("Chat", keys), *WIDGET_KEYS]
        rows = getattr(self.app, "command_rows", None)
        commands: list[tuple[str, str]] = rows() if callable(rows) else []
        self.app.push_screen(HelpScreen(help_content(groups, commands)), self._back)

    def action_toggle_sources(self) -> None:
        """F3: on a narrow terminal the sources take the conversation's place; on a wide one
        the panel folds away to give the answers the width."""
        self.toggle_class("-sources-toggled")
        if self.has_class("-narrow") and self.has_class("-sources-toggled"):
            self.query_one("#citations").focus()
        else:
            self.action_focus_question()

    # -- reading a source --------------------------------------------------------------------
    @on(SourcesPanel.Opened)
    def _opened(self, message: SourcesPanel.Opened) -> None:
        answer = self.query_one(SourcesPanel).answer
        if answer is None:
            return
        hit = message.hit
        n = next((i for i, h in enumerate(answer.citations, 1) if h.chunk_id == hit.chunk_id), 1)
        spans = supporting_spans(hit.text, answer, n)
        if message.whole:
            self.open_document(hit, spans)
            return

        def chosen(what: str | None) -> None:
            if what == "document":
                self.open_document(hit, spans)
            else:
                self._back()

        self.app.push_screen(PassageScreen(n, hit, spans), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="document")
    def open_document(self, hit: Hit, spans: list[tuple[int, int]]) -> None:
        try:
            view = self.assistant.document(hit.doc_id, self.audience)
        except LiaisonError as exc:
            self.post_message(Failed(exc.one_line(), exc.title))
            return
        self.post_message(DocumentReady(view, hit.chunk_id, spans))

    @on(DocumentReady)
    def _document(self, message: DocumentReady) -> None:
        label = audience_label(self.audience, self.assistant.registry)
        screen = DocumentScreen(message.view, message.cited, message.spans, label)
        self.app.push_screen(screen, self._back)

    # -- consent -----------------------------------------------------------------------------
    @on(SourcesPanel.ConsentAsked)
    def _consent_asked(self, message: SourcesPanel.ConsentAsked) -> None:
        if self.audience is None:
            self.notify("Choose the audience first (F2).", severity="warning")
            return
        self.check_consent(message.item, self.audience)

    @work(thread=True, exclusive=True, exit_on_error=False, group="consent")
    def check_consent(self, item: Withheld, to: str) -> None:
        try:
            check, request = self.assistant.check(item.doc_id, to)
        except LiaisonError as exc:
            self.post_message(Failed(exc.one_line(), exc.title))
            return
        self.post_message(ConsentChecked(check, request))

    @on(ConsentChecked)
    def _consent_checked(self, message: ConsentChecked) -> None:
        request = message.request

        def chosen(what: str | None) -> None:
            if request is not None and what == "copy":
                self.app.copy_to_clipboard(request.text())
                self.notify(
                    "Consent request copied. If your terminal does not pass it on, "
                    "save it instead (s in the consent view).",
                    title="Consent",
                )
            elif request is not None and what == "save":
                self._save_request(request)
                return
            self._back()

        self.app.push_screen(ConsentScreen(message.check, request), chosen)

    def _save_request(self, request: ConsentRequest) -> None:
        name = f"consent-{request.doc_id}-{request.to}.txt"

        def chosen(path: str | None) -> None:
            if path:
                self.write_file(Path(path).expanduser(), request.text(), "Consent request")
            self._back()

        self.app.push_screen(SavePrompt(str(Path.cwd() / name), "Save the request as"), chosen)

    @work(thread=True, exit_on_error=False, group="write")
    def write_file(self, path: Path, text: str, what: str) -> None:
        try:
            write_atomic(path, text)
        except LiaisonError as exc:
            self.post_message(Failed(exc.one_line(), exc.title))
            return
        self.post_message(Saved(f"{what} saved to {path}", what))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self.notify(message.message, title=message.title, markup=False)

    # -- saved conversations -----------------------------------------------------------------
    def action_open_saved(self) -> None:
        def chosen(picked: tuple[int, str] | None) -> None:
            if picked is not None:
                self.reopen(*picked)
            self._back()

        screen = ConversationsScreen(self.assistant.conversations, self.assistant.registry)
        self.app.push_screen(screen, chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reopen")
    def reopen(self, conversation: int, title: str) -> None:
        try:
            turns = self.session.reopen(conversation, title)
        except LiaisonError as exc:
            self.post_message(Failed(exc.one_line(), exc.title))
            return
        self.post_message(ConversationOpened(conversation, title, turns))

    @on(ConversationOpened)
    def _reopened(self, message: ConversationOpened) -> None:
        """Show the turns as they were given, each with its date; the session now continues
        that conversation, and its turns are the follow-up context again."""
        self.clear_conversation()
        registry = self.assistant.registry
        conversation = self.query_one(Conversation)
        for i, turn in enumerate(message.turns, start=1):
            exchange_id = f"saved-{message.conversation}-{i}"
            label = audience_label(turn.audience, registry)
            given = f"{given_on(turn)} under clearance {turn.clearance}"
            exchange = Exchange(
                turn.question, turn.audience, label, id=exchange_id, asked_as=turn.asked_as,
                given=given,
            )  # fmt: skip
            exchange.show_answer(turn.answer)
            conversation.add(exchange)
            self.turns[exchange_id] = turn
            self.conversation.add(followup.resolve(turn.asked_as or turn.question,
                                                   self.conversation, registry))  # fmt: skip
        self.conversation.audience = self.audience
        self.sub_title = f"{audience_label(self.audience, registry)} · {message.title}"
        self.show_for_audience()
        hidden = sum(1 for e in conversation.exchanges() if not e.shown)
        note = f"; {hidden} hidden for this audience or clearance" if hidden else ""
        self.notify(
            f"Reopened {message.title!r}: {len(message.turns)} turns as given{note}. "
            "ctrl+r re-asks the selected (or last) one under today's rules.",
            title="Saved conversations",
            markup=False,
        )

    def action_reask(self) -> None:
        """Ask the selected exchange's question again (else the last reopened one, else the
        last one) under today's rules, corpus and clearance, for the audience it was asked
        for."""
        conversation = self.query_one(Conversation)
        exchanges = [e for e in conversation.exchanges() if e.id in self.turns]
        target = conversation.selected if conversation.selected in exchanges else None
        if target is None:
            reopened = [e for e in exchanges if e.has_class("-reopened")]
            candidates = reopened or exchanges
            target = candidates[-1] if candidates else None
        if target is None or target.id is None:
            self.notify("Nothing to re-ask yet.", severity="warning")
            return
        turn = self.turns[target.id]
        if turn.audience != self.audience:
            self.set_audience(turn.audience)
            label = audience_label(turn.audience, self.assistant.registry)
            self.notify(f"Re-asked for the audience it was asked for: {label}", title="Audience")
        self.ask(turn.question, turn.asked_as or turn.question, turn.audience)
        self.action_focus_question()

    # -- export ------------------------------------------------------------------------------
    def action_export(self) -> None:
        exchanges = self.query_one(Conversation).exchanges()
        turns = [self.turns[e.id] for e in exchanges if e.id in self.turns]
        if not turns:
            self.notify("Nothing to export yet: ask a question first.", severity="warning")
            return
        who = self.audience or "own-use"
        name = f"conversation-{dt.date.today().isoformat()}-{who}.md"
        label = audience_label(self.audience, self.assistant.registry)

        def chosen(path: str | None) -> None:
            if path:
                self.export(turns, Path(path).expanduser(), self.audience)
            self._back()

        prompt = SavePrompt(str(Path.cwd() / name), f"Export the conversation ({label}) as")
        self.app.push_screen(prompt, chosen)

    @work(thread=True, exit_on_error=False, group="write")
    def export(self, turns: list[Turn], path: Path, audience: str | None) -> None:
        try:
            made = self.assistant.export(turns, path, audience)
        except LiaisonError as exc:
            self.post_message(Failed(exc.one_line(), exc.title))
            return
        left = f", {made.left_out} left out" if made.left_out else ""
        n = len(made.turns)
        text = f"Exported {n} turn{'s' if n != 1 else ''} to {path} · {made.banner.banner()}{left}"
        self.post_message(Saved(text, "Export"))

    # -- clearance ---------------------------------------------------------------------------
    def action_set_clearance(self) -> None:
        top = self.assistant.configured_clearance
        levels = [level for level in Level if level.rank <= top.rank]
        choices = [(level.value, level.value) for level in reversed(levels)]
        current = self.assistant.settings.clearance.value
        note = f"Down only: the configuration allows up to {top.value}."
        self.app.push_screen(
            ChoicePrompt("Work at clearance", choices, current, note), self._clearance_chosen
        )

    def _clearance_chosen(self, value: str | None) -> None:
        if value is not None:
            try:
                self.assistant.lower_clearance(Level.parse(value))
            except LiaisonError as exc:
                self.notify(exc.one_line(), title=exc.title, severity="error", markup=False)
            else:
                self.query_one(InfoBar).show(clearance=value)
                self.show_for_audience()
                self.notify(f"Answers are now prepared at {value}.", title="Clearance")
        self._back()

    # -- re-index ----------------------------------------------------------------------------
    def action_reindex(self) -> None:
        corpus = str(self.assistant.settings.corpus_path())
        view = ReindexScreen(corpus)
        self._reindex_view = view
        self.app.push_screen(view, self._reindex_closed)
        if not self.reindexing:
            self.reindexing = True
            self.query_one(StatusLine).show_reindexing("re-indexing…")
            self.reindex()

    def _reindex_closed(self, _: object = None) -> None:
        self._reindex_view = None
        self._back()

    @work(thread=True, exclusive=True, exit_on_error=False, group="reindex")
    def reindex(self) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            self.post_message(ReindexProgress(stage, done, total))

        try:
            report = self.assistant.reindex(progress)
        except LiaisonError as exc:
            self.post_message(ReindexDone(None, exc.one_line()))
            return
        self.post_message(ReindexDone(report))

    @on(ReindexProgress)
    def _reindex_progress(self, message: ReindexProgress) -> None:
        if self._reindex_view is not None:
            self._reindex_view.progress(message.stage, message.done, message.total)
        if message.stage != "done":
            text = f"re-indexing {message.done + 1}/{message.total}"
            self.query_one(StatusLine).show_reindexing(text)

    @on(ReindexDone)
    def _reindex_done(self, message: ReindexDone) -> None:
        report = message.report
        if report is None:
            self.notify(message.error or "", title="Re-index", severity="error", markup=False)
            self.reindex_failed(message.error or "")
            return
        self.reindexing = False
        if self._reindex_view is not None:
            self._reindex_view.finish(report)
        rejected = len(report.rejected)
        extra = (
            " The rejected files are listed with path, line and reason; fix them and re-index."
            if rejected
            else ""
        )
        self.notify(
            summary(report) + "." + extra,
            title="Re-index",
            severity="warning" if rejected else "information",
        )
        # Read the store afresh: counts, the lexical index, the termbase.
        self.load_assistant()

    def reindex_failed(self, message: str) -> None:
        self.reindexing = False
        if self._reindex_view is not None:
            self._reindex_view.fail(message)
        self.query_one(StatusLine).show_ready()
