"""The shared types of retrieval: a hit, the filters, a withheld item and a search result.

A leaf module: the answerers, routes, CLI and UI read these without importing the retriever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from assistant.corpus.chunking import topic_key
from assistant.corpus.markings import Handling, from_metadata
from assistant.index.types import Where

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Hit:
    chunk_id: str
    text: str
    meta: dict[str, Any]
    score: float
    dense: float | None = None
    lexical: float | None = None

    @property
    def doc_id(self) -> str:
        return str(self.meta.get("doc_id", ""))

    @property
    def title(self) -> str:
        return str(self.meta.get("title", ""))

    @property
    def section(self) -> str:
        return str(self.meta.get("section", ""))

    @property
    def reviewed(self) -> str:
        return str(self.meta.get("reviewed", ""))

    @property
    def handling(self) -> Handling:
        return from_metadata(self.meta)

    def as_dict(self, n: int | None = None) -> dict[str, Any]:
        """The citation/hit shape of SPEC section 4 (plus ``reviewed``, shown as "as of")."""
        out: dict[str, Any] = {} if n is None else {"n": n}
        out |= {
            "doc_id": self.doc_id,
            "title": self.title,
            "source": str(self.meta.get("source", "")),
            "section": self.section,
            "chunk_id": self.chunk_id,
            "score": round(self.score, 4),
            "text": self.text,
            "handling": self.handling.public_dict(),
            "reviewed": self.reviewed,
        }
        return out


@dataclass(frozen=True)
class Withheld:
    """A document that matched but needs the originator's consent for this audience.
    It is named, never quoted: there is deliberately no text field."""

    doc_id: str
    title: str
    originator: str
    decision: str
    rule: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "originator": self.originator,
            "decision": self.decision,
            "rule": self.rule,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Filters:
    partner: str | None = None
    kind: str | None = None
    topic: str | None = None

    def matches(self, meta: dict[str, Any]) -> bool:
        if self.partner and meta.get("partner") != self.partner.upper():
            return False
        if self.kind and meta.get("kind") != self.kind.lower():
            return False
        return not (self.topic and f",{self.topic.lower()}," not in str(meta.get("topics", "")))

    def where(self) -> list[Where]:
        out: list[Where] = []
        if self.partner:
            out.append({"partner": self.partner.upper()})
        if self.kind:
            out.append({"kind": self.kind.lower()})
        if self.topic:
            out.append({topic_key(self.topic): True})
        return out


@dataclass
class SearchResult:
    query: str
    audience: str | None
    hits: list[Hit]
    withheld: list[Withheld] = field(default_factory=list)
    query_vector: np.ndarray | None = None
    notice: str | None = None
    """Said with the hits, e.g. that the sources are in English (for a question in another)."""
    units: tuple[tuple[str, ...], ...] = ()
    """For a question carried over from another language: its content words, each with the
    English words that render it (see ``expansion.Expansion.units``); empty for English."""
    partners: tuple[str, ...] = ()
    """The partners the question names (codes, in order of mention): the answer gives the
    general rule first, then these partners' particulars, labelled."""
    quoted: frozenset[str] = frozenset()
    """What an earlier part of the same compound question already quoted (unit texts): an
    answer to a later part says something new rather than repeat it."""


Mode = Literal["hybrid", "dense", "lexical"]
