"""Red team through the chat screen: the same canary corpus as tests/test_redteam.py, asked
through the UI for every audience. Nothing the audience may not see appears anywhere on the
screen (hidden widgets and notifications included), and >= 90% of what it may see is found."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.tui.screens.chat import ChatScreen
from assistant.tui.widgets import QuestionBox
from tests.test_redteam import (  # noqa: F401 - the module-scoped fixture is reused
    KNOWN,
    PORTIONS,
    TODAY,
    _allowed,
    _assert_recall,
    _assert_safe,
    _canaries,
    _query,
    redteam,
)
from tests.tui.conftest import screen_text
from tests.tui.pilot import app_for, chat_screen

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("audience", [None, *KNOWN])
async def test_chat_screen_leaks_nothing(
    redteam: dict[str, Any],  # noqa: F811
    embedder: Any,
    audience: str | None,
) -> None:
    from assistant.config import Settings
    from assistant.service import Assistant

    assistant = Assistant(
        Settings(store=str(redteam["store"]), today=TODAY.isoformat()), embedder=embedder
    )
    app = app_for(assistant)
    allowed = _allowed(redteam["registry"], audience)
    seen: set[str] = set()
    async with app.run_test(size=(140, 50)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if audience is not None:
            chat_screen(app).set_audience(audience)
            await pilot.pause()
        assert isinstance(app.screen, ChatScreen)
        assert app.screen.audience == audience
        for _, _, portion in PORTIONS:
            app.screen.query_one("#question", QuestionBox).value = _query(portion)
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            # Read after every answer: the sources panel only holds the latest citations.
            seen |= _canaries([screen_text(app)])
    _assert_safe(seen, allowed, f"chat/{audience}")
    _assert_recall(seen, allowed, f"chat/{audience}")
