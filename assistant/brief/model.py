"""What a meeting brief is: sections of marked paragraphs, numbered citations, the items
withheld for consent, the reciprocity numbers, and the banner computed from all of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from assistant.audit.entries import entry
from assistant.corpus.ledger import Balance
from assistant.corpus.markings import Handling
from assistant.corpus.partners import Partner
from assistant.policy.banner import composed_banner, portion_mark
from assistant.retrieval.types import Hit

SECTION_TITLES = (
    "Partner at a glance",
    "Protocol and etiquette",
    "Language plan",
    "What we may share",
    "Withheld, consent needed",
    "Reciprocity",
    "Suggested talking points",
)


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: its text (with ``[n]`` marks) and the handling of what it quotes."""

    text: str
    handling: Handling
    label: str = ""
    """A short lead in bold, e.g. "Gifts" or "XBO particular"."""

    @property
    def mark(self) -> str:
        return portion_mark(self.handling)


@dataclass
class Section:
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    note: str = ""
    """Said when the section has nothing to show (e.g. no withheld item)."""


@dataclass(frozen=True)
class WithheldItem:
    """A document on the meeting's topics that needs the originator's consent for the partner:
    named (title, originator), never quoted, with the action to take."""

    doc_id: str
    title: str
    originator: str
    originator_name: str
    decision: str
    rule: str
    action: str

    def as_dict(self) -> dict[str, str]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "originator": self.originator,
            "decision": self.decision,
            "rule": self.rule,
            "action": self.action,
        }


@dataclass
class Brief:
    partner: Partner
    meeting: dt.date
    prepared: dt.date
    topics: tuple[str, ...]
    sections: list[Section]
    citations: list[Hit]
    withheld: list[WithheldItem]
    balance: Balance | None = None
    rulings: list[dict[str, str]] = field(default_factory=list)
    """Every document decision the brief rests on (for the audit log)."""

    @property
    def banner(self) -> Handling:
        """The most restrictive handling of every paragraph, for the partner."""
        return composed_banner(
            (p.handling for s in self.sections for p in s.paragraphs), self.partner.code
        )

    @property
    def banner_line(self) -> str:
        return self.banner.banner()

    def audit_entry(self, clearance: str, fmt: str) -> dict[str, Any]:
        """What the audit log records of this brief: what it quotes, the decisions it rests
        on, what it names as withheld."""
        out = entry(
            "brief",
            clearance=clearance,
            question=f"brief {self.partner.code} on {self.meeting.isoformat()}: "
            + (", ".join(self.topics) or "no topics"),
            audience=self.partner.code,
            chunks=[h.chunk_id for h in self.citations],
            decisions=self.rulings,
            detail={"banner": self.banner_line, "format": fmt, "meeting": self.meeting.isoformat()},
        )
        out["withheld"] = [
            {"doc_id": w.doc_id, "originator": w.originator, "decision": w.decision, "rule": w.rule}
            for w in self.withheld
        ]
        return out

    def as_dict(self) -> dict[str, Any]:
        """The ``brief --format json`` object of SPEC section 4, plus the meeting date, the
        topics and the reciprocity numbers."""
        banner = self.banner
        return {
            "partner": self.partner.code,
            "banner": {
                "classification": banner.classification.value if banner.classification else None,
                "rel_to": list(banner.rel_to),
            },
            "sections": [
                {
                    "title": s.title,
                    "text": "\n\n".join(
                        f"{p.mark} {p.label + ': ' if p.label else ''}{p.text}"
                        for p in s.paragraphs
                    )
                    or s.note,
                }
                for s in self.sections
            ],
            "citations": [hit.as_dict(n) for n, hit in enumerate(self.citations, start=1)],
            "withheld": [w.as_dict() for w in self.withheld],
            "meeting_date": self.meeting.isoformat(),
            "topics": list(self.topics),
            "reciprocity": self.balance.as_dict() if self.balance else None,
        }
