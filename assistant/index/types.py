"""The store's interface and its row type: what retrieval and sync know of a vector store.

A leaf module: the Chroma implementation is :mod:`assistant.index.store`, and tests swap in a
fake. Nothing here imports chromadb.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Where = dict[str, Any]


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    meta: dict[str, Any]
    distance: float | None = None


class VectorStore(Protocol):
    def upsert(
        self,
        ids: Sequence[str],
        embeddings: Sequence[Sequence[float]],
        texts: Sequence[str],
        metas: Sequence[dict[str, Any]],
    ) -> None: ...

    def delete_doc(self, doc_id: str, keep: Collection[str] = ()) -> None:
        """Delete the chunks of ``doc_id``, except those whose id is in ``keep``."""
        ...

    def doc_ids(self) -> set[str]: ...

    def query(self, vector: Sequence[float], k: int, where: Where | None) -> list[StoredChunk]: ...

    def all(self) -> list[StoredChunk]: ...

    def count(self) -> int: ...

    def read_meta(self, record: str) -> str | None: ...

    def write_meta(self, record: str, text: str, version: str) -> None: ...
