"""App flows with Pilot over a scripted assistant: loading, queueing, errors, audience, keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Markdown, Static

from assistant.errors import BadInput, StoreError
from assistant.tui.app import LiaisonApp, make_app
from assistant.tui.widgets import AudienceSelect, Conversation, Exchange, SourcesPanel, StatusLine
from assistant.tui.widgets.sources import Citation
from tests.tui.conftest import FakeAssistant, screen_text
from tests.tui.pilot import app_for, chat_screen, settle, submit


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
        assert _status(app) == "ready · 3 documents · clearance SECRET"


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
        app.screen.query_one(AudienceSelect).value = "XBO"
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
        assert "[1] The levels of cooperation › The ladder" in text
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
        assert app.screen.query_one("#question", Input).disabled
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
        assert app.screen.query_one("#question", Input).disabled


async def test_audience_selector_lists_registry_and_sets_audience(fake: FakeAssistant) -> None:
    app = app_for(fake, audience="borealia")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        select = app.screen.query_one(AudienceSelect)
        assert select.value == "XBO"
        assert chat_screen(app).audience == "XBO"
        assert app.screen.sub_title == "for audience XBO · Borealian Security Service"
        values = [value for _, value in select._options]
        assert values[0] == "-"
        assert values[1:] == sorted(fake.registry.codes())
        select.value = "-"
        await pilot.pause()
        assert chat_screen(app).audience is None
        assert app.screen.sub_title == "own use"


async def test_switching_audience_hides_other_answers_and_their_sources(
    fake: FakeAssistant,
) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "own-use question")
        await settle(pilot)
        assert list(app.screen.query(Citation))
        app.screen.query_one(AudienceSelect).value = "XTA"
        await pilot.pause()
        exchange = app.screen.query_one(Exchange)
        assert exchange.has_class("-other-audience")
        assert not exchange.query_one(".answer").display
        assert exchange.query_one(".withheld-note").display
        assert not list(app.screen.query(Citation))
        # Back to own use: everything is within the user's clearance again.
        app.screen.query_one(AudienceSelect).value = "-"
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
        assert isinstance(app.focused, AudienceSelect)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert not list(app.screen.query(Exchange))
        assert not list(app.screen.query(Citation))
        assert isinstance(app.focused, Input)
        await pilot.press("ctrl+q")
    assert not app.is_running


def test_make_app_rejects_an_unknown_audience(fake: FakeAssistant) -> None:
    with pytest.raises(BadInput, match="unknown partner"):
        make_app(fake.settings, audience="Atlantis", assistant=fake)
