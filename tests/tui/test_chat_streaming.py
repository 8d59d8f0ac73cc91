"""Streaming drafts, follow-up questions and answer notices in the chat screen (Pilot over a
scripted assistant: no model, no store)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Markdown, Static

from assistant.answer.types import Answer
from assistant.errors import BackendError
from assistant.tui.widgets import Exchange
from tests.tui.conftest import FakeAssistant, sample_answer, screen_text
from tests.tui.pilot import app_for, chat_screen, settle, submit

TOKENS = ("Level zero ", "is the protocol ", "level, drafted.")
DRAFT = "".join(TOKENS)


async def _until_draft(pilot: Pilot[None], exchange: Exchange, text: str) -> None:
    """The worker is held after its tokens: wait for the event loop to render them all."""
    for _ in range(100):
        if exchange.draft == text:
            return
        await pilot.pause(0.02)
    raise AssertionError(f"draft never reached {text!r}: {exchange.draft!r}")


def _draft(exchange: Exchange) -> Markdown:
    return exchange.query_one(".draft", Markdown)


# -- streaming -----------------------------------------------------------------------------


async def test_draft_streams_dimmed_then_the_answer_replaces_it(tmp_path: Path) -> None:
    fake = FakeAssistant(tmp_path / "store", tokens=TOKENS)
    fake.hold.clear()
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "What is level zero?")
        await pilot.pause()
        exchange = app.screen.query_one(Exchange)
        await _until_draft(pilot, exchange, DRAFT)
        draft = _draft(exchange)
        assert draft.source == DRAFT
        assert draft.display and exchange.has_class("-drafting")
        assert draft.styles.text_style.dim
        assert "provisional" in str(exchange.query_one(".state", Static).content)
        assert not exchange.query_one(".answer").display  # no answer until it is checked
        fake.hold.set()
        await settle(pilot)
        assert not exchange.has_class("-drafting") and not draft.display
        assert draft.source == "" and exchange.draft == ""
        assert exchange.query_one(".answer", Markdown).source == sample_answer().text
        assert exchange.query_one(".answer").display
        assert DRAFT not in screen_text(app)  # nothing unchecked is left, even hidden


async def test_draft_is_hidden_when_another_audience_is_selected(tmp_path: Path) -> None:
    fake = FakeAssistant(tmp_path / "store", tokens=TOKENS)
    fake.hold.clear()
    app = app_for(fake, audience="XBO")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "What is level zero?")
        await pilot.pause()
        exchange = app.screen.query_one(Exchange)
        await _until_draft(pilot, exchange, DRAFT)
        chat_screen(app).set_audience("XTA")
        await pilot.pause()
        assert not _draft(exchange).display
        fake.hold.set()
        await settle(pilot)
        assert exchange.has_class("-other-audience")
        assert not exchange.query_one(".answer").display


async def test_stream_failing_after_tokens_clears_the_draft(tmp_path: Path) -> None:
    fake = FakeAssistant(
        tmp_path / "store", tokens=TOKENS, answer=BackendError("the model stopped")
    )
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "What is level zero?")
        await settle(pilot)
        exchange = app.screen.query_one(Exchange)
        assert exchange.has_class("-failed")
        assert exchange.draft == "" and not _draft(exchange).display
        assert "not answered: the model stopped" in str(
            exchange.query_one(".state", Static).content
        )


# -- notice --------------------------------------------------------------------------------

NOTICE = "A források angol nyelvűek."


async def test_notice_is_a_line_above_the_answer(tmp_path: Path) -> None:
    def answer(question: str, audience: str | None) -> Answer:
        return replace(sample_answer(question, audience), notice=NOTICE)

    app = app_for(FakeAssistant(tmp_path / "store", answer=answer))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "Mi a nulladik szint?")
        await settle(pilot)
        exchange = app.screen.query_one(Exchange)
        notice = exchange.query_one(".notice", Static)
        answer_md = exchange.query_one(".answer", Markdown)
        assert str(notice.content) == NOTICE and notice.display
        assert NOTICE not in answer_md.source
        assert notice.region.y < answer_md.region.y  # above the answer


async def test_no_notice_line_without_a_notice(fake: FakeAssistant) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "q")
        await settle(pilot)
        assert not app.screen.query_one(Exchange).query_one(".notice").display


# -- follow-ups ----------------------------------------------------------------------------


def _asked_as(exchange: Exchange) -> list[str]:
    return [str(s.content) for s in exchange.query(".asked-as").results(Static)]


async def test_followup_is_resolved_and_shown_as_asked(fake: FakeAssistant) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "What gifts are usual for XBO?")
        await settle(pilot)
        await submit(pilot, "and for XMA?")
        await settle(pilot)
        assert fake.asked == [
            ("What gifts are usual for XBO?", None),
            ("What gifts are usual for XMA?", None),
        ]
        first, second = app.screen.query(Exchange).results(Exchange)
        assert _asked_as(first) == []
        assert _asked_as(second) == ["Asked as: What gifts are usual for XMA?"]
        assert str(second.query_one(".question", Static).content) == "› and for XMA?"
        assert chat_screen(app).audience is None  # own use stays own use
        assert len(chat_screen(app).conversation.turns) == 2


async def test_followup_moves_the_audience_and_the_selector(fake: FakeAssistant) -> None:
    app = app_for(fake, audience="XBO")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "What gifts are usual for XBO?")
        await settle(pilot)
        await submit(pilot, "and for XMA?")
        await settle(pilot)
        assert fake.asked == [
            ("What gifts are usual for XBO?", "XBO"),
            ("What gifts are usual for XMA?", "XMA"),
        ]
        chat = chat_screen(app)
        assert chat_screen(app).audience == "XMA"
        assert chat.audience == "XMA" and chat.conversation.audience == "XMA"
        assert (app.screen.sub_title or "").startswith("for audience XMA")
        assert any("Audience changed" in n.message for n in app._notifications)
        first, second = app.screen.query(Exchange).results(Exchange)
        assert first.has_class("-other-audience")  # the XBO answer is not shown to XMA
        assert not second.has_class("-other-audience")
        assert "for audience XMA" in str(second.query_one(".audience", Static).content)
        assert [e.answer.audience for e in (first, second) if e.answer] == ["XBO", "XMA"]


async def test_selector_sets_the_audience_and_keeps_the_turns(fake: FakeAssistant) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "What gifts are usual for XBO?")
        await settle(pilot)
        chat_screen(app).set_audience("XBO")
        await pilot.pause()
        chat = chat_screen(app)
        assert chat.conversation.audience == "XBO"
        assert len(chat.conversation.turns) == 1
        await submit(pilot, "what about dinners?")
        await settle(pilot)
        assert fake.asked[-1] == ("What about dinners for XBO?", "XBO")


async def test_clear_starts_a_fresh_conversation(fake: FakeAssistant) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "What gifts are usual for XBO?")
        await settle(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert chat_screen(app).conversation.turns == []
        await submit(pilot, "and for XMA?")
        await settle(pilot)
        assert fake.asked[-1] == ("and for XMA?", None)  # nothing left to follow up on
        assert _asked_as(app.screen.query_one(Exchange)) == []
