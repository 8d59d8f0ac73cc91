"""UI test helpers: a scripted assistant (no model, no store) and a reader of what the screen
shows. Real-model flows use the session ``shipped`` fixture from tests/conftest.py."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Input, Markdown, Static

from assistant.answer.types import Answer, AnswerEvent, DoneEvent, TokenEvent
from assistant.config import Settings
from assistant.corpus.catalogue import DocEntry
from assistant.corpus.markings import Handling, to_metadata
from assistant.corpus.partners import load_registry
from assistant.index.manifest import Manifest
from assistant.language.termbase import Termbase
from assistant.language.termfile import load_termbase
from assistant.retrieval.types import Hit, Withheld
from assistant.service import Assistant, DocumentView
from tests.conftest import SHIPPED

LEVELS = Handling(classification="UNCLASSIFIED", originator="OWN")
CONTACTS = Handling(classification="CONFIDENTIAL", originator="OWN", rel_to=["XBO"])


def make_hit(
    n: int,
    title: str,
    section: str,
    handling: Handling,
    *,
    source: str = "corpus/doctrine/sample.md",
    reviewed: str = "2026-03-02",
    text: str = "passage text",
) -> Hit:
    meta: dict[str, Any] = {
        "doc_id": f"doc-{n}",
        "title": title,
        "section": section,
        "reviewed": reviewed,
        "source": source,
        **to_metadata(handling),
    }
    return Hit(chunk_id=f"chunk-{n}", text=text, meta=meta, score=0.5)


def sample_answer(question: str = "q", audience: str | None = None) -> Answer:
    """Two citations and one document withheld for consent."""
    return Answer(
        question=question,
        audience=audience,
        text="Level zero is the protocol level. [1] Contacts go through the desk. [2]",
        citations=[
            make_hit(
                1,
                "The levels of cooperation",
                "The ladder",
                LEVELS,
                source="corpus/doctrine/levels-of-cooperation.md",
            ),
            make_hit(2, "Borealia profile", "Contacts", CONTACTS, reviewed="2026-09-14"),
        ],
        abstained=False,
        withheld=[
            Withheld(
                doc_id="xca-ml-typologies-2026",
                title="XCA money-laundering typologies 2026",
                originator="XCA",
                decision="NEEDS_CONSENT",
                rule="tlp-green",
                reason="needs XCA's consent",
            )
        ],
    )


def _doc(title: str, handling: Handling) -> DocEntry:
    return DocEntry(
        digest="0" * 16,
        path=f"/corpus/{title}.md",
        source=f"corpus/{title}.md",
        title=title,
        kind="doctrine",
        reviewed=dt.date(2026, 3, 2),
        banner=handling,
        chunks=("c1", "c2"),
    )


class FakeAssistant(Assistant):
    """An Assistant with the shipped partner registry, three documents, no model and no store.
    ``answer`` scripts ``ask_stream`` (an Answer factory, or an exception to raise) and
    ``tokens`` the draft it streams first; ``gate`` holds ``warm`` until set, to test what
    happens before the model is ready, and ``hold`` (when cleared) holds the stream after its
    tokens, before the final answer, to look at the draft. ``termbase`` stands for the store's
    termbase snapshot (None: the corpus has none)."""

    def __init__(
        self,
        store: Path,
        *,
        documents: int = 3,
        answer: Callable[[str, str | None], Answer] | Exception | None = None,
        tokens: tuple[str, ...] = (),
        termbase: Termbase | None = None,
    ) -> None:
        super().__init__(Settings(store=str(store)))
        self._fake_termbase = termbase
        docs = {f"doc-{i}": _doc(f"Document {i}", LEVELS) for i in range(1, documents + 1)}
        registry = load_registry(SHIPPED / "partners.yaml")
        self._fake_manifest = Manifest(partners=dict(registry.partners), documents=docs)
        self._answer = answer or sample_answer
        self.gate = threading.Event()
        self.gate.set()
        self.tokens = tokens
        self.hold = threading.Event()
        self.hold.set()
        self.asked: list[tuple[str, str | None]] = []

    @property
    def manifest(self) -> Manifest:
        return self._fake_manifest

    @property
    def termbase(self) -> Termbase | None:
        return self._fake_termbase

    def warm(self) -> None:
        self.gate.wait(timeout=10)

    def document(self, doc_id: str, partner: str | None = None) -> DocumentView:
        """The scripted answer's passages of ``doc_id`` the audience may read, and one more
        passage that is never shown (to count as hidden)."""
        gate = self.audience(partner)
        passages = [h for h in sample_answer().citations if h.doc_id == doc_id]
        shown = [h for h in passages if gate.admits(h.handling)]
        title = passages[0].title if passages else doc_id
        return DocumentView(doc_id, title, shown, len(passages) - len(shown) + 1)

    def ask_stream(
        self, question: str, *, audience: str | None = None, **_: Any
    ) -> Iterator[AnswerEvent]:
        self.asked.append((question, audience))
        for token in self.tokens:
            yield TokenEvent(token)
        self.hold.wait(timeout=10)
        if isinstance(self._answer, Exception):
            raise self._answer
        code = self.registry.require(audience) if audience else None
        answer = self._answer(question, code)
        # Like the real assistant, the gate decides which citations the audience gets.
        gate = self.audience(code)
        answer.citations = [h for h in answer.citations if gate.admits(h.handling)]
        yield DoneEvent(answer)


@pytest.fixture
def fake(tmp_path: Path) -> FakeAssistant:
    return FakeAssistant(tmp_path / "store")


@pytest.fixture(scope="session")
def shipped_termbase() -> Termbase:
    """The termbase of the shipped corpus (read once; no store needed)."""
    return load_termbase(SHIPPED / "termbase.yaml")


@pytest.fixture
def termed(tmp_path: Path, shipped_termbase: Termbase) -> FakeAssistant:
    """A scripted assistant whose store holds the shipped termbase."""
    return FakeAssistant(tmp_path / "store", termbase=shipped_termbase)


def screen_text(app: App[Any]) -> str:
    """Everything the current screen holds as text: Markdown sources, static contents, input
    values, titles and notifications. Hidden widgets count too (fail closed in tests)."""
    parts: list[str] = [
        app.title,
        app.sub_title,
        app.screen.title or "",
        app.screen.sub_title or "",
    ]
    for widget in app.screen.query("*"):
        if isinstance(widget, Markdown):
            parts.append(widget.source)
        elif isinstance(widget, Static):
            parts.append(str(widget.content))
        elif isinstance(widget, Input):
            parts.extend([widget.value, widget.placeholder])
    parts.extend(n.message for n in app._notifications)
    return "\n".join(parts)
