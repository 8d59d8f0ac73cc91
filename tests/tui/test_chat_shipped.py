"""App flows with Pilot over the shipped corpus: the real model and a real Chroma store."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Markdown

from assistant.config import Settings
from assistant.corpus.markings import from_metadata
from assistant.service import Assistant
from assistant.text import sentences
from assistant.tui.app import make_app
from assistant.tui.screens.chat import ChatScreen
from assistant.tui.widgets import Exchange, InfoBar, QuestionBox, SourcesPanel, StatusLine
from assistant.tui.widgets.sources import Citation, WithheldItem
from tests.tui.conftest import screen_text
from tests.tui.pilot import app_for, choose_audience, settle, type_and_ask

pytestmark = pytest.mark.integration


async def test_answer_with_citation_and_sources(shipped: Assistant) -> None:
    app = app_for(shipped)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert str(app.screen.query_one(StatusLine).content) == "ready"
        info = str(app.screen.query_one(InfoBar).content).split(" · ")
        assert info[0] == "clearance SECRET"
        documents = len(shipped.manifest.documents)
        assert info[1] == f"{documents} documents, {shipped.manifest.chunk_count} chunks"
        assert info[2] == f"store {shipped.location}"

        await type_and_ask(pilot, "What is the lowest level of cooperation?")

        exchanges = list(app.screen.query(Exchange))
        assert len(exchanges) == 1
        answer = exchanges[0].query_one(".answer", Markdown).source
        assert "[1]" in answer
        assert "level zero" in answer.lower()

        panel = app.screen.query_one(SourcesPanel)
        cites = [str(s.content) for c in panel.query(Citation) for s in c.query("Static")]
        first = next(c for c in panel.query(Citation) if c.n == 1)
        assert first.hit.doc_id == "levels-of-cooperation"
        text = "\n".join(cites)
        assert "[1] The levels of cooperation between services\n" in text
        assert "UNCLASSIFIED" in text
        assert "as of 2026-03-02" in text
        assert "levels-of-cooperation.md" in text
        assert app.screen.query_one("#question", QuestionBox).value == ""


async def test_audience_xta_shows_nothing_denied_to_xta(shipped: Assistant) -> None:
    app = app_for(shipped)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await choose_audience(pilot, "XTA")
        assert isinstance(app.screen, ChatScreen)
        assert app.screen.audience == "XTA"

        await type_and_ask(pilot, "What is the money laundering pilot joint operation with XCA?")

        exchange = app.screen.query_one(Exchange)
        assert exchange.answer is not None
        assert exchange.answer.audience == "XTA"
        assert "for audience XTA" in str(exchange.query_one(".audience").content)
        # The consent-bound XCA paper is named (title + originator), never quoted.
        withheld = [w.item for w in app.screen.query(WithheldItem)]
        assert any(w.originator == "XCA" for w in withheld)

        shown = " ".join(screen_text(app).split())
        audience = shipped.audience("XTA")
        chunks = shipped.store.all()
        allowed = " ".join(
            " ".join(c.text.split()) for c in chunks if audience.admits(from_metadata(c.meta))
        )
        denied = [c for c in chunks if not audience.admits(from_metadata(c.meta))]
        assert any(c.meta["doc_id"] == "money-laundering-cooperation" for c in denied)
        checked = 0
        for chunk in denied:
            for raw in sentences(chunk.text):
                sentence = " ".join(raw.split())
                if len(sentence) < 30 or sentence in allowed:
                    continue
                checked += 1
                assert sentence not in shown, f"denied to XTA but on screen: {sentence!r}"
        assert checked > 100
        assert "authorised in March 2026" not in shown


async def test_unknown_audience_is_bad_input(shipped: Assistant) -> None:
    from assistant.errors import BadInput

    with pytest.raises(BadInput, match="unknown partner"):
        make_app(Settings(store=str(shipped.location)), audience="XZZ", assistant=shipped)


async def test_a_compound_question_in_the_chat(shipped: Assistant) -> None:
    """Both parts under their own bold line, the partner's particulars labelled in italics,
    every cited passage in the sources panel."""
    app = app_for(shipped)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_and_ask(
            pilot, "How should I receive a delegation from Borealia, and what gifts are acceptable?"
        )
        (exchange,) = list(app.screen.query(Exchange))
        shown = exchange.query_one(".answer", Markdown).source
        assert "**» How should I receive a delegation from Borealia?**" in shown
        assert "**» What gifts are acceptable?**" in shown  # as asked
        assert "*For XBO in particular*" in shown
        assert exchange.answer is not None
        panel = app.screen.query_one(SourcesPanel)
        assert [c.n for c in panel.query(Citation)] == list(
            range(1, len(exchange.answer.citations) + 1)
        )
        assert max(int(n) for n in re.findall(r"\[(\d+)\]", shown)) == len(
            exchange.answer.citations
        )


async def test_the_examples_officers_tried_are_answered_in_the_chat(shipped: Assistant) -> None:
    """Receiving a delegation, in English and German: the procedure whole, with its lead-in;
    the interpreter and term question: both parts, the partner's own words after the
    registry's."""
    app = app_for(shipped)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_and_ask(pilot, "How do I receive a foreign delegation?")
        await type_and_ask(pilot, "Wie empfange ich eine ausländische Delegation?")
        await type_and_ask(
            pilot,
            "Do I need an interpreter for the meeting with the Maravians, and how do I say "
            "liaison officer in their language?",
        )
        english, german, maravian = list(app.screen.query(Exchange))
        for exchange in (english, german):
            shown = exchange.query_one(".answer", Markdown).source
            assert "receives a visiting delegation in this order:" in shown
            assert all(f"{n}. " in shown for n in range(1, 6)), shown
            assert "does not cover" not in shown
        shown = maravian.query_one(".answer", Markdown).source
        assert "*For XMA in particular*" in shown and "head-of-service meetings" in shown
        assert "oficial de enlace" in shown
