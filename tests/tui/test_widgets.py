"""Each chat widget alone in a small host app: the question box, the info bar, the audience
button and picker, the conversation with its exchanges and dividers, the status line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import Markdown, Static

import assistant.tui
from assistant.answer.types import Answer, Ruling
from assistant.tui.screens.audience import PartnerPicker
from assistant.tui.widgets import (
    AudienceButton,
    Conversation,
    Exchange,
    InfoBar,
    QuestionBox,
    StatusLine,
)
from tests.conftest import registry_of
from tests.tui.conftest import sample_answer

CSS = str(Path(assistant.tui.__file__).parent / "app.tcss")


class Host(App[None]):
    CSS_PATH = CSS

    def __init__(self, *widgets: Widget) -> None:
        super().__init__()
        self.widgets = widgets
        self.got: list[Any] = []

    def compose(self) -> ComposeResult:
        yield from self.widgets

    def on_question_box_submitted(self, message: QuestionBox.Submitted) -> None:
        self.got.append(message.text)

    def on_audience_button_pressed(self, message: AudienceButton.Pressed) -> None:
        self.got.append("pressed")


# -- question box ----------------------------------------------------------------------------
async def test_enter_sends_and_shift_enter_or_ctrl_j_add_a_line() -> None:
    app = Host(QuestionBox(id="q"))
    async with app.run_test() as pilot:
        box = app.query_one(QuestionBox)
        box.focus()
        await pilot.press(*"first line", "ctrl+j", *"second", "shift+enter", *"third")
        assert box.text == "first line\nsecond\nthird"
        await pilot.press("enter")
        await pilot.pause()
        assert app.got == ["first line\nsecond\nthird"]
        box.clear()
        await pilot.press("enter")  # an empty box sends nothing
        await pilot.press(*"   ", "enter")
        await pilot.pause()
        assert app.got == ["first line\nsecond\nthird"]


async def test_up_and_down_recall_earlier_questions_then_the_draft() -> None:
    app = Host(QuestionBox(id="q"))
    async with app.run_test() as pilot:
        box = app.query_one(QuestionBox)
        box.set_history(["from yesterday", "from this morning"])
        box.remember("just now")
        box.remember("just now")  # a repeat is kept once
        box.focus()
        await pilot.press(*"half typed")
        await pilot.press("up")
        assert box.text == "just now"
        await pilot.press("up", "up")
        assert box.text == "from yesterday"
        await pilot.press("up")  # the oldest stays
        assert box.text == "from yesterday"
        await pilot.press("down")
        assert box.text == "from this morning"
        await pilot.press("down", "down")
        assert box.text == "half typed"  # back to what was being typed
        await pilot.press("down")
        assert box.text == "half typed"


async def test_the_arrows_move_within_a_multi_line_question() -> None:
    app = Host(QuestionBox(id="q"))
    async with app.run_test() as pilot:
        box = app.query_one(QuestionBox)
        box.set_history(["older"])
        box.focus()
        await pilot.press(*"one", "ctrl+j", *"two")
        await pilot.press("up")  # from the second line: the cursor moves, nothing recalled
        assert box.text == "one\ntwo"
        assert box.cursor_location[0] == 0
        await pilot.press("up")  # now on the first line: recall
        assert box.text == "older"
        await pilot.press("down")
        assert box.text == "one\ntwo"


async def test_the_footer_names_the_question_box_keys() -> None:
    from textual.widgets import Footer

    app = Host(QuestionBox(id="q"), Footer())
    async with app.run_test(size=(100, 10)) as pilot:
        app.query_one(QuestionBox).focus()
        await pilot.pause()
        shown = {b.description for (_, b, _, _) in app.screen.active_bindings.values() if b.show}
        assert {"Send", "New line"} <= shown


# -- info bar, status line -----------------------------------------------------------------
async def test_info_bar_shows_clearance_counts_store_and_a_switched_off_audit() -> None:
    app = Host(InfoBar(id="info"))
    async with app.run_test(size=(120, 5)) as pilot:
        bar = app.query_one(InfoBar)
        bar.show(store="/data/store", clearance="SECRET")
        await pilot.pause()
        assert str(bar.content) == "clearance SECRET · loading… · store /data/store"
        bar.show(counts="54 documents, 393 chunks", audit_off=True)
        assert str(bar.content) == (
            "AUDIT LOG OFF · clearance SECRET · 54 documents, 393 chunks · store /data/store"
        )
        assert bar.has_class("-audit-off")
        bar.show(audit_off=False, clearance="RESTRICTED")
        assert str(bar.content).startswith("clearance RESTRICTED · 54 documents")
        assert not bar.has_class("-audit-off")


async def test_status_line_states() -> None:
    app = Host(StatusLine(id="s"))
    async with app.run_test() as pilot:
        line = app.query_one(StatusLine)
        for show, text, css in (
            (line.show_loading, "loading model…", "-loading"),
            (line.show_ready, "ready", "-ready"),
            (line.show_answering, "answering…", "-busy"),
            (line.show_empty, "The store is empty. Run: liaison ingest", "-empty"),
        ):
            show()
            await pilot.pause()
            assert str(line.content) == text
            assert line.has_class(css)
        line.show_failed("[bold]no store[/]")  # the core's text is never markup
        assert str(line.content) == "not available: [bold]no store[/]"


# -- audience button and picker ----------------------------------------------------------------
async def test_the_audience_button_opens_on_enter_space_and_click() -> None:
    app = Host(AudienceButton("own use", id="audience"))
    async with app.run_test() as pilot:
        button = app.query_one(AudienceButton)
        assert str(button.content) == "Audience ▾ own use"
        button.focus()
        await pilot.press("enter", "space")
        await pilot.click(AudienceButton)
        await pilot.pause()
        assert app.got == ["pressed", "pressed", "pressed"]
        button.show("XBO · Borealian Security Service")
        assert str(button.content) == "Audience ▾ XBO · Borealian Security Service"


async def test_the_picker_returns_a_code_own_use_or_nothing() -> None:
    registry = registry_of("XBO", "XMA", "XNE")
    results: list[str | None] = []
    app = Host()
    async with app.run_test() as pilot:
        for keys in (("m", "a", "r", "enter"), ("escape",), ("enter",), ("down", "enter")):
            app.push_screen(PartnerPicker(registry, "XMA"), results.append)
            await pilot.pause()
            await pilot.press(*keys)
            await pilot.pause()
        app.push_screen(PartnerPicker(registry, None), results.append)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    # Typed "mar": XMA. Escape: nothing. Enter at once: the current one. Down: the next.
    assert results == ["XMA", None, "XMA", "XNE", "-"]


# -- conversation --------------------------------------------------------------------------
def _release_answer() -> Answer:
    answer = sample_answer()
    answer.rulings = [Ruling("xca-ml-typologies-2026", "XTA", "NEEDS_CONSENT", "tlp-green")]
    return answer


async def test_an_exchange_shows_its_answer_as_of_date_and_decision_table() -> None:
    exchange = Exchange("May it go?", "XTA", "for audience XTA", id="e1")
    app = Host(Conversation(id="c"))
    async with app.run_test(size=(100, 40)) as pilot:
        app.query_one(Conversation).add(exchange)
        await pilot.pause()
        assert "queued" in str(exchange.query_one(".state", Static).content)
        exchange.show_answer(_release_answer())
        await pilot.pause()
        assert "[1]" in exchange.query_one(".answer", Markdown).source
        as_of = str(exchange.query_one(".as-of", Static).content)
        assert as_of == "as of 2026-03-02 (the oldest review date cited)"  # not 2026-09-14
        table = exchange.query_one(".rulings", Markdown)
        assert table.display
        assert "| xca-ml-typologies-2026 | XTA | NEEDS CONSENT | tlp-green |" in table.source
        assert not exchange.has_class("-pending")


async def test_an_abstention_says_so_and_points_to_the_closest_sources() -> None:
    exchange = Exchange("Unknown?", None, "own use", id="e1")
    app = Host(Conversation(id="c"))
    async with app.run_test(size=(100, 30)) as pilot:
        app.query_one(Conversation).add(exchange)
        answer = sample_answer()
        answer.abstained = True
        answer.text = "The corpus does not say. The closest sources are listed."
        exchange.show_answer(answer)
        await pilot.pause()
        assert exchange.has_class("-abstained")
        assert str(exchange.query_one(".as-of", Static).content) == (
            "No answer: the closest sources are in the sources panel."
        )
        assert not exchange.query_one(".rulings").display


async def test_a_reopened_exchange_says_when_it_was_given() -> None:
    given = Exchange("Old?", "XBO", "for audience XBO", id="e1", given="2026-11-30 14:02 UTC")
    given.show_answer(sample_answer())  # before it is mounted, as a reopened turn is
    app = Host(Conversation(id="c"))
    async with app.run_test(size=(100, 30)) as pilot:
        app.query_one(Conversation).add(given)
        await pilot.pause()
        note = str(given.query_one(".given", Static).content)
        assert note.startswith("Given on 2026-11-30 14:02 UTC, as it was then")
        assert "ctrl+r" in note
        assert "[1]" in given.query_one(".answer", Markdown).source


async def test_hidden_exchanges_fold_with_the_reason() -> None:
    exchange = Exchange("q", "XBO", "for audience XBO", id="e1")
    app = Host(Conversation(id="c"))
    async with app.run_test(size=(100, 30)) as pilot:
        app.query_one(Conversation).add(exchange)
        exchange.show_answer(sample_answer())
        exchange.show_for("Hidden: because.")
        await pilot.pause()
        assert not exchange.shown
        assert not exchange.query_one(".answer").display
        assert not exchange.query_one(".as-of").display
        note = exchange.query_one(".withheld-note", Static)
        assert note.display and str(note.content) == "Hidden: because."
        exchange.show_for(None)
        await pilot.pause()
        assert exchange.shown and exchange.query_one(".answer").display


async def test_dividers_mark_audience_changes_between_exchanges_only() -> None:
    app = Host(Conversation(id="c"))
    async with app.run_test(size=(100, 30)) as pilot:
        conversation = app.query_one(Conversation)
        conversation.add_divider("for audience XBO")  # nothing above it yet: no divider
        await pilot.pause()
        assert not list(conversation.query(".divider"))
        conversation.add(Exchange("q", None, "own use", id="e1"))
        conversation.add_divider("for audience XBO")
        conversation.add_divider("for audience XMA")  # two changes in a row: the last counts
        await pilot.pause()
        dividers = [str(d.content) for d in conversation.query(".divider").results(Static)]
        assert dividers == ["── now for audience XMA ──"]
        await pilot.click("#e1")
        assert conversation.selected is conversation.exchange("e1")
        conversation.clear()
        await pilot.pause()
        assert not conversation.exchanges() and not list(conversation.query(".divider"))
        assert conversation.selected is None


def test_part_lines_and_particulars_are_emphasised_in_the_chat() -> None:
    from assistant.tui.widgets.conversation import emphasised

    text = "» Q1?\n\nA. [1]\n\nFor XBO in particular\n\nB. [2]\n\nFor the record, C. [3]"
    assert emphasised(text) == (
        "**» Q1?**\n\nA. [1]\n\n*For XBO in particular*\n\nB. [2]\n\nFor the record, C. [3]"
    )
