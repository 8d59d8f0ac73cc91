"""App flows with Pilot over a scripted assistant: loading, queueing, errors, audience, keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Markdown, Static

from assistant.errors import BadInput, StoreError
from assistant.tui.app import LiaisonApp, make_app
from assistant.tui.screens.audience import PartnerPicker
from assistant.tui.widgets import (
    AudienceButton,
    Conversation,
    Exchange,
    InfoBar,
    QuestionBox,
    SourcesPanel,
    StatusLine,
)
from assistant.tui.widgets.sources import Citation
from tests.tui.conftest import FakeAssistant, screen_text
from tests.tui.pilot import app_for, chat_screen, choose_audience, settle, submit


def _status(app: LiaisonApp) -> str:
    return str(app.screen.query_one(StatusLine).content)


async def test_status_goes_from_loading_to_ready(fake: FakeAssistant) -> None:
    fake.gate.clear()
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert _status(app) == "loading model…"
        fake.gate.set()
        await settle(pilot)
        assert _status(app) == "ready"
        info = str(app.screen.query_one(InfoBar).content)
        assert info.startswith("clearance SECRET · 3 documents, 6 chunks · store ")


async def test_question_before_ready_is_queued_then_answered(fake: FakeAssistant) -> None:
    fake.gate.clear()
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await submit(pilot, "What is level zero?")
        await pilot.pause()
        exchange = app.screen.query_one(Exchange)
        assert "queued" in str(exchange.query_one(".state").content)
        assert fake.asked == []
        fake.gate.set()
        await settle(pilot)
        await settle(pilot)  # the queued question's worker starts once ready
        assert fake.asked == [("What is level zero?", None)]
        assert "[1]" in exchange.query_one(".answer", Markdown).source
        assert not exchange.has_class("-pending")


async def test_questions_are_answered_in_order_with_their_audience(fake: FakeAssistant) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "first")
        chat_screen(app).set_audience("XBO")
        await pilot.pause()
        await submit(pilot, "second")
        for _ in range(3):
            await settle(pilot)
        assert fake.asked == [("first", None), ("second", "XBO")]
        exchanges = list(app.screen.query(Exchange))
        assert [e.answer.audience for e in exchanges if e.answer] == [None, "XBO"]
        assert "for audience XBO" in str(exchanges[1].query_one(".audience").content)
        assert "own use" in str(exchanges[0].query_one(".audience").content)


async def test_sources_panel_shows_latest_answer(fake: FakeAssistant) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "q")
        await settle(pilot)
        panel = app.screen.query_one(SourcesPanel)
        assert [c.n for c in panel.query(Citation)] == [1, 2]
        text = screen_text(app)
        assert "[1] The levels of cooperation\nThe ladder\nUNCLASSIFIED" in text
        assert "CONFIDENTIAL//REL TO XBO" in text
        assert "Withheld, consent needed" in text
        assert "XCA money-laundering typologies 2026 · originator XCA" in text


async def test_core_error_becomes_a_notification(tmp_path: Path) -> None:
    fake = FakeAssistant(tmp_path / "store", answer=StoreError("the store is locked", "retry"))
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "anything")
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert [n.message for n in errors] == ["the store is locked (retry)"]
        assert errors[0].title == "Store"
        exchange = app.screen.query_one(Exchange)
        assert exchange.has_class("-failed")
        # The app is still usable: the next question is asked.
        await submit(pilot, "again")
        await settle(pilot)
        assert len(fake.asked) == 2


async def test_unexpected_error_does_not_crash(tmp_path: Path) -> None:
    fake = FakeAssistant(tmp_path / "store", answer=RuntimeError("boom"))
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "anything")
        await settle(pilot)
        assert any("boom" in n.message for n in app._notifications)
        assert app.screen.query_one(Exchange).has_class("-failed")
        assert app.is_running


async def test_failed_load_is_reported_and_locks_input(tmp_path: Path) -> None:
    class Broken(FakeAssistant):
        def warm(self) -> None:
            raise StoreError("cannot open the store", "check --store")

    app = app_for(Broken(tmp_path / "store"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert _status(app) == "not available: cannot open the store (check --store)"
        assert app.screen.query_one("#question", QuestionBox).disabled
        assert any(n.severity == "error" for n in app._notifications)


async def test_empty_store_says_run_ingest(tmp_path: Path) -> None:
    app = app_for(FakeAssistant(tmp_path / "store", documents=0))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert _status(app) == "The store is empty. Run: liaison ingest"
        conversation = app.screen.query_one(Conversation)
        assert "The store is empty. Run: liaison ingest" in str(
            conversation.query_one("#welcome", Static).content
        )
        assert app.screen.query_one("#question", QuestionBox).disabled


async def test_audience_picker_lists_registry_and_sets_audience(fake: FakeAssistant) -> None:
    app = app_for(fake, audience="borealia")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert chat_screen(app).audience == "XBO"
        assert app.screen.sub_title == "for audience XBO · Borealian Security Service"
        button = app.screen.query_one(AudienceButton)
        assert str(button.content) == "Audience ▾ XBO · Borealian Security Service"
        await pilot.press("f2")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PartnerPicker)
        options = picker.query_one("#picker-options")
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]  # type: ignore[attr-defined]
        assert ids[0] == "-"
        assert ids[1:] == sorted(fake.registry.codes())
        assert ids[options.highlighted] == "XBO"  # type: ignore[attr-defined]
        await pilot.press("up", "enter")  # own use, just above XBO
        await pilot.pause()
        assert chat_screen(app).audience is None
        assert app.screen.sub_title == "own use"
        assert isinstance(app.focused, QuestionBox)


async def test_switching_audience_hides_other_answers_and_their_sources(
    fake: FakeAssistant,
) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "own-use question")
        await settle(pilot)
        assert list(app.screen.query(Citation))
        chat_screen(app).set_audience("XTA")
        await pilot.pause()
        exchange = app.screen.query_one(Exchange)
        assert exchange.has_class("-other-audience")
        assert not exchange.query_one(".answer").display
        assert exchange.query_one(".withheld-note").display
        assert not list(app.screen.query(Citation))
        # Back to own use: everything is within the user's clearance again.
        chat_screen(app).set_audience(None)
        await pilot.pause()
        assert not exchange.has_class("-other-audience")
        assert exchange.query_one(".answer").display
        assert [c.n for c in app.screen.query(Citation)] == [1, 2]


async def test_keys_clear_and_focus_audience(fake: FakeAssistant) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "q")
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, PartnerPicker)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, QuestionBox)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert not list(app.screen.query(Exchange))
        assert not list(app.screen.query(Citation))
        assert isinstance(app.focused, QuestionBox)
        await pilot.press("ctrl+q")
    assert not app.is_running


def test_make_app_rejects_an_unknown_audience(fake: FakeAssistant) -> None:
    with pytest.raises(BadInput, match="unknown partner"):
        make_app(fake.settings, audience="Atlantis", assistant=fake)


async def test_typing_right_after_choosing_an_audience_reaches_the_question(
    fake: FakeAssistant,
) -> None:
    """Found when tried as a new user: after F2 and Enter the focus stayed on the selector,
    and the next keys reopened the partner list. Now every way out of the picker lands in the
    question box, and the keys typed next are the question."""
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await choose_audience(pilot, "bor")  # F2, filter, Enter
        await pilot.press(*"gift policy?", "enter")  # no click: the focus must be there
        await settle(pilot)
        assert fake.asked == [("gift policy?", "XBO")]
        # Enter on the audience it already has: no change, focus back all the same.
        await choose_audience(pilot, "")
        await pilot.press(*"seating plan?", "enter")
        await settle(pilot)
        assert fake.asked[-1] == ("seating plan?", "XBO")
        # Escape from the picker keeps the audience and returns to the box.
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press(*"third one", "enter")
        await settle(pilot)
        assert fake.asked[-1] == ("third one", "XBO")
        # Escape from the sources panel, too.
        app.screen.query_one("#citations").focus()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, QuestionBox)
        # A click on the audience button opens the same picker.
        await pilot.click(AudienceButton)
        await pilot.pause()
        assert isinstance(app.screen, PartnerPicker)
        await pilot.press(*"lumeria", "enter")
        await pilot.pause()
        assert chat_screen(app).audience == "XLU"
        assert isinstance(app.focused, QuestionBox)


async def test_the_picker_filters_by_code_name_and_country(fake: FakeAssistant) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PartnerPicker)
        options = picker.query_one("#picker-options")

        def shown() -> list[str | None]:
            return [options.get_option_at_index(i).id for i in range(options.option_count)]  # type: ignore[attr-defined]

        await pilot.press(*"security")
        await pilot.pause()
        assert shown() == fake.registry.matching("security")
        assert "-" not in shown()
        await pilot.press(*" service bore")
        await pilot.pause()
        assert shown() == ["XBO"]
        for _ in range(len(" service bore")):
            await pilot.press("backspace")
        await pilot.press(*"qqq")
        await pilot.pause()
        assert shown() == []
        await pilot.press("enter")  # nothing to take: the picker says so and stays
        await pilot.pause()
        assert isinstance(app.screen, PartnerPicker)
        assert any("No partner matches" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert chat_screen(app).audience is None
