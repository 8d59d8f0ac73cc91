"""SVG snapshot of the chat screen's initial state (scripted assistant: no model, no store).
Update after an intended visual change with: pytest tests/tui --snapshot-update"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from assistant.language.termbase import Concept, Termbase
from assistant.tui.screens.term import TermScreen
from tests.tui.conftest import FakeAssistant
from tests.tui.pilot import app_for, settle


def test_initial_screen(snap_compare: Any, fake: FakeAssistant) -> None:
    app = app_for(fake)
    assert snap_compare(app, terminal_size=(120, 36), run_before=settle)


# A fixed termbase, so that the shipped one can grow without changing the picture.
SNAPSHOT_TERMBASE = Termbase(
    (
        Concept(
            id="gift-exchange",
            subject="protocol",
            definition="The customary exchange of modest gifts between delegations, usually of "
            "matching value and carrying the emblem of the service or country.",
            terms={
                "en": ("gift exchange", "exchange of gifts"),
                "hu": ("ajándékcsere",),
                "de": ("Geschenkaustausch",),
                "fr": ("échange de cadeaux",),
            },
        ),
        Concept(
            id="gift",
            subject="hospitality",
            definition="Gift handed to or received from a partner as a courtesy.",
            terms={"en": ("gift", "official gift"), "hu": ("ajándék",), "de": ("Geschenk",)},
        ),
    )
)


def test_term_view(snap_compare: Any, tmp_path: Path) -> None:
    """The term view over the chat: "ajándékcsere -> de" typed in the term input (ctrl+t)."""
    fake = FakeAssistant(tmp_path / "store", termbase=SNAPSHOT_TERMBASE)
    app = app_for(fake)

    async def look_up(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press(*"ajándékcsere -> de", "enter")
        for _ in range(50):  # the look-up runs in a worker: wait for its screen, then its rows
            await settle(pilot, rounds=1)
            if isinstance(pilot.app.screen, TermScreen) and pilot.app.screen.lookup:
                break
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=look_up)
