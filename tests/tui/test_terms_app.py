"""Term look-up in the app with Pilot over a scripted assistant and the shipped termbase:
the palette, ctrl+t and the term input, a selected word of an answer, escape, unknown terms."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandList, CommandPalette
from textual.geometry import Offset
from textual.pilot import Pilot
from textual.selection import Selection
from textual.widgets import Input, Markdown, OptionList, Static

from assistant.answer.types import Answer
from assistant.language.termbase import Termbase
from assistant.tui.app import LiaisonApp
from assistant.tui.screens.chat import ChatScreen
from assistant.tui.screens.term import TermPrompt, TermRow, TermScreen
from assistant.tui.widgets import Exchange, QuestionBox
from tests.tui.conftest import FakeAssistant, sample_answer
from tests.tui.pilot import app_for, ask, settle

GIFT_ANSWER = "Delegations agree on the gift exchange beforehand. [1]"


def _gift_answer(question: str, audience: str | None) -> Answer:
    answer = sample_answer(question, audience)
    answer.text = GIFT_ANSWER
    return answer


def _term(app: LiaisonApp) -> TermScreen:
    assert isinstance(app.screen, TermScreen), type(app.screen).__name__
    return app.screen


def _rows(screen: TermScreen) -> list[str]:
    return [row.language for row in screen.query(TermRow)]


def _warnings(app: LiaisonApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "warning"]


async def _palette(pilot: Pilot[None], text: str) -> list[str]:
    """Open the palette, type ``text`` and return the hits' texts once the search settles."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*text)
    hits: list[str] = []
    for _ in range(40):  # the palette gathers hits in a worker and shows them in batches
        await pilot.pause(0.05)
        await pilot.app.workers.wait_for_complete()
        listed = pilot.app.screen.query_one(CommandList)
        found = [str(o.hit.text) for o in listed.options if hasattr(o, "hit")]
        if found and found == hits:
            break
        hits = found
    return hits


async def test_palette_finds_a_hungarian_term_and_opens_its_concept(
    termed: FakeAssistant,
) -> None:
    app = app_for(termed)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        hits = await _palette(pilot, "ajándék")
        assert hits[0] == "Term: ajándék"  # exact, accents and all, ranks first
        assert "Term: ajándékcsere" in hits  # terms being typed are offered too
        await pilot.press("enter")  # the first hit is highlighted
        await settle(pilot)
        screen = _term(app)
        assert screen.lookup.concept.id == "gift"
        assert "gift" in str(screen.query_one("#term-title", Static).content)
        assert _rows(screen)[:2] == ["en", "hu"]  # termbase order without a target
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)


async def test_palette_tolerates_accents_typos_and_puts_the_target_language_first(
    termed: FakeAssistant,
) -> None:
    app = app_for(termed)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        hits = await _palette(pilot, "ajandekcsre -> de")
        assert hits[0] == "Term: ajándékcsere"
        await pilot.press("enter")
        await settle(pilot)
        screen = _term(app)
        assert screen.lookup.concept.id == "gift-exchange"
        assert _rows(screen)[0] == "de"
        first = screen.query(TermRow).first()
        assert first.has_class("-target")
        assert "Geschenkaustausch" in str(first.query_one(".term-preferred", Static).content)
        assert screen.term_to_copy == "Geschenkaustausch"


async def test_palette_unknown_language_says_so(termed: FakeAssistant) -> None:
    app = app_for(termed)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        hits = await _palette(pilot, "gift -> klingon")
        assert hits[0] == "Term search: unknown language 'klingon'"


async def test_palette_offers_the_terms_of_the_latest_answer(
    tmp_path: Path, shipped_termbase: Termbase
) -> None:
    fake = FakeAssistant(tmp_path / "store", termbase=shipped_termbase, answer=_gift_answer)
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "What happens at a visit?")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.pause(0.3)
        listed = app.screen.query_one(CommandList)
        texts = [str(o.hit.text) for o in listed.options if hasattr(o, "hit")]
        assert "Term: gift exchange" in texts


async def test_ctrl_t_opens_the_input_and_looks_up_the_typed_term(termed: FakeAssistant) -> None:
    app = app_for(termed)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, TermPrompt)
        assert isinstance(app.focused, Input)
        await pilot.press(*"Verbindungsbeamter -> fr", "enter")
        await settle(pilot)
        screen = _term(app)
        assert screen.lookup.concept.id == "liaison-officer"
        assert _rows(screen)[0] == "fr"
        assert screen.lookup.exact
        assert not screen.query_one("#term-matched").display


async def test_escape_closes_the_input(termed: FakeAssistant) -> None:
    app = app_for(termed)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, TermPrompt)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)
        assert isinstance(app.focused, QuestionBox)
        assert app.focused.id == "question"


