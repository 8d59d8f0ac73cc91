"""Small fakes for unit tests: a deterministic embedder and an in-memory vector store."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np

from assistant.errors import StoreError
from assistant.index.types import StoredChunk, Where


class FakeEmbedder:
    """Bag-of-words hashing vectors: deterministic, instant, good enough for plumbing tests."""

    model_name = "fake"

    def __init__(self, fail_after: int | None = None) -> None:
        self.calls = 0
        self.loaded = False
        self.fail_after = fail_after

    def load(self) -> None:
        self.loaded = True

    @property
    def dimension(self) -> int:
        return 64

    def encode(self, texts: list[str]) -> np.ndarray:
        self.loaded = True
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise RuntimeError("simulated crash")
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)

    precision = "fp32"

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts)

    def ensure_export(self) -> bool:
        return False

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()


class MemoryStore:
    def __init__(self) -> None:
        self.rows: dict[str, tuple[list[float], str, dict[str, Any]]] = {}

    def upsert(
        self,
        ids: Sequence[str],
        embeddings: Sequence[Sequence[float]],
        texts: Sequence[str],
        metas: Sequence[dict[str, Any]],
    ) -> None:
        if len(set(ids)) != len(ids):  # as Chroma refuses such a batch
            raise StoreError("store operation failed: Expected IDs to be unique")
        for i, e, t, m in zip(ids, embeddings, texts, metas, strict=True):
            self.rows[i] = (list(e), t, dict(m))

    def delete_doc(self, doc_id: str, keep: Collection[str] = ()) -> None:
        self.rows = {
            k: v for k, v in self.rows.items() if v[2].get("doc_id") != doc_id or k in keep
        }

    def doc_ids(self) -> set[str]:
        return {m["doc_id"] for _, _, m in self.rows.values()}

    def query(self, vector: Sequence[float], k: int, where: Where | None) -> list[StoredChunk]:
        scored = []
        for cid, (emb, text, meta) in self.rows.items():
            if where and not _match(meta, where):
                continue
            sim = float(np.dot(emb, vector))
            scored.append(StoredChunk(cid, text, meta, 1.0 - sim))
        return sorted(scored, key=lambda c: c.distance or 0.0)[:k]

    def all(self) -> list[StoredChunk]:
        return [StoredChunk(cid, t, m) for cid, (_, t, m) in self.rows.items()]

    def count(self) -> int:
        return len(self.rows)

    def read_meta(self, record: str) -> str | None:
        return getattr(self, "meta", {}).get(record)

    def write_meta(self, record: str, text: str, version: str) -> None:
        self.meta = {**getattr(self, "meta", {}), record: text}


def _match(meta: dict[str, Any], where: Where) -> bool:
    if "$and" in where:
        return all(_match(meta, w) for w in where["$and"])
    for key, cond in where.items():
        if isinstance(cond, dict) and "$in" in cond:
            if meta.get(key) not in cond["$in"]:
                return False
        elif meta.get(key) != cond:
            return False
    return True
