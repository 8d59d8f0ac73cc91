"""App-level flows of the chat's tools over a scripted assistant: open a source and its
document, the consent route, export, saved conversations across a restart, history recall,
clearance down, re-index, help, theme, the narrow layout and the palette."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from textual.command import CommandPalette
from textual.widgets import Input, OptionList, Static

from assistant.corpus.catalogue import DocEntry, Portion
from assistant.corpus.loader import Problem
from assistant.corpus.markings import Handling, Level
from assistant.index.sync import SyncReport
from assistant.tui.app import LiaisonApp
from assistant.tui.screens.chat import ChatScreen
from assistant.tui.screens.consent import ConsentScreen
from assistant.tui.screens.conversations import ConversationsScreen
from assistant.tui.screens.help import HelpScreen
from assistant.tui.screens.prompts import ChoicePrompt, SavePrompt
from assistant.tui.screens.reindex import ReindexScreen
from assistant.tui.screens.source import DocumentScreen, PassageScreen
from assistant.tui.widgets import Exchange, InfoBar, QuestionBox, SourcesPanel
from tests.tui.conftest import FakeAssistant, sample_answer, screen_text
from tests.tui.pilot import app_for, ask, chat_screen, choose_audience, settle

GREEN = Handling(
    classification="UNCLASSIFIED", originator="XCA", tlp="GREEN", community="CENTRAL-FIN"
)


def _focused_box(app: LiaisonApp) -> bool:
    return isinstance(app.focused, QuestionBox)


async def _wait_for(pilot: Any, kind: type, rounds: int = 50) -> Any:
    for _ in range(rounds):
        if isinstance(pilot.app.screen, kind):
            await pilot.pause()  # let it compose
            return pilot.app.screen
        await pilot.pause(0.02)
    raise AssertionError(f"{kind.__name__} never opened (on {type(pilot.app.screen).__name__})")


# -- sources --------------------------------------------------------------------------------
async def test_open_a_source_then_its_document_then_back_to_the_question(
    fake: FakeAssistant,
) -> None:
    app = app_for(fake, audience="XBO")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "How do contacts work?")
        app.screen.query_one("#citations").focus()
        await pilot.press("down", "enter")  # the second source: the Borealia profile
        passage = await _wait_for(pilot, PassageScreen)
        assert passage.n == 2 and passage.hit.title == "Borealia profile"
        # The answer quotes nothing of this passage verbatim ("passage text"): no highlight.
        assert passage.spans == []
        assert "CONFIDENTIAL//REL TO XBO" in screen_text(app)
        await pilot.press("d")
        document = await _wait_for(pilot, DocumentScreen)
        assert document.cited == "chunk-2"
        marks = [str(s.content) for s in document.query(".portion-mark").results(Static)]
        assert marks == ["(C//REL TO XBO) Contacts"]
        hidden = str(document.query_one(".portion-hidden", Static).content)
        assert hidden.startswith("1 passage of this document not shown")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)
        assert _focused_box(app)


async def test_the_supporting_sentences_are_highlighted(tmp_path: Path) -> None:
    from tests.tui.conftest import sample_answer

    def quoting(question: str, audience: str | None) -> Any:
        answer = sample_answer(question, audience)
        text = "Intro. Level zero is the protocol level. Other things."
        answer.citations[0] = dataclasses.replace(answer.citations[0], text=text)
        return answer

    fake = FakeAssistant(tmp_path / "store", answer=quoting)
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "What is level zero?")
        app.screen.query_one(SourcesPanel).post_message(
            SourcesPanel.Opened(_first_citation(app), False)
        )
        passage = await _wait_for(pilot, PassageScreen)
        text = passage.hit.text
        assert [text[a:b] for a, b in passage.spans] == ["Level zero is the protocol level."]
        rendered = passage.query_one("#passage-text", Static).content
        styled = [text[s.start : s.end] for s in rendered.spans]  # type: ignore[union-attr]
        assert styled == ["Level zero is the protocol level."]


# -- consent ---------------------------------------------------------------------------------
class WithConsentDoc(FakeAssistant):
    """The fake's manifest also holds the XCA paper the sample answer withholds."""

    def __init__(self, store: Path) -> None:
        super().__init__(store)
        self._fake_manifest.documents["xca-ml-typologies-2026"] = DocEntry(
            digest="1" * 16,
            path="/corpus/xca.md",
            source="corpus/partners/xca.md",
            title="XCA money-laundering typologies 2026",
            kind="partner",
            reviewed=dt.date(2026, 6, 1),
            banner=GREEN,
            portions=(Portion(section="Red flags", handling=GREEN),),
            chunks=("x1",),
        )


