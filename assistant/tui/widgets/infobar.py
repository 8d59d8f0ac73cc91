"""The bar beside the audience, always visible: the clearance the answers are prepared under,
the document and chunk counts, the store (folder or server), and a warning when the audit log is
switched off. The most important comes first: a narrow terminal cuts the end."""

from __future__ import annotations

from textual.widgets import Static


class InfoBar(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", markup=False, id=id)
        self.store = ""
        self.counts = "loading…"
        self.clearance = ""
        self.audit_off = False

    def show(
        self,
        *,
        store: str | None = None,
        counts: str | None = None,
        clearance: str | None = None,
        audit_off: bool | None = None,
    ) -> None:
        if store is not None:
            self.store = store
        if counts is not None:
            self.counts = counts
        if clearance is not None:
            self.clearance = clearance
        if audit_off is not None:
            self.audit_off = audit_off
        parts = [f"clearance {self.clearance}", self.counts, f"store {self.store}"]
        if self.audit_off:
            parts.insert(0, "AUDIT LOG OFF")
        self.set_class(self.audit_off, "-audit-off")
        self.update(" · ".join(parts))
