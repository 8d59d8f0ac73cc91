"""Re-index from the chat: the progress of the sync, then what it did and every rejected file
with its path, line and reason. The sync itself runs in the chat screen's worker; this view
only shows what it posts, so closing it (Escape) never stops the sync."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar, Static

from assistant.index.sync import SyncReport


def summary(report: SyncReport) -> str:
    parts = [
        f"{report.documents} documents, {report.chunks} chunks",
        f"{report.added} added",
        f"{report.updated} updated",
        f"{report.removed} removed",
        f"{report.unchanged} unchanged",
    ]
    rejected = len(report.rejected)
    if rejected:
        parts.append(f"{rejected} file{'s' if rejected != 1 else ''} rejected")
    return " · ".join(parts)


class ReindexScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]  # noqa: RUF012

    def __init__(self, corpus: str) -> None:
        super().__init__()
        self.corpus = corpus
        self.finished = False

    def compose(self) -> ComposeResult:
        with Vertical(id="reindex-panel"):
            yield Label(f"Re-indexing {self.corpus}", id="reindex-title", markup=False)
            yield ProgressBar(id="reindex-progress", show_eta=False)
            yield Static("reading the corpus…", id="reindex-stage", markup=False)
            with VerticalScroll(id="reindex-problems"):
                yield Static("", id="reindex-rejected", markup=False)
            yield Static(
                "Escape: close (the re-index goes on; the status line follows it)",
                id="reindex-help",
                markup=False,
            )

    def progress(self, stage: str, done: int, total: int) -> None:
        bar = self.query_one("#reindex-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=done)
        text = "embedding done" if stage == "done" else f"embedding {stage} ({done + 1}/{total})"
        self.query_one("#reindex-stage", Static).update(text)

    def finish(self, report: SyncReport) -> None:
        self.finished = True
        bar = self.query_one("#reindex-progress", ProgressBar)
        bar.update(total=1, progress=1)
        self.query_one("#reindex-stage", Static).update(summary(report))
        lines = [f"Rejected: {p.path}:{p.line}: {p.reason}" for p in report.rejected]
        lines += [f"Warning: {p.path}:{p.line}: {p.reason}" for p in report.warnings]
        self.query_one("#reindex-rejected", Static).update("\n".join(lines) or "No file rejected.")
        self.query_one("#reindex-help", Static).update("Escape: close")

    def fail(self, message: str) -> None:
        self.finished = True
        self.query_one("#reindex-stage", Static).update(f"Not re-indexed: {message}")
        self.query_one("#reindex-help", Static).update("Escape: close")
