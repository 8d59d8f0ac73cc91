"""Term look-up over the shipped corpus: the termbase snapshot a real sync wrote to the store,
a real answer, and the terms it mentions."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from assistant.service import Assistant
from assistant.tui.screens.term import TermPrompt, TermScreen
from assistant.tui.widgets import QuestionBox
from tests.tui.pilot import app_for, settle

pytestmark = pytest.mark.integration


async def test_terms_of_a_real_answer_and_a_typed_term(shipped: Assistant) -> None:
    app = app_for(shipped)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(
            "#question", QuestionBox
        ).value = "What is the lowest level of cooperation?"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, TermPrompt)
        choices = prompt.query_one("#term-choices", OptionList)
        ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        assert "level-zero" in ids
        await pilot.press(*"ajándék -> de", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TermScreen)
        assert app.screen.lookup.concept.id == "gift"
        assert app.screen.lookup.language == "de"
