"""The gate does not trust retrieval: whatever reaches it, only what the audience may see leaves.

Denied, unmarked, unreadable and above-clearance chunks are injected straight into the
retriever's fused results (and into the vector store's answers), past the pre-filters, and must
still never reach a search hit or an answer.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.corpus.markings import Handling, Level, to_metadata
from assistant.corpus.partners import Partner, Registry
from assistant.index.types import StoredChunk
from assistant.policy.gate import Audience, admit
from assistant.retrieval.hybrid import Retriever
from assistant.retrieval.types import Hit
from tests.conftest import make_corpus

pytestmark = pytest.mark.integration

TODAY = "2026-10-01"


def _front(doc_id: str, handling: str | None) -> str:
    front = f"id: {doc_id}\ntitle: {doc_id} notes\nkind: procedure\nreviewed: 2026-05-01\n"
    return front + (f"handling: {handling}\n" if handling else "")


DOCS = {
    "open.md": (
        _front("open", "{classification: U, originator: OWN}"),
        "## Tide tables\n\nThe harbour pilots of Lakeport publish their tide tables every Monday "
        "morning for visiting liaison boats.\n",
    ),
    "xca-only.md": (
        _front("xca-only", "{classification: C, originator: OWN, rel_to: [XCA]}"),
        "## Pilot ledger\n\nThe harbour pilots of Lakeport keep a sealed ledger of their "
        "informants, reference GATE-DENIED-LEDGER, shared only with Caldera.\n",
    ),
    "ts.md": (
        _front("ts", "{classification: TS, originator: OWN, rel_to: [XBO]}"),
        "## (TS) Glacier station\n\nThe glacier research station above Lakeport hides an "
        "intercept antenna, reference GATE-TOP-SECRET-ANTENNA.\n",
    ),
    "unmarked.md": (
        _front("unmarked", None),
        "## Loose note\n\nThe ferry timetable to the glacier station was changed, reference "
        "GATE-UNMARKED-FERRY.\n",
    ),
}


@pytest.fixture(scope="module")
def gate_store(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Path:
    from assistant.config import Settings
    from assistant.index.sync import sync

    root = tmp_path_factory.mktemp("gate")
    corpus = make_corpus(root / "corpus", DOCS, partners=("XBO", "XCA"))
    store = root / "store"
    report = sync(Settings(store=str(store), corpus=corpus), embedder=embedder)
    assert not report.rejected, report.rejected
    assert report.documents == 4
    return store


@pytest.fixture
def make(gate_store: Path, embedder: Any) -> Iterator[Any]:
    from assistant.config import Settings
    from assistant.service import Assistant

    def build(**settings: Any) -> Assistant:
        return Assistant(
            Settings(store=str(gate_store), today=TODAY, **settings), embedder=embedder
        )

    yield build


def _chunk(assistant: Any, marker: str) -> StoredChunk:
    return next(c for c in assistant.store.all() if marker in c.text)


def _inject(monkeypatch: pytest.MonkeyPatch, *hits: Hit) -> None:
    """Put ``hits`` at the top of every fused result list, past both pre-filters."""
    original = Retriever._fuse

    def fused(self: Retriever, *args: Any, **kwargs: Any) -> list[Hit]:
        return [*hits, *original(self, *args, **kwargs)]

    monkeypatch.setattr(Retriever, "_fuse", fused)


def _everything(assistant: Any, query: str, audience: str | None) -> str:
    """Every field a user could see, from search and from ask, as one JSON text."""
    result = assistant.search(query, audience=audience, k=10)
    answer = assistant.ask(query, audience=audience, k=10)
    return json.dumps(
        {
            "hits": [h.as_dict() for h in result.hits],
            "withheld": [w.as_dict() for w in result.withheld],
            "answer": answer.as_dict(),
        }
    )


QUERY = "What do the harbour pilots of Lakeport keep in their sealed ledger of informants?"


def test_denied_chunk_injected_into_fusion_is_removed(
    make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant = make()
    denied = _chunk(assistant, "GATE-DENIED-LEDGER")
    _inject(monkeypatch, Hit(denied.id, denied.text, denied.meta, score=99.0))
    seen = _everything(assistant, QUERY, "XBO")
    assert "GATE-DENIED-LEDGER" not in seen
    assert denied.id not in seen
    # The same injection does reach an audience that may see it: the path is real.
    assert "GATE-DENIED-LEDGER" in _everything(assistant, QUERY, "XCA")


def test_denied_chunk_returned_by_the_store_is_removed(
    make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant = make()
    denied = _chunk(assistant, "GATE-DENIED-LEDGER")

    def query(vector: Any, k: int, where: Any) -> list[StoredChunk]:
        # A store that ignores the handling filter it was given.
        return [StoredChunk(denied.id, denied.text, denied.meta, 0.0)]

    monkeypatch.setattr(assistant.store, "query", query)
    result = assistant.search(QUERY, audience="XBO", k=10)
    assert denied.id not in [h.chunk_id for h in result.hits]
    assert "GATE-DENIED-LEDGER" not in json.dumps(assistant.ask(QUERY, audience="XBO").as_dict())
    assert denied.id in [h.chunk_id for h in assistant.search(QUERY, audience="XCA", k=10).hits]


def _unreadable(base: dict[str, Any]) -> list[dict[str, Any]]:
    metas: list[dict[str, Any]] = [
        {},
        {"doc_id": "forged", "title": "forged"},
        base | {"marked": False},
        base | {"classification": "BOGUS"},
        base | {"classification": ""},
        base | {"originator": ""},
        base | {"originator": "NOT-A-CODE"},
        base | {"consents": "{not json"},
        base | {"rel_to": "XBO,12"},
        base | {"tlp": "PURPLE"},
        base | {"tlp": "GREEN", "community": ""},
        base | {"marked": "yes", "classification": None},
    ]
    return metas


@pytest.mark.parametrize("audience", [None, "XBO"])
def test_unmarked_or_unreadable_metadata_is_removed(
    make: Any, monkeypatch: pytest.MonkeyPatch, audience: str | None
) -> None:
    assistant = make()
    base = dict(_chunk(assistant, "tide tables").meta)
    forged = [
        Hit(f"forged-{i}", f"The Lakeport pilots' secret GATE-FORGED-{i} tide note.", meta, 50.0)
        for i, meta in enumerate(_unreadable(base))
    ]
    control = Hit("control", "The Lakeport pilots' GATE-CONTROL tide note.", base, 40.0)
    _inject(monkeypatch, *forged, control)
    seen = _everything(assistant, "Lakeport pilots tide note", audience)
    assert "GATE-FORGED" not in seen
    assert "GATE-CONTROL" in seen  # well-marked text on the same path does get through


def test_gate_unit_reads_handling_from_each_item() -> None:
    registry = Registry(
        partners={
            "XBO": Partner(code="XBO", name="Borealian Security Service", agreement_level="S")
        }
    )
    audience = Audience(Level.SECRET, "XBO", registry, dt.date(2026, 10, 1))

    class Item:
        def __init__(self, meta: dict[str, Any]) -> None:
            self.meta = meta

    ok = Item(to_metadata(Handling(classification="U", originator="OWN")))
    denied = Item(to_metadata(Handling(classification="C", originator="OWN", rel_to=["XCA"])))
    above = Item(to_metadata(Handling(classification="TS", originator="OWN", rel_to=["XBO"])))
    broken = [Item(meta) for meta in _unreadable(dict(ok.meta))]
    assert admit([ok, denied, above, *broken], audience) == [ok]
    officer = Audience(Level.SECRET, None, registry, dt.date(2026, 10, 1))
    assert admit([ok, denied, above, *broken], officer) == [ok, denied]


def test_top_secret_is_never_returned_with_default_clearance(
    make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = "Where is the intercept antenna of the glacier research station above Lakeport?"
    assistant = make()
    assert assistant.settings.clearance is Level.SECRET
    for audience in (None, "XBO"):
        assert "GATE-TOP-SECRET" not in _everything(assistant, query, audience)
    # Injected past the pre-filter, it is still removed.
    secret = _chunk(assistant, "GATE-TOP-SECRET")
    _inject(monkeypatch, Hit(secret.id, secret.text, secret.meta, score=99.0))
    for audience in (None, "XBO"):
        assert "GATE-TOP-SECRET" not in _everything(assistant, query, audience)
    # Unmarked counts as TOP SECRET: not even the officer sees it.
    assert "GATE-UNMARKED" not in _everything(assistant, "ferry timetable glacier station", None)
    # A TOP SECRET clearance does see it (so the test above can fail), a partner never does.
    cleared = make(clearance="TOP SECRET")
    assert "GATE-TOP-SECRET" in _everything(cleared, query, None)
    assert "GATE-TOP-SECRET" not in _everything(cleared, query, "XBO")
