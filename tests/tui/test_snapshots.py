"""SVG snapshots of the chat screen (scripted assistant: no model, no store) in the states an
officer sees: empty, an answer with its sources, an abstention, a release decision, sources
withheld for the audience, a narrow 80x24 terminal, the light theme, and the term view.
Update after an intended visual change with: pytest tests/tui --snapshot-update"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from assistant.answer.types import Answer, Ruling
from assistant.language.termbase import Concept, Termbase
from assistant.tui.screens.term import TermScreen
from assistant.tui.widgets import QuestionBox
from tests.tui.conftest import LEVELS, FakeAssistant, make_hit, sample_answer
from tests.tui.pilot import app_for, ask, choose_audience, settle

SIZE = (120, 36)
STORE = Path("/srv/liaison/store")  # shown in the info bar: fixed, so the picture is stable


async def steady(pilot: Pilot[Any]) -> None:
    """Settle, and stop the question box's cursor from blinking (a blink is a timing, not a
    picture: the snapshot would depend on when it is taken)."""
    await settle(pilot)
    for box in pilot.app.query(QuestionBox):
        box.cursor_blink = False
    await pilot.pause()


def scripted(tmp_path: Path, **kwargs: Any) -> FakeAssistant:
    fake = FakeAssistant(tmp_path / "store", **kwargs)
    fake.location = STORE
    return fake


def asking(question: str, audience: str = "") -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A ``run_before`` that picks ``audience`` (typed in the picker) and asks ``question``."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        if audience:
            await choose_audience(pilot, audience)
            await settle(pilot)
        await ask(pilot, question)
        await steady(pilot)

    return run


def test_empty_chat(snap_compare: Any, tmp_path: Path) -> None:
    app = app_for(scripted(tmp_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=steady)


def test_answer_with_sources(snap_compare: Any, tmp_path: Path) -> None:
    app = app_for(scripted(tmp_path))
    assert snap_compare(app, terminal_size=SIZE, run_before=asking("What is level zero?"))


def abstention(question: str, audience: str | None) -> Answer:
    return Answer(
        question=question,
        audience=audience,
        text="The corpus does not cover this question. The closest sources are listed.",
        citations=[make_hit(7, "Gifts and hospitality", "Value threshold", LEVELS)],
        abstained=True,
    )


def test_abstention(snap_compare: Any, tmp_path: Path) -> None:
    app = app_for(scripted(tmp_path, answer=abstention))
    run = asking("Who won the regional football cup?")
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def release_decision(question: str, audience: str | None) -> Answer:
    answer = sample_answer(question, audience)
    answer.text = "XCA money-laundering typologies 2026 may go to XTA only with XCA's consent. [1]"
    answer.citations = answer.citations[:1]
    answer.rulings = [Ruling("xca-ml-typologies-2026", "XTA", "NEEDS_CONSENT", "tlp-green")]
    return answer


def test_release_decision(snap_compare: Any, tmp_path: Path) -> None:
    app = app_for(scripted(tmp_path, answer=release_decision))
    run = asking("May the XCA typologies go to XTA?")
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def first_passage_only(question: str, audience: str | None) -> Answer:
    """What the real answerer writes when the gate leaves it the first passage only."""
    answer = sample_answer(question, audience)
    answer.text = "Level zero is the protocol level. [1]"
    return answer


def test_withheld_for_the_audience(snap_compare: Any, tmp_path: Path) -> None:
    """For XTA the CONFIDENTIAL REL TO XBO citation is gated out: one source, one withheld."""
    app = app_for(scripted(tmp_path, answer=first_passage_only))
    run = asking("How do contacts reach the desk?", audience="XTA")
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_narrow_terminal(snap_compare: Any, tmp_path: Path) -> None:
    app = app_for(scripted(tmp_path))
    run = asking("What is level zero?")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run)


def test_light_theme(snap_compare: Any, tmp_path: Path) -> None:
    app = app_for(scripted(tmp_path))

    async def run(pilot: Pilot[Any]) -> None:
        pilot.app.theme = "textual-light"
        await asking("What is level zero?")(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


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
    app = app_for(scripted(tmp_path, termbase=SNAPSHOT_TERMBASE))

    async def look_up(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press(*"ajándékcsere -> de", "enter")
        for _ in range(50):  # the look-up runs in a worker: wait for its screen, then its rows
            await settle(pilot, rounds=1)
            if isinstance(pilot.app.screen, TermScreen) and pilot.app.screen.lookup:
                break
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=look_up)
