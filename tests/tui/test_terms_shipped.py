"""Term look-up over the shipped corpus: the termbase snapshot a real sync wrote to the store,
a real answer, and the terms it mentions."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from assistant.service import Assistant
from assistant.tui.app import make_app
from assistant.tui.screens.term import TermPrompt, TermScreen

pytestmark = pytest.mark.integration


async def _wait(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def test_terms_of_a_real_answer_and_a_typed_term(shipped: Assistant) -> None:
    app = make_app(shipped.settings, assistant=shipped)
    async with app.run_test(size=(120, 40)) as pilot:
        await _wait(pilot)
        app.screen.query_one("#question", Input).value = "What is the lowest level of cooperation?"
        await pilot.press("enter")
        await _wait(pilot)
        await pilot.press("ctrl+t")
        await _wait(pilot)
        prompt = app.screen
        assert isinstance(prompt, TermPrompt)
        choices = prompt.query_one("#term-choices", OptionList)
        ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        assert "level-zero" in ids
        await pilot.press(*"ajándék -> de", "enter")
        await _wait(pilot)
        assert isinstance(app.screen, TermScreen)
        assert app.screen.lookup.concept.id == "gift"
        assert app.screen.lookup.language == "de"