async def test_selected_word_of_an_answer_is_looked_up(
    tmp_path: Path, shipped_termbase: Termbase
) -> None:
    fake = FakeAssistant(tmp_path / "store", termbase=shipped_termbase, answer=_gift_answer)
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "What happens at a visit?")
        answer = app.screen.query_one(Exchange).query_one(".answer", Markdown)
        paragraph = answer.query("MarkdownParagraph").first()
        start = GIFT_ANSWER.index("gift exchange")
        app.screen.selections = {
            paragraph: Selection(Offset(start, 0), Offset(start + len("gift exchange"), 0))
        }
        await pilot.pause()
        assert app.screen.get_selected_text() == "gift exchange"
        await pilot.press("ctrl+t")
        await settle(pilot)
        screen = _term(app)
        assert screen.lookup.concept.id == "gift-exchange"
        assert "customary exchange of modest gifts" in str(
            screen.query_one("#term-definition", Static).content
        )


async def test_a_selected_sentence_shows_its_term_or_offers_its_terms(
    tmp_path: Path, shipped_termbase: Termbase
) -> None:
    fake = FakeAssistant(tmp_path / "store", termbase=shipped_termbase, answer=_gift_answer)
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "What does the liaison officer do?")
        question = app.screen.query_one(Exchange).query_one(".question", Static)
        app.screen.selections = {question: Selection(None, None)}  # all of it
        await pilot.press("ctrl+t")
        await settle(pilot)
        # One concept in the selection: shown at once.
        assert _term(app).lookup.concept.id == "liaison-officer"
        await pilot.press("escape")
        await pilot.pause()
        # Several: the input offers them.
        await ask(pilot, "And the liaison officer at the gift exchange?")
        question = app.screen.query(Exchange).last().query_one(".question", Static)
        app.screen.selections = {question: Selection(None, None)}
        await pilot.press("ctrl+t")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, TermPrompt)
        choices = prompt.query_one("#term-choices", OptionList)
        ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        assert ids == ["liaison-officer", "gift-exchange"]


async def test_word_at_the_cursor_of_the_question_box(termed: FakeAssistant) -> None:
    app = app_for(termed)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#question", QuestionBox)
        box.value = "Who is the Verbindungsbeamter"
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert _term(app).lookup.concept.id == "liaison-officer"


async def test_unknown_word_at_the_cursor_opens_the_input_prefilled(
    termed: FakeAssistant,
) -> None:
    app = app_for(termed)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#question", QuestionBox)
        box.value = "what about qwxzt"
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, TermPrompt)
        assert app.screen.query_one("#term-query", Input).value == "qwxzt"
        assert "No term found for 'qwxzt'" in str(
            app.screen.query_one("#term-prompt-title", Static).content
        )


async def test_pick_a_term_of_the_latest_answer_without_a_mouse(
    tmp_path: Path, shipped_termbase: Termbase
) -> None:
    fake = FakeAssistant(tmp_path / "store", termbase=shipped_termbase, answer=_gift_answer)
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "What happens at a visit?")
        await pilot.press("ctrl+t")  # the question box is empty: the input opens
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, TermPrompt)
        choices = prompt.query_one("#term-choices", OptionList)
        ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        assert "gift-exchange" in ids
        await pilot.press("down")
        assert app.focused is choices
        for _ in range(ids.index("gift-exchange")):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert _term(app).lookup.concept.id == "gift-exchange"


async def test_unknown_term_notifies_with_a_suggestion(termed: FakeAssistant) -> None:
    app = app_for(termed)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press(*"giftexchanging", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ChatScreen)
        [warning] = _warnings(app)
        assert warning.startswith(
            "no term found for 'giftexchanging' (did you mean 'gift exchange'"
        )
        assert not [n for n in app._notifications if n.severity == "error"]


async def test_no_termbase_is_a_notification(fake: FakeAssistant) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, ChatScreen)
        assert any("no termbase" in w for w in _warnings(app))


async def test_close_candidates_open_from_the_term_view(termed: FakeAssistant) -> None:
    app = app_for(termed)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _palette(pilot, "ajándék")
        await pilot.press("enter")
        await settle(pilot)
        screen = _term(app)
        others = screen.query_one("#term-others", OptionList)
        assert others.display
        assert app.focused is others
        picked = others.get_option_at_index(0).id
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen  # the same view shows the other concept
        assert screen.lookup.concept.id == picked
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)


async def test_terms_of_answers_hidden_for_the_audience_are_not_offered(
    tmp_path: Path, shipped_termbase: Termbase
) -> None:
    fake = FakeAssistant(tmp_path / "store", termbase=shipped_termbase, answer=_gift_answer)
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "What happens at a visit?")
        chat = app.screen
        assert isinstance(chat, ChatScreen)
        assert chat.term_context()
        chat.set_audience("XTA")
        await pilot.pause()
        assert chat.term_context() == ()


async def test_look_up_term_is_a_system_command(termed: FakeAssistant) -> None:
    app = app_for(termed)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        hits = await _palette(pilot, "look up term")
        assert hits[0] == "Look up term…"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TermPrompt)


async def test_palette_without_a_termbase_says_so(fake: FakeAssistant) -> None:
    app = app_for(fake)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        hits = await _palette(pilot, "ajándék")
        assert hits == ["Term search: the store has no termbase"]
        await pilot.press("enter")
        await settle(pilot)
        assert any("no termbase" in w for w in _warnings(app))
