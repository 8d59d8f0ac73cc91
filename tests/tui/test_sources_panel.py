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

    def __init__(self) -> None:
        super().__init__()
        self.posted: list[object] = []

    def compose(self) -> ComposeResult:
        yield SourcesPanel(id="sources")

    def on_sources_panel_opened(self, message: SourcesPanel.Opened) -> None:
        self.posted.append(("opened", message.hit.chunk_id, message.whole))

    def on_sources_panel_consent_asked(self, message: SourcesPanel.ConsentAsked) -> None:
        self.posted.append(("consent", message.item.doc_id))


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
            "[1] The levels of cooperation",
            "The ladder",
            "UNCLASSIFIED",
            "as of 2026-03-02 · corpus/doctrine/levels-of-cooperation.md",
        ]
        second = [str(s.content) for s in cites[1].query(Static)]
        assert second[2] == "CONFIDENTIAL//REL TO XBO"
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
        items = [str(w.query_one(Static).content) for w in panel.query(WithheldItem)]
        assert items == ["XCA typologies · originator XCA"]
        assert "Withheld, consent needed (Enter: whom to ask)" in _texts(panel)
        assert not any(SECRET_TEXT in t for t in _texts(panel))


async def test_no_withheld_section_without_withheld() -> None:
    app = Host()
    async with app.run_test(size=(60, 30)) as pilot:
        panel = app.query_one(SourcesPanel)
        answer = sample_answer()
        answer.withheld = []
        panel.show(answer)
        await pilot.pause()
        assert not any(t.startswith("Withheld") for t in _texts(panel))
        assert list(panel.query(Citation))  # the rest of the panel is there


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


async def test_tlp_badge_in_the_tlp_colours_and_partner_on_the_section_line() -> None:
    from assistant.corpus.markings import Handling

    app = Host()
    async with app.run_test(size=(60, 30)) as pilot:
        panel = app.query_one(SourcesPanel)
        amber = Handling(classification="UNCLASSIFIED", originator="OWN", tlp="AMBER+STRICT")
        green = Handling(
            classification="UNCLASSIFIED", originator="OWN", tlp="GREEN", community="NORDIC-CT"
        )
        hits = [make_hit(1, "A", "Gifts", amber), make_hit(2, "B", "Dress", green)]
        hits[0].meta["partner"] = "XBO"
        panel.show(Answer("q", None, "a [1] b [2]", hits, False))
        await pilot.pause()
        badges = [c.query_one(".tlp") for c in panel.query(Citation)]
        assert [str(b.content) for b in badges] == ["TLP:AMBER+STRICT", "TLP:GREEN"]
        assert badges[0].has_class("-tlp-amber-strict")
        assert badges[1].has_class("-tlp-green")
        # The TLP 2.0 colours, whatever the theme: amber #FFC000 and green #33FF00 on black.
        assert badges[0].styles.color.hex.upper() == "#FFC000"
        assert badges[1].styles.color.hex.upper() == "#33FF00"
        assert badges[0].styles.background.hex.upper() == "#000000"
        first = [str(s.content) for s in panel.query(Citation).first().query(Static)]
        assert first[1] == "XBO · Gifts"
        # No TLP label, no badge.
        panel.show(sample_answer())
        await pilot.pause()
        assert not list(panel.query(".tlp"))


async def test_enter_opens_the_passage_d_the_document_enter_on_withheld_asks_consent() -> None:
    app = Host()
    async with app.run_test(size=(60, 40)) as pilot:
        panel = app.query_one(SourcesPanel)
        panel.show(sample_answer())
        await pilot.pause()
        citations = panel.query_one("#citations")
        citations.focus()
        await pilot.press("down", "enter")
        await pilot.press("d")
        await pilot.pause()
        panel.query_one("#withheld").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.posted == [
            ("opened", "chunk-2", False),
            ("opened", "chunk-2", True),
            ("consent", "xca-ml-typologies-2026"),
        ]