async def test_a_withheld_item_shows_whom_to_ask_and_copies_or_saves_the_request(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    fake = WithConsentDoc(tmp_path / "store")
    app = app_for(fake, audience="XBO")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "What typologies does XCA see?")
        app.screen.query_one("#withheld").focus()
        await pilot.press("enter")
        consent = await _wait_for(pilot, ConsentScreen)
        assert consent.request is not None
        shown = screen_text(app)
        assert "NEEDS CONSENT for XBO (Borealian Security Service)" in shown
        assert "Whom to ask: XCA (Calderan Federal Protection Office), the originator" in shown
        assert "Channel: the liaison channel" in shown
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == consent.request.text()
        assert "To: XCA (Calderan Federal Protection Office), the originator" in app.clipboard
        assert any("Consent request copied" in n.message for n in app._notifications)
        assert _focused_box(app)

        app.screen.query_one("#withheld").focus()
        await pilot.press("enter")
        await _wait_for(pilot, ConsentScreen)
        await pilot.press("s")
        prompt = await _wait_for(pilot, SavePrompt)
        target = tmp_path / "request.txt"
        prompt.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert target.read_text(encoding="utf-8") == consent.request.text()
        assert _focused_box(app)


async def test_consent_needs_a_partner_audience(fake: FakeAssistant) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "q")
        app.screen.query_one("#withheld").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ConsentScreen)
        assert any("Choose the audience first" in n.message for n in app._notifications)


# -- export ----------------------------------------------------------------------------------
async def test_export_writes_only_what_the_audience_may_have_with_its_banner(
    fake: FakeAssistant, tmp_path: Path
) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "own use question")
        await choose_audience(pilot, "XBO")
        await ask(pilot, "question for Borealia")
        await pilot.press("ctrl+s")
        prompt = await _wait_for(pilot, SavePrompt)
        assert prompt.label == "Export the conversation (for audience XBO · Borealian " + (
            "Security Service) as"
        )
        target = tmp_path / "export.md"
        prompt.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        text = target.read_text(encoding="utf-8")
        lines = text.splitlines()
        assert lines[0] == lines[-1] == "**CONFIDENTIAL//REL TO XBO**"
        assert "question for Borealia" in text
        assert "own use question" not in text  # not even as the title
        assert "# Conversation: question for Borealia" in text
        assert "1 turn left out" in text
        notes = [n.message for n in app._notifications]
        assert any(m.startswith(f"Exported 1 turn to {target}") for m in notes)
        assert _focused_box(app)


async def test_nothing_to_export_is_said_plainly(fake: FakeAssistant) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, SavePrompt)
        assert any("Nothing to export yet" in n.message for n in app._notifications)


