"""What every answerer returns and every front end renders: the answer and its events.

A leaf module: the CLI, the UI and the routes read these without importing an answerer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from assistant.errors import BackendError
from assistant.retrieval.types import Hit, SearchResult, Withheld


@dataclass(frozen=True)
class Ruling:
    """A release decision an answer rests on: document ``doc_id`` to ``to``, by ``rule``."""

    doc_id: str
    to: str
    decision: str
    rule: str

    def as_dict(self) -> dict[str, str]:
        return {"doc_id": self.doc_id, "to": self.to, "decision": self.decision, "rule": self.rule}


@dataclass
class Answer:
    question: str
    audience: str | None
    text: str
    citations: list[Hit]
    abstained: bool
    withheld: list[Withheld] = field(default_factory=list)
    notice: str | None = None
    kind: str = "extractive"
    evidence: float = 0.0
    rulings: list[Ruling] = field(default_factory=list)
    """The document decisions a release answer states (empty for other answers)."""

    @property
    def as_of(self) -> str | None:
        """The oldest review date the answer cites: it is no fresher than that."""
        dates = [h.reviewed for h in self.citations if h.reviewed]
        return min(dates) if dates else None

    def as_dict(self) -> dict[str, Any]:
        """The ``ask --json`` object of SPEC section 4."""
        out: dict[str, Any] = {
            "question": self.question,
            "audience": self.audience,
            "abstained": self.abstained,
            "answer": self.text,
            "citations": [hit.as_dict(n) for n, hit in enumerate(self.citations, start=1)],
        }
        if self.withheld:
            out["withheld"] = [w.as_dict() for w in self.withheld]
        if self.notice:
            out["notice"] = self.notice
        return out


@dataclass(frozen=True)
class TokenEvent:
    """A piece of the model's draft, as it arrives. The draft is provisional: the final
    :class:`DoneEvent` answer (post-checked, renumbered, or the fallback) replaces it."""

    text: str


@dataclass(frozen=True)
class DoneEvent:
    """The final answer. Always the last event, exactly once."""

    answer: Answer


AnswerEvent = TokenEvent | DoneEvent


class Answerer(Protocol):
    def answer(self, result: SearchResult) -> Answer: ...


def final_answer(events: Iterable[AnswerEvent]) -> Answer:
    """Drain ``events`` and return the answer of the ``DoneEvent``."""
    answer: Answer | None = None
    for event in events:
        if isinstance(event, DoneEvent):
            answer = event.answer
    if answer is None:
        raise BackendError("the answer stream ended without an answer")
    return answer
