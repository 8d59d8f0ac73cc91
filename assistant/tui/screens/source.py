"""Reading a source: the passage an answer cites, with the sentences the answer rests on
highlighted, and the whole document scrolled to that passage with every portion's marking.

The document shows only the portions the audience may see (the same gate as every answer);
the others are counted, never named. Both are modal: Escape goes back to the chat.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from assistant.policy.banner import portion_mark
from assistant.retrieval.types import Hit
from assistant.service import DocumentView
from assistant.tui.widgets.sources import banner_class, tlp_class

Spans = list[tuple[int, int]]


def highlighted(text: str, spans: Spans) -> Content:
    """``text`` with ``spans`` (the supporting sentences) in the highlight style."""
    content = Content(text)
    for start, end in spans:
        content = content.stylize("bold reverse", start, end)
    return content


def _marking(hit: Hit) -> ComposeResult:
    with Horizontal(classes="source-marking"):
        yield Label(
            hit.handling.banner(), classes=f"source-banner {banner_class(hit)}", markup=False
        )
        tlp = hit.handling.tlp
        if tlp is not None:
            yield Label(f"TLP:{tlp.value}", classes=f"tlp {tlp_class(tlp.value)}")
        yield Label(f"as of {hit.reviewed}", classes="source-reviewed", markup=False)


class PassageScreen(ModalScreen[str | None]):
    """One cited passage. Dismissed with ``"document"`` when the officer asks for the whole
    document (``d``), else None."""

    BINDINGS = [  # noqa: RUF012 (Textual's own declaration style)
        Binding("escape,q", "dismiss(None)", "Back"),
        Binding("d", "dismiss('document')", "Whole document"),
    ]

    def __init__(self, n: int, hit: Hit, spans: Spans) -> None:
        super().__init__()
        self.n = n
        self.hit = hit
        self.spans = spans

    def compose(self) -> ComposeResult:
        hit = self.hit
        with Vertical(id="source-panel", classes="source-panel"):
            yield Static(f"[{self.n}] {hit.title}", classes="source-title", markup=False)
            where = " › ".join(p for p in (hit.section, str(hit.meta.get("partner") or "")) if p)
            yield Static(
                f"{where} · {hit.meta.get('source', '')} · {hit.doc_id}",
                classes="source-where",
                markup=False,
            )
            yield from _marking(hit)
            with VerticalScroll(classes="source-body"):
                yield Static(highlighted(hit.text, self.spans), id="passage-text")
            found = "highlighted: what the answer rests on" if self.spans else "quoted as a whole"
            yield Static(f"{found} · d: the whole document · Escape: back", classes="source-help")


class DocumentScreen(ModalScreen[None]):
    """A document's portions for the audience, in order, each with its marking; the cited
    passage highlighted and scrolled into view."""

    BINDINGS = [Binding("escape,q", "dismiss(None)", "Back")]  # noqa: RUF012

    def __init__(self, view: DocumentView, cited: str, spans: Spans, audience: str) -> None:
        super().__init__()
        self.view = view
        self.cited = cited
        self.spans = spans
        self.audience = audience

    def compose(self) -> ComposeResult:
        view = self.view
        with Vertical(id="document-panel", classes="source-panel"):
            yield Static(view.title, classes="source-title", markup=False)
            yield Static(f"{view.doc_id} · {self.audience}", classes="source-where", markup=False)
            with VerticalScroll(id="document-body", classes="source-body"):
                for hit in view.passages:
                    cited = hit.chunk_id == self.cited
                    with Vertical(classes="portion -cited" if cited else "portion"):
                        yield Static(
                            f"{portion_mark(hit.handling)} {hit.section or '(document)'}",
                            classes=f"portion-mark {banner_class(hit)}",
                            markup=False,
                        )
                        text = highlighted(hit.text, self.spans if cited else [])
                        yield Static(text, classes="portion-text")
                if view.hidden:
                    s = "s" if view.hidden != 1 else ""
                    yield Static(
                        f"{view.hidden} passage{s} of this document not shown: above your "
                        "clearance, or not releasable to this audience.",
                        classes="portion-hidden",
                        markup=False,
                    )
            yield Static("Escape: back", classes="source-help")

    def on_mount(self) -> None:
        for portion in self.query(".portion.-cited"):
            body = self.query_one("#document-body", VerticalScroll)
            self.call_after_refresh(body.scroll_to_widget, portion, animate=False, top=True)
            break
