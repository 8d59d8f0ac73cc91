"""The Textual app of ``liaison chat`` and its factory, shared by the CLI and the tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from assistant.config import Settings
from assistant.errors import LiaisonError, NotFound
from assistant.language.termbase import Lookup
from assistant.language.termsearch import TermContext, TermService, clip
from assistant.service import Assistant
from assistant.tui.commands import TermCommands
from assistant.tui.messages import TermChoices, TermFailed, TermFound, TermRequested
from assistant.tui.screens import ChatScreen
from assistant.tui.screens.brief import BriefScreen
from assistant.tui.screens.onboarding import OnboardingScreen
from assistant.tui.screens.term import TermPrompt, TermScreen

DARK = "textual-dark"
LIGHT = "textual-light"

Command = tuple[str, str, Callable[[], object], bool]


class LiaisonApp(App[None]):
    """The terminal UI. The assistant is built by :func:`make_app`, not here."""

    CSS_PATH = "app.tcss"
    TITLE = "liaison"
    COMMANDS: ClassVar = App.COMMANDS | {TermCommands}
    BINDINGS = [  # noqa: RUF012 (Textual's own declaration style)
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="Quit (everything is saved)"),
        Binding("ctrl+t", "term_input", "Term", show=False),
    ]

    def __init__(self, assistant: Assistant, audience: str | None = None) -> None:
        super().__init__()
        self.assistant = assistant
        self.audience = audience
        self.terms = TermService(assistant)

    def get_default_screen(self) -> Screen[None]:
        return ChatScreen(self.assistant, self.audience)

    # -- theme, saved with the preferences ---------------------------------------------------
    def on_mount(self) -> None:
        try:
            saved = self.assistant.conversations.preference("theme")
        except LiaisonError as exc:
            saved = None
            self.notify(exc.one_line(), title=exc.title, severity="warning", markup=False)
        if saved and saved in self.available_themes:
            self.theme = saved
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        self.save_theme(theme.name)

    @work(thread=True, exit_on_error=False, group="preferences")
    def save_theme(self, name: str) -> None:
        try:
            self.assistant.conversations.set_preference("theme", name)
        except LiaisonError as exc:
            self.call_from_thread(
                self.notify, exc.one_line(), title=exc.title, severity="warning", markup=False
            )

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.current_theme.dark else DARK

    # -- the command palette -----------------------------------------------------------------
    def commands(self) -> list[Command]:
        """The palette's own commands (name, what it does, action, chat only), in the order
        the palette and the help list them."""
        chat = self._chat_action
        return [
            ("New conversation", "Start afresh (ctrl+n); the current one stays saved",
             chat("new"), True),
            ("Open a saved conversation…", "Reopen one, searched by text or partner (ctrl+o)",
             chat("open_saved"), True),
            ("Change audience…", "Who the next answers are for, filtered as you type (F2)",
             chat("choose_audience"), True),
            ("Set clearance…", "Work at a lower clearance than configured (down only)",
             chat("set_clearance"), True),
            ("Re-index the corpus", "Sync the corpus into the store, with progress and the "
             "rejected files", chat("reindex"), True),
            ("Export the conversation…", "Markdown with citations and a computed banner, for "
             "the current audience (ctrl+s)", chat("export"), True),
            ("Meeting brief…", "Build a brief for a meeting with a partner: preview, banner, "
             "withheld, save", self.action_brief, False),
            ("Onboarding…", "The onboarding curriculum: the lesson where you stopped, then its "
             "quiz", self.action_onboarding, False),
            ("Look up term…", "A term of the termbase in any language; TERM -> LANG puts a "
             "language first (ctrl+t)", self.action_term_input, False),
            ("Toggle dark/light theme", "Switch between the dark and the light theme (saved)",
             self.action_toggle_theme, False),
            ("Help: keys and commands", "Every key and command (F1)", chat("help"), True),
        ]  # fmt: skip

    def command_rows(self) -> list[tuple[str, str]]:
        return [(name, what) for name, what, _, _ in self.commands()]

    def _chat_action(self, name: str) -> Callable[[], None]:
        def run() -> None:
            if isinstance(self.screen, ChatScreen):
                getattr(self.screen, f"action_{name}")()

        return run

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        on_chat = isinstance(screen, ChatScreen)
        for name, what, action, chat_only in self.commands():
            if on_chat or not chat_only:
                yield SystemCommand(name, what, action)

    def action_brief(self) -> None:
        if not isinstance(self.screen, BriefScreen):
            chat = next((s for s in self.screen_stack if isinstance(s, ChatScreen)), None)
            partner = chat.audience if chat is not None else self.audience
            self.push_screen(BriefScreen(self.assistant, partner))

    def action_onboarding(self) -> None:
        if not isinstance(self.screen, OnboardingScreen):
            self.push_screen(OnboardingScreen(self.assistant))

    # -- term look-up ------------------------------------------------------------------
    def action_term_input(self) -> None:
        """Open the term input, offering the terms of the conversation."""
        if isinstance(self.screen, TermPrompt):
            return  # already open
        chat = next((s for s in self.screen_stack if isinstance(s, ChatScreen)), None)
        self.post_message(TermRequested(None, chat.term_context() if chat else ()))

    @on(TermRequested)
    def _term_requested(self, message: TermRequested) -> None:
        self.look_up_term(
            message.text, message.context, prompt_if_missing=message.prompt_if_missing
        )

    @work(thread=True, exit_on_error=False, group="term")
    def look_up_term(
        self, text: str | None, context: TermContext = (), *, prompt_if_missing: bool = False
    ) -> None:
        """Look ``text`` up, or (no text) gather the terms of ``context`` for the term input."""
        try:
            if not text:
                mentioned = self.terms.mentions(context)
                self.post_message(TermChoices("", mentioned, "Look up a term"))
                return
            try:
                found = self.terms.resolve(text)
            except NotFound:
                if not prompt_if_missing:
                    raise
                mentioned = self.terms.mentions(context)
                title = f"No term found for {clip(text)!r}: type a term or pick one"
                self.post_message(TermChoices(text, mentioned, title))
                return
            if isinstance(found, Lookup):
                self.post_message(TermFound(found))
            else:
                title = f"Terms in {clip(text)!r}: pick one"
                self.post_message(TermChoices("", found, title))
        except LiaisonError as exc:
            self.post_message(TermFailed(exc.one_line(), "Term"))

    @on(TermFound)
    def _term_found(self, message: TermFound) -> None:
        self.show_term(message.lookup)

    def show_term(self, lookup: Lookup) -> None:
        """Show a termbase entry: in the open term view, or in a new one."""
        if isinstance(self.screen, TermScreen):
            self.screen.show(lookup)
        else:
            self.push_screen(TermScreen(lookup))

    @on(TermChoices)
    def _term_choices(self, message: TermChoices) -> None:
        chat = next((s for s in self.screen_stack if isinstance(s, ChatScreen)), None)
        context = chat.term_context() if chat else ()

        def chosen(text: str | None) -> None:
            if text:
                self.post_message(TermRequested(text, context))

        prompt = TermPrompt(message.value, message.choices, message.title)
        self.push_screen(prompt, chosen)

    @on(TermFailed)
    def _term_failed(self, message: TermFailed) -> None:
        self.notify(message.message, title=message.title, severity="warning", markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A bug in a look-up is a notification, never a traceback."""
        if event.state is WorkerState.ERROR and event.worker.group == "term":
            text = f"unexpected error: {event.worker.error!r}"
            self.notify(text, title="Internal error", severity="error", markup=False)


def make_app(
    settings: Settings, audience: str | None = None, assistant: Assistant | None = None
) -> LiaisonApp:
    """The chat app over ``settings``' store. ``audience`` (a partner code or name) is resolved
    here, so an unknown partner is bad input before the screen opens. Reads only the manifest:
    the model and the store load in the app's worker."""
    assistant = assistant or Assistant(settings)
    code = assistant.registry.require(audience) if audience else None
    return LiaisonApp(assistant, code)
