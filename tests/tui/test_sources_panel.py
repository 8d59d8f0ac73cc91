"""The sources panel, alone in a tiny host app."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Static

import assistant.tui
from assistant.answer.types import Answer
from assistant.retrieval.types import Withheld
from assistant.tui.widgets import SourcesPanel
from assistant.tui.widgets.sources import NO_SOURCES, Citation, WithheldItem
from tests.tui.conftest import CONTACTS, LEVELS, make_hit, sample_answer

SECRET_TEXT = "the withheld paper's secret sentence"


class Host(App[None]):
    CSS_PATH = str(Path(assistant.tui.__file__).parent / "app.tcss")

    def compose(self) -> ComposeResult:
        yield SourcesPanel(id="sources")


def _texts(panel: SourcesPanel) -> list[str]:
    return [str(s.content) for s in panel.query(Static) if s.display]


async def test_lists_citations_banner_date_and_path() -> None:
    app = Host()
    async with app.run_test(size=(60, 30)) as pilot:
        panel = app.query_one(SourcesPanel)
        assert NO_SOURCES in _texts(panel)
        panel.show(sample_answer())
        await pilot.pause()
        cites = list(panel.query(Citation))
        assert [c.n for c in cites] == [1, 2]
        first = [str(s.content) for s in cites[0].query(Static)]
        assert first == [
            "[1] The levels of cooperation › The ladder",
            "UNCLASSIFIED",
            "as of 2026-03-02",
            "corpus/doctrine/levels-of-cooperation.md",
        ]
        second = [str(s.content) for s in cites[1].query(Static)]
        assert second[1] == "CONFIDENTIAL//REL TO XBO"
        assert cites[0].query_one(".cite-banner").has_class("-unclassified")
        assert cites[1].query_one(".cite-banner").has_class("-confidential")
        assert NO_SOURCES not in _texts(panel)


async def test_withheld_shows_title_and_originator_only() -> None:
    app = Host()
    async with app.run_test(size=(60, 30)) as pilot:
        panel = app.query_one(SourcesPanel)
        answer = sample_answer()
        # A Withheld has no text field by design; make sure a reason is not shown either.
        answer.withheld = [
            Withheld(
                "xca-paper", "XCA typologies", "XCA", "NEEDS_CONSENT", "tlp-green", SECRET_TEXT
            )
        ]
        panel.show(answer)
        await pilot.pause()
        items = [str(w.content) for w in panel.query(WithheldItem)]
        assert items == ["XCA typologies · originator XCA"]
        assert "Withheld, consent needed" in _texts(panel)
        assert not any(SECRET_TEXT in t for t in _texts(panel))


async def test_no_withheld_section_without_withheld() -> None:
    app = Host()
    async with app.run_test(size=(60, 30)) as pilot:
        panel = app.query_one(SourcesPanel)
        answer = sample_answer()
        answer.withheld = []
        panel.show(answer)
        await pilot.pause()
        assert "Withheld, consent needed" not in _texts(panel)


async def test_abstention_titles_closest_sources_and_replaces_previous() -> None:
    app = Host()
    async with app.run_test(size=(60, 30)) as pilot:
        panel = app.query_one(SourcesPanel)
        panel.show(sample_answer())
        await pilot.pause()
        abstention = Answer(
            question="q",
            audience=None,
            text="The corpus does not cover this question.",
            citations=[make_hit(7, "Gifts policy", "", LEVELS)],
            abstained=True,
        )
        panel.show(abstention)
        await pilot.pause()
        assert [c.n for c in panel.query(Citation)] == [1]
        assert "Closest sources (no answer)" in _texts(panel)
        assert "[1] Gifts policy" in _texts(panel)
        assert not list(panel.query(WithheldItem))
        panel.clear()
        await pilot.pause()
        assert not list(panel.query(Citation))
        assert NO_SOURCES in _texts(panel)


async def test_unmarked_and_foreign_banners() -> None:
    from assistant.corpus.markings import Handling

    app = Host()
    async with app.run_test(size=(60, 30)) as pilot:
        panel = app.query_one(SourcesPanel)
        foreign = Handling(classification="SECRET", originator="XBO", orcon=True)
        answer = Answer(
            "q",
            None,
            "t [1] [2] [3]",
            [
                make_hit(1, "A", "s", Handling()),
                make_hit(2, "B", "s", foreign),
                make_hit(3, "C", "s", CONTACTS),
            ],
            False,
        )
        panel.show(answer)
        await pilot.pause()
        banners = [c.query_one(".cite-banner") for c in panel.query(Citation)]
        assert [str(b.content) for b in banners] == [
            "UNMARKED",
            "SECRET//ORCON//ORIG XBO",
            "CONFIDENTIAL//REL TO XBO",
        ]
        assert banners[0].has_class("-unmarked")
        assert banners[1].has_class("-secret")
