"""What a query costs does not grow with the corpus in the gate: the release rules are asked
once per distinct handling of the store, not once per chunk, and a query that every handling
may answer reaches the store without a handling condition. The gate still checks every hit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistant.corpus.markings import Handling, Level, to_metadata
from assistant.policy.gate import Audience
from assistant.retrieval.hybrid import Retriever
from tests.conftest import registry_of
from tests.fakes import FakeEmbedder, MemoryStore

HANDLINGS = [
    Handling(classification=Level.UNCLASSIFIED, originator="OWN"),
    Handling(classification=Level.RESTRICTED, originator="OWN", rel_to=("XBO",)),
    Handling(classification=Level.SECRET, originator="OWN"),
]


class CountingStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.wheres: list[Any] = []

    def query(self, vector: Any, k: int, where: Any) -> Any:
        self.wheres.append(where)
        return super().query(vector, k, where)


class CountingAudience(Audience):
    calls = 0

    def admits(self, handling: Handling) -> bool:
        CountingAudience.calls += 1
        return super().admits(handling)


@pytest.fixture
def retriever() -> Retriever:
    store, embedder = CountingStore(), FakeEmbedder()
    texts = [f"note {i} about harbour pilots and tide tables number {i}" for i in range(600)]
    metas = []
    for i, _ in enumerate(texts):
        meta = {
            "doc_id": f"d{i}",
            "title": f"d{i}",
            "section": "s",
            **to_metadata(HANDLINGS[i % 3]),
        }
        metas.append(meta)
    store.upsert([f"c{i}" for i in range(600)], embedder.encode(texts), texts, metas)
    return Retriever(store, embedder)  # type: ignore[arg-type]


def _audience(partner: str | None) -> CountingAudience:
    registry = registry_of("XBO")
    return CountingAudience(Level.SECRET, partner, registry, dt.date(2026, 10, 1))


def test_the_gate_decides_each_distinct_handling_not_each_chunk(retriever: Retriever) -> None:
    retriever.warm()
    for partner in (None, "XBO"):
        audience = _audience(partner)
        CountingAudience.calls = 0
        result = retriever.search("harbour pilots tide tables", audience, k=5)
        assert result.hits
        # Three distinct handlings (twice: the pre-filter and the withheld list) plus one
        # check of each candidate hit: far below the 600 chunks.
        assert CountingAudience.calls <= 3 * 2 + 2 * retriever.candidates
        assert all(audience.admits(h.handling) for h in result.hits)


def test_no_handling_condition_when_every_handling_is_allowed(retriever: Retriever) -> None:
    store = retriever.store
    assert isinstance(store, CountingStore)
    retriever.search("harbour pilots", _audience(None), k=5)
    assert store.wheres[-1] is None
    partner = retriever.search("harbour pilots", _audience("XBO"), k=5)
    assert store.wheres[-1] is not None and "handling_key" in str(store.wheres[-1])
    # For XBO the SECRET portions stay out, by the store's filter and by the gate.
    assert {h.handling.classification for h in partner.hits} <= {
        Level.UNCLASSIFIED,
        Level.RESTRICTED,
    }
