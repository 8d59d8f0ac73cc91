"""What every UI test does with Pilot, written once: build the app, let workers settle, type."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from assistant.tui.app import LiaisonApp, make_app
from assistant.tui.screens.chat import ChatScreen
from assistant.tui.widgets import QuestionBox


def app_for(assistant: Any, audience: str | None = None) -> LiaisonApp:
    """The app over ``assistant`` (a real one or a scripted fake), as ``liaison chat`` builds it."""
    return make_app(assistant.settings, audience=audience, assistant=assistant)


async def settle(pilot: Pilot[Any], rounds: int = 3) -> None:
    """Let the workers finish and the messages they posted be handled."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def submit(pilot: Pilot[Any], text: str) -> None:
    """Put ``text`` in the question box and press Enter (without waiting for the answer)."""
    box = pilot.app.screen.query_one("#question", QuestionBox)
    box.value = text
    box.focus()
    await pilot.press("enter")


async def ask(pilot: Pilot[Any], text: str) -> None:
    """Ask ``text`` and wait for the answer."""
    await submit(pilot, text)
    await settle(pilot)


async def type_and_ask(pilot: Pilot[Any], text: str) -> None:
    """Click the question box, type ``text`` key by key, press Enter and wait for the answer."""
    await pilot.click("#question")
    await pilot.press(*text)
    await pilot.press("enter")
    await settle(pilot)


def chat_screen(app: LiaisonApp) -> ChatScreen:
    assert isinstance(app.screen, ChatScreen)
    return app.screen


async def choose_audience(pilot: Pilot[Any], typed: str) -> None:
    """F2, type ``typed`` in the picker's filter, Enter: as an officer changes the audience."""
    await pilot.press("f2")
    await pilot.pause()
    if typed:
        await pilot.press(*typed)
    await pilot.press("enter")
    await pilot.pause()