# -- saved conversations across a restart ----------------------------------------------------
async def test_reopen_yesterdays_conversation_after_a_restart_and_re_ask(tmp_path: Path) -> None:
    first = FakeAssistant(tmp_path / "store")
    app = app_for(first, audience="XBO")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "What gifts are usual for XBO?")
        await ask(pilot, "Who sits where at dinner?")
        await settle(pilot)

    later = FakeAssistant(tmp_path / "store")  # a new process: only the data directory remains
    app = app_for(later)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        saved = await _wait_for(pilot, ConversationsScreen)
        await settle(pilot)
        listed = saved.query_one("#saved-list", OptionList)
        assert listed.option_count == 1
        await pilot.press(*"dinner")
        await settle(pilot)
        assert listed.option_count == 1
        saved.query_one("#saved-partner", Input).value = "Maravia"
        await settle(pilot)
        assert listed.option_count == 0
        saved.query_one("#saved-partner", Input).value = "Borealia"
        await settle(pilot)
        assert listed.option_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChatScreen)
        exchanges = list(app.screen.query(Exchange))
        assert [e.question for e in exchanges] == [
            "What gifts are usual for XBO?",
            "Who sits where at dinner?",
        ]
        given = str(exchanges[0].query_one(".given", Static).content)
        assert given.startswith("Given on ") and "under clearance SECRET" in given
        assert all(e.shown for e in exchanges)  # own use sees what was given to XBO
        assert later.asked == []  # nothing re-run on reopening
        assert _focused_box(app)

        await pilot.press("ctrl+r")  # the last reopened one, for the audience it was asked for
        await settle(pilot)
        assert later.asked == [("Who sits where at dinner?", "XBO")]
        assert chat_screen(app).audience == "XBO"
        # The re-asked turn continues the same saved conversation.
        [summary] = later.conversations.find()
        assert summary.turns == 3


