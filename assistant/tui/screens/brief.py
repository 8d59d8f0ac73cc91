"""The brief builder: choose the partner (type to filter), the topics and the meeting date; the
preview shows the brief with its computed banner and its withheld list, built in a worker
from the same audience-safe path as ``liaison brief``; ctrl+s saves it as Markdown, ctrl+e as
HTML. Opened from the command palette; Escape goes back to the chat."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Markdown, Select, Static

from assistant.brief.model import Brief
from assistant.errors import BadInput, LiaisonError
from assistant.service import Assistant
from assistant.tui.messages import BriefBuilt, BriefFailed, BriefSaved
from assistant.tui.screens.prompts import SavePrompt
from assistant.tui.widgets.markdown import LocalMarkdown


class BriefScreen(Screen[None]):
    """Build, preview and save a meeting brief."""

    BINDINGS = [  # noqa: RUF012 (Textual's own declaration style)
        Binding("escape", "app.pop_screen", "Back"),
        Binding("ctrl+r", "build", "Build"),
        Binding("ctrl+s", "save('md')", "Save .md"),
        Binding("ctrl+e", "save('html')", "Save .html"),
    ]

    def __init__(self, assistant: Assistant, partner: str | None = None) -> None:
        super().__init__()
        self.assistant = assistant
        self.partner = partner
        self.brief: Brief | None = None

    def compose(self) -> ComposeResult:
        registry = self.assistant.registry
        options = [(f"{c} · {p.name}", c) for c, p in sorted(registry.partners.items())]
        today = self.assistant.settings.rules_date().isoformat()
        with Horizontal(id="brief-form"):
            with Vertical(classes="field"):
                yield Label("Partner")
                yield Select(
                    options, prompt="Choose a partner", value=self.partner or Select.NULL,
                    id="brief-partner",
                )  # fmt: skip
            with Vertical(classes="field"):
                yield Label("Topics (empty: the partner's own)")
                yield Input(placeholder="counter-terrorism, cyber", id="brief-topics")
            with Vertical(classes="field"):
                yield Label("Meeting date")
                yield Input(today, placeholder="YYYY-MM-DD", id="brief-date")
        yield Static("Choose a partner to see the brief.", id="brief-banner")
        with VerticalScroll(id="brief-preview"):
            yield LocalMarkdown("", id="brief-markdown")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#brief-partner", Select).focus()
        if self.partner:
            self.action_build()

    # -- building ------------------------------------------------------------------------
    @on(Select.Changed, "#brief-partner")
    def _partner(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.partner = event.value
            self.action_build()
            self.query_one("#brief-topics", Input).focus()

    @on(Input.Submitted, "#brief-topics, #brief-date")
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_build()

    def action_build(self) -> None:
        if not self.partner:
            self.notify("Choose a partner first.", severity="warning")
            return
        topics = self.query_one("#brief-topics", Input).value
        date = self.query_one("#brief-date", Input).value
        self.query_one("#brief-banner", Static).update("Building the brief…")
        self.build(self.partner, topics, date)

    @work(thread=True, exclusive=True, exit_on_error=False, group="brief")
    def build(self, partner: str, topics: str, date: str) -> None:
        from assistant.brief.markdown import to_markdown

        try:
            meeting = _date(date)
            brief = self.assistant.brief(
                partner, topics=[t for t in topics.split(",") if t.strip()], meeting=meeting
            )
            self.post_message(BriefBuilt(brief, to_markdown(brief)))
        except LiaisonError as exc:
            self.post_message(BriefFailed(exc.one_line(), exc.title))

    @on(BriefBuilt)
    def _built(self, message: BriefBuilt) -> None:
        self.brief = message.brief
        withheld = len(message.brief.withheld)
        banner = self.query_one("#brief-banner", Static)
        banner.update(
            f"{message.brief.banner_line}  ·  {withheld} withheld for consent  ·  "
            f"{len(message.brief.citations)} sources"
        )
        self.query_one("#brief-markdown", Markdown).update(message.markdown)

    @on(BriefFailed)
    def _failed(self, message: BriefFailed) -> None:
        self.query_one("#brief-banner", Static).update(message.message)
        self.notify(message.message, title=message.title, severity="error", markup=False)

    # -- saving ----------------------------------------------------------------------------
    def action_save(self, fmt: str) -> None:
        if self.brief is None:
            self.notify("Build a brief first (choose a partner).", severity="warning")
            return
        name = f"brief-{self.brief.partner.code}-{self.brief.meeting.isoformat()}.{fmt}"
        brief = self.brief

        def chosen(path: str | None) -> None:
            if path:
                self.save(brief, Path(path).expanduser(), fmt)

        self.app.push_screen(SavePrompt(str(Path.cwd() / name)), chosen)

    @work(thread=True, exit_on_error=False, group="brief-save")
    def save(self, brief: Brief, path: Path, fmt: str) -> None:
        from assistant.brief.html import to_html
        from assistant.brief.markdown import to_markdown
        from assistant.files import write_atomic

        try:
            write_atomic(path, to_html(brief) if fmt == "html" else to_markdown(brief))
            self.post_message(BriefSaved(str(path), brief.banner_line))
        except LiaisonError as exc:
            self.post_message(BriefFailed(exc.one_line(), exc.title))

    @on(BriefSaved)
    def _saved(self, message: BriefSaved) -> None:
        self.notify(f"Saved {message.path} ({message.banner})", title="Brief", markup=False)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(
            f"invalid meeting date {text!r}", "use an ISO date, e.g. 2026-12-15"
        ) from None
