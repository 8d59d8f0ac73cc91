"""The sources panel: the citations of the latest answer, and what was withheld for consent.

Each citation shows its title, partner, section and classification, and its TLP label as a
badge in the TLP 2.0 colours. Enter on a citation opens the passage with the sentences the
answer quotes highlighted; ``d`` opens the whole document at that passage. A withheld item
shows only its title and originator (SPEC section 2); Enter on it runs the release check and
says whom to ask. Nothing here ever shows the text of a withheld document.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Label, ListItem, ListView, Static

from assistant.answer.types import Answer
from assistant.retrieval.types import Hit, Withheld

NO_SOURCES = "The sources of the latest answer appear here."


def banner_class(hit: Hit) -> str:
    """A CSS class for the banner colour: ``-unclassified``, ``-secret``, ``-unmarked``..."""
    level = hit.handling.classification
    return "-" + (level.value.lower().replace(" ", "-") if level else "unmarked")


def tlp_class(label: str) -> str:
    return "-tlp-" + label.lower().replace("+", "-")


class Citation(ListItem):
    """One cited source: ``[n] title``, partner and section, classification, TLP badge."""

    def __init__(self, n: int, hit: Hit) -> None:
        super().__init__(classes="citation")
        self.n = n
        self.hit = hit

    def compose(self) -> ComposeResult:
        hit = self.hit
        partner = str(hit.meta.get("partner") or "")
        yield Static(f"[{self.n}] {hit.title}", classes="cite-title", markup=False)
        where = " · ".join(p for p in (partner, hit.section) if p)
        if where:
            yield Static(where, classes="cite-section", markup=False)
        with Horizontal(classes="cite-marking"):
            yield Label(
                hit.handling.banner(), classes=f"cite-banner {banner_class(hit)}", markup=False
            )
            tlp = hit.handling.tlp
            if tlp is not None:
                yield Label(f"TLP:{tlp.value}", classes=f"tlp {tlp_class(tlp.value)}")
        source = str(hit.meta.get("source") or "")
        yield Static(
            " · ".join(p for p in (f"as of {hit.reviewed}", source) if p),
            classes="cite-reviewed",
            markup=False,
        )


class WithheldItem(ListItem):
    """A document withheld for consent: title and originator, never its text."""

    def __init__(self, item: Withheld) -> None:
        super().__init__(classes="withheld")
        self.item = item

    def compose(self) -> ComposeResult:
        yield Static(f"{self.item.title} · originator {self.item.originator}", markup=False)


class SourcesPanel(Vertical):
    """Citations of the latest answer (or the closest sources of an abstention), then the
    items withheld for consent."""

    class Opened(Message):
        """The officer asked to read a source: its passage, or (``whole``) its document."""

        def __init__(self, hit: Hit, whole: bool) -> None:
            super().__init__()
            self.hit = hit
            self.whole = whole

    class ConsentAsked(Message):
        def __init__(self, item: Withheld) -> None:
            super().__init__()
            self.item = item

    BINDINGS = [  # noqa: RUF012 (Textual's own declaration style)
        Binding("d", "open_document", "Whole document"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("Sources", id="sources-title", markup=False)
        yield Static(NO_SOURCES, id="sources-empty", markup=False)
        yield ListView(id="citations")
        yield Static(
            "Withheld, consent needed (Enter: whom to ask)", id="withheld-title", markup=False
        )
        yield ListView(id="withheld")

    def on_mount(self) -> None:
        self.query_one("#withheld-title").display = False
        self.query_one("#withheld").display = False

    def show(self, answer: Answer | None) -> None:
        """Replace the panel's content with ``answer``'s sources (None clears it)."""
        citations = self.query_one("#citations", ListView)
        withheld = self.query_one("#withheld", ListView)
        citations.clear()
        withheld.clear()
        title = self.query_one("#sources-title", Static)
        empty = self.query_one("#sources-empty", Static)
        self.answer = answer
        if answer is None:
            title.update("Sources")
            empty.update(NO_SOURCES)
            empty.display = True
            self.query_one("#withheld-title").display = False
            withheld.display = False
            return
        title.update("Closest sources (no answer)" if answer.abstained else "Sources")
        empty.update("No source available to this audience.")
        empty.display = not answer.citations
        citations.extend(Citation(n, hit) for n, hit in enumerate(answer.citations, start=1))
        self.query_one("#withheld-title").display = bool(answer.withheld)
        withheld.display = bool(answer.withheld)
        withheld.extend(WithheldItem(item) for item in answer.withheld)
        # Highlight the first entry of each list, so Enter works as soon as it has the focus.
        citations.index = 0 if answer.citations else None
        withheld.index = 0 if answer.withheld else None

    def clear(self) -> None:
        self.show(None)

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        event.stop()
        item = event.item
        if isinstance(item, Citation):
            self.post_message(self.Opened(item.hit, whole=False))
        elif isinstance(item, WithheldItem):
            self.post_message(self.ConsentAsked(item.item))

    def action_open_document(self) -> None:
        citations = self.query_one("#citations", ListView)
        item = citations.highlighted_child
        if isinstance(item, Citation):
            self.post_message(self.Opened(item.hit, whole=True))
