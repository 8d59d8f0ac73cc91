"""The sources panel: the citations of the latest answer and what was withheld for consent.

It shows each source's place (title › section), handling banner, review date and file. It never
shows the text of a withheld document: only its title and originator, as SPEC section 2 allows.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from assistant.answer.types import Answer
from assistant.retrieval.types import Hit, Withheld

NO_SOURCES = "The sources of the latest answer appear here."


def banner_class(hit: Hit) -> str:
    """A CSS class for the banner colour: ``-unclassified``, ``-secret``, ``-unmarked``..."""
    level = hit.handling.classification
    return "-" + (level.value.lower().replace(" ", "-") if level else "unmarked")


class Citation(Vertical):
    """One cited source: ``[n] title › section``, banner, ``as of``, path."""

    def __init__(self, n: int, hit: Hit) -> None:
        super().__init__(classes="citation")
        self.n = n
        self.hit = hit

    def compose(self) -> ComposeResult:
        hit = self.hit
        place = f"{hit.title} › {hit.section}" if hit.section else hit.title
        yield Static(f"[{self.n}] {place}", classes="cite-title", markup=False)
        yield Static(
            hit.handling.banner(), classes=f"cite-banner {banner_class(hit)}", markup=False
        )
        yield Static(f"as of {hit.reviewed}", classes="cite-reviewed", markup=False)
        yield Static(str(hit.meta.get("source", "")), classes="cite-source", markup=False)


class WithheldItem(Static):
    """A document withheld for consent: title and originator, never its text."""

    def __init__(self, item: Withheld) -> None:
        super().__init__(
            f"{item.title} · originator {item.originator}", classes="withheld", markup=False
        )
        self.item = item


class SourcesPanel(VerticalScroll):
    """Citations of the latest answer (or the closest sources of an abstention)."""

    def compose(self) -> ComposeResult:
        yield Static("Sources", id="sources-title", markup=False)
        yield Static(NO_SOURCES, id="sources-empty", markup=False)
        yield Vertical(id="citations")
        yield Static("Withheld, consent needed", id="withheld-title", markup=False)
        yield Vertical(id="withheld")

    def on_mount(self) -> None:
        self.query_one("#withheld-title").display = False

    def show(self, answer: Answer | None) -> None:
        """Replace the panel's content with ``answer``'s sources (None clears it)."""
        citations = self.query_one("#citations", Vertical)
        withheld = self.query_one("#withheld", Vertical)
        citations.remove_children()
        withheld.remove_children()
        title = self.query_one("#sources-title", Static)
        empty = self.query_one("#sources-empty", Static)
        if answer is None:
            title.update("Sources")
            empty.update(NO_SOURCES)
            empty.display = True
            self.query_one("#withheld-title").display = False
            return
        title.update("Closest sources (no answer)" if answer.abstained else "Sources")
        empty.update("No source available to this audience.")
        empty.display = not answer.citations
        citations.mount_all(Citation(n, hit) for n, hit in enumerate(answer.citations, start=1))
        self.query_one("#withheld-title").display = bool(answer.withheld)
        withheld.mount_all(WithheldItem(item) for item in answer.withheld)
        self.scroll_home(animate=False)

    def clear(self) -> None:
        self.show(None)