async def test_history_recall_includes_earlier_sessions(tmp_path: Path) -> None:
    app = app_for(FakeAssistant(tmp_path / "store"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "first session question")
    app = app_for(FakeAssistant(tmp_path / "store"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("up")
        assert app.screen.query_one(QuestionBox).text == "first session question"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("up")
        assert app.screen.query_one(QuestionBox).text == "first session question"


# -- clearance -------------------------------------------------------------------------------
async def test_clearance_goes_down_only_and_folds_what_is_now_above_it(
    fake: FakeAssistant,
) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "q")  # cites an UNCLASSIFIED and a CONFIDENTIAL passage
        chat_screen(app).action_set_clearance()
        prompt = await _wait_for(pilot, ChoicePrompt)
        options = prompt.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == ["SECRET", "CONFIDENTIAL", "RESTRICTED", "UNCLASSIFIED"]  # no TOP SECRET
        assert ids[options.highlighted or 0] == "SECRET"
        await pilot.press("down", "down", "enter")  # RESTRICTED
        await pilot.pause()
        assert fake.settings.clearance is Level.RESTRICTED
        assert str(app.screen.query_one(InfoBar).content).startswith("clearance RESTRICTED")
        exchange = app.screen.query_one(Exchange)
        assert not exchange.shown
        assert "above your clearance" in str(exchange.query_one(".withheld-note", Static).content)
        assert not list(app.screen.query("Citation"))
        assert _focused_box(app)
        await ask(pilot, "asked lower")
        turns = list(chat_screen(app).turns.values())
        assert [t.clearance for t in turns] == ["SECRET", "RESTRICTED"]


# -- re-index ----------------------------------------------------------------------------------
class Reindexing(FakeAssistant):
    def reindex(self, progress: Any = None, *, wait: bool = False) -> SyncReport:
        for i in range(3):
            progress(f"doc-{i}", i, 3)
        progress("done", 3, 3)
        return SyncReport(
            documents=4,
            chunks=9,
            added=1,
            updated=2,
            unchanged=1,
            rejected=[Problem("corpus/bad.md", 7, "unknown classification 'SEKRET'")],
        )


async def test_reindex_shows_progress_and_every_rejected_file(tmp_path: Path) -> None:
    fake = Reindexing(tmp_path / "store")
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        chat_screen(app).action_reindex()
        view = await _wait_for(pilot, ReindexScreen)
        await settle(pilot)
        assert view.finished
        stage = str(view.query_one("#reindex-stage", Static).content)
        assert stage.startswith("4 documents, 9 chunks · 1 added · 2 updated")
        assert stage.endswith("1 file rejected")
        rejected = str(view.query_one("#reindex-rejected", Static).content)
        assert rejected == "Rejected: corpus/bad.md:7: unknown classification 'SEKRET'"
        assert any("fix them and re-index" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert _focused_box(app)


async def test_an_ingest_already_running_is_a_notification(tmp_path: Path) -> None:
    from assistant.index.lock import LockedError

    class Locked(FakeAssistant):
        def reindex(self, progress: Any = None, *, wait: bool = False) -> SyncReport:
            raise LockedError("another ingest holds the store", "wait for it to finish")

    app = app_for(Locked(tmp_path / "store"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        chat_screen(app).action_reindex()
        view = await _wait_for(pilot, ReindexScreen)
        await settle(pilot)
        assert "Not re-indexed: another ingest holds the store" in str(
            view.query_one("#reindex-stage", Static).content
        )
        assert any(n.severity == "error" for n in app._notifications)
        chat = next(s for s in app.screen_stack if isinstance(s, ChatScreen))
        assert not chat.reindexing


# -- help, theme, layout, palette --------------------------------------------------------------
async def test_f1_lists_every_key_and_command(fake: FakeAssistant) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        help_screen = await _wait_for(pilot, HelpScreen)
        text = str(help_screen.query_one("#help-text", Static).content)
        for binding in ChatScreen.BINDINGS:
            if binding.description:  # type: ignore[union-attr]
                assert binding.key in text  # type: ignore[union-attr]
        for name, _ in app.command_rows():
            assert name in text
        assert "shift+Enter" in text and "Enter on a withheld item" in text
        await pilot.press("escape")
        await pilot.pause()
        assert _focused_box(app)


async def test_the_theme_is_toggled_saved_and_restored(tmp_path: Path) -> None:
    app = app_for(FakeAssistant(tmp_path / "store"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.current_theme.dark
        app.action_toggle_theme()
        await settle(pilot)
        assert not app.current_theme.dark
    app = app_for(FakeAssistant(tmp_path / "store"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-light"


async def test_at_80_columns_the_sources_fold_behind_f3(fake: FakeAssistant) -> None:
    app = app_for(fake)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await ask(pilot, "q")
        screen = chat_screen(app)
        assert screen.has_class("-narrow")
        panel = screen.query_one(SourcesPanel)
        assert not panel.display or panel.region.width == 0
        await pilot.press("f3")
        await pilot.pause()
        assert panel.region.width > 60  # the sources take the conversation's place
        assert app.focused is not None and app.focused.id == "citations"
        await pilot.press("escape")
        await pilot.pause()
        assert panel.region.width == 0
        assert _focused_box(app)


async def test_wide_terminals_give_the_sources_more_room(fake: FakeAssistant) -> None:
    app = app_for(fake)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        assert chat_screen(app).has_class("-wide")
        assert chat_screen(app).query_one(SourcesPanel).region.width == 72


async def test_the_palette_offers_the_chat_commands(fake: FakeAssistant) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await _wait_for(pilot, CommandPalette)
        await pilot.press(*"set clearance")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await _wait_for(pilot, ChoicePrompt)


def _first_citation(app: LiaisonApp) -> Any:
    return next(iter(chat_screen(app).turns.values())).answer.citations[0]


async def test_no_markdown_on_screen_opens_a_link(tmp_path: Path) -> None:
    """Offline: a link in an answer, a draft, a brief or a lesson never starts a browser."""
    from textual.widgets import Markdown

    def linked(question: str, audience: str | None) -> Any:
        answer = sample_answer(question, audience)
        answer.text = "See [the partner's site](https://example.invalid/x). [1]"
        return answer

    fake = FakeAssistant(tmp_path / "store", answer=linked)
    app = app_for(fake)
    opened: list[str] = []
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
        await settle(pilot)
        await ask(pilot, "Where is the partner's site?")
        markdowns = list(app.screen.query(Markdown))
        assert any("example.invalid" in m.source for m in markdowns)
        for markdown in markdowns:
            markdown.post_message(Markdown.LinkClicked(markdown, "https://example.invalid/x"))
        await settle(pilot)
        assert opened == []
