"""SVG snapshot of the chat screen's initial state (scripted assistant: no model, no store).
Update after an intended visual change with: pytest tests/tui --snapshot-update"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from assistant.tui.app import make_app
from tests.tui.conftest import FakeAssistant


async def _ready(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_initial_screen(snap_compare: Any, fake: FakeAssistant) -> None:
    app = make_app(fake.settings, assistant=fake)
    assert snap_compare(app, terminal_size=(120, 36), run_before=_ready)
