"""The brief builder and the onboarding screen, opened from the command palette: Pilot flows
and SVG snapshots, over the brief tests' mixed-marking corpus (hashing embedder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Markdown, OptionList, Select, Static

from assistant.config import Settings
from assistant.index.sync import sync
from assistant.service import Assistant
from assistant.tui.screens.brief import BriefScreen
from assistant.tui.screens.onboarding import OnboardingScreen
from assistant.tui.screens.prompts import SavePrompt
from tests.brief.conftest import LEDGER, PARTNERS, TERMBASE, TODAY, _docs
from tests.conftest import make_corpus
from tests.fakes import FakeEmbedder, MemoryStore
from tests.onboarding.test_onboarding import DOCS as LESSONS
from tests.tui.pilot import app_for, settle


@pytest.fixture
def assistant(tmp_path: Path) -> Assistant:
    docs = {**_docs(), **{k: v for k, v in LESSONS.items() if k.startswith("l")}}
    docs["ladder.md"] = LESSONS["ladder.md"]
    corpus = make_corpus(tmp_path / "corpus", docs, partners=PARTNERS)
    (corpus / "ledger.yaml").write_text(LEDGER, encoding="utf-8")
    (corpus / "termbase.yaml").write_text(TERMBASE, encoding="utf-8")
    settings = Settings(store=str(tmp_path / "store"), today=TODAY)
    store, embedder = MemoryStore(), FakeEmbedder()
    report = sync(settings, [corpus], store=store, embedder=embedder)
    assert not report.rejected, report.rejected
    return Assistant(settings, store=store, embedder=embedder)  # type: ignore[arg-type]


async def _palette(pilot: Pilot[Any], command: str) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*command)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)


async def _until(pilot: Pilot[Any], check: Any, rounds: int = 60) -> None:
    for _ in range(rounds):
        await settle(pilot, rounds=1)
        if check():
            return
    raise AssertionError("the screen did not get there")


async def test_brief_builder_from_the_palette_previews_and_saves(
    assistant: Assistant, tmp_path: Path
) -> None:
    app = app_for(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _palette(pilot, "Meeting brief")
        assert isinstance(app.screen, BriefScreen)
        assert isinstance(app.focused, Select)  # the partner is chosen first
        app.screen.query_one("#brief-partner", Select).value = "XBO"
        screen = app.screen
        await _until(pilot, lambda: screen.brief is not None)
        banner = str(screen.query_one("#brief-banner", Static).content)
        # Today the XNE report is still covered by its consent; only the ORCON note waits.
        assert banner.startswith("CONFIDENTIAL//REL TO XBO") and "1 withheld for consent" in banner
        preview = screen.query_one("#brief-markdown", Markdown).source
        assert "## 5. Withheld, consent needed" in preview and "xca-orcon-note" in preview
        assert "CANARY-XBO-ASSESSMENT-S" not in preview
        assert isinstance(app.focused, Input) and app.focused.id == "brief-topics"
        # A topic and a date, then Enter: built again for them.
        app.focused.value = "terrorism, cyber"
        screen.query_one("#brief-date", Input).value = "2026-12-15"
        await pilot.press("enter")
        await _until(pilot, lambda: screen.brief is not None and screen.brief.meeting.day == 15)
        assert "2 withheld for consent" in str(screen.query_one("#brief-banner", Static).content)
        # ctrl+s asks where, Enter saves.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SavePrompt)
        target = tmp_path / "saved.md"
        app.screen.query_one("#save-path", Input).value = str(target)
        await pilot.press("enter")
        await _until(pilot, target.exists)
        assert target.read_text().startswith("**")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, BriefScreen)


async def test_a_bad_date_is_a_notification_not_a_crash(assistant: Assistant) -> None:
    app = app_for(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(BriefScreen(assistant, "XMA"))
        await settle(pilot)
        screen = app.screen
        await _until(pilot, lambda: screen.brief is not None)
        screen.query_one("#brief-date", Input).value = "15/12/2026"
        screen.query_one("#brief-date", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert any("invalid meeting date" in n.message for n in app._notifications)


async def test_onboarding_lesson_then_quiz_then_score(assistant: Assistant) -> None:
    app = app_for(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _palette(pilot, "Onboarding")
        screen = app.screen
        assert isinstance(screen, OnboardingScreen)
        await _until(pilot, lambda: screen.lesson is not None)
        assert screen.lesson.doc_id == "lesson-1"  # type: ignore[union-attr]
        assert "Learning goals" in screen.query_one("#lesson-text", Markdown).source
        await pilot.press("n")
        await _until(pilot, lambda: screen.lesson is not None and screen.lesson.n == 2)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.focused, OptionList)
        await pilot.press("enter")  # 1) Joint operations: wrong
        await settle(pilot)
        await pilot.press("down", "enter")  # 2) The leadership: right
        await _until(pilot, lambda: screen.query_one("#quiz-summary").display)
        summary = screen.query_one("#quiz-result", Markdown).source
        assert "Score 1 of 2: not passed yet" in summary
        assert "Not quite." in summary and "the protocol level" in summary
    # The CLI's progress: the same file, the same user.
    rows = {r.lesson.doc_id: r for r in assistant.onboarding().record()}
    assert rows["lesson-2"].attempts == 1 and rows["lesson-1"].done


def test_brief_builder_snapshot(snap_compare: Any, assistant: Assistant) -> None:
    app = app_for(assistant)

    async def open_brief(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        app.push_screen(BriefScreen(assistant, "XBO"))
        screen = app.screen
        await _until(pilot, lambda: getattr(app.screen, "brief", None) is not None)
        await settle(pilot)
        # The focused topics box blinks its cursor: a blink is a timing, not a picture (under
        # load the snapshot caught it on, and failed).
        for box in app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()
        del screen

    assert snap_compare(app, terminal_size=(120, 40), run_before=open_brief)


def test_onboarding_snapshot(snap_compare: Any, assistant: Assistant) -> None:
    app = app_for(assistant)

    async def open_lesson(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        app.push_screen(OnboardingScreen(assistant, user="snapshot"))
        await _until(pilot, lambda: getattr(app.screen, "lesson", None) is not None)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=open_lesson)
