"""Lexical retrieval: BM25 (bm25s) over stemmed, accent-folded tokens."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.text import tokenize


class LexicalIndex:
    """BM25 over a fixed list of texts; queries may carry a 0/1 mask (the audience pre-filter)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._build([tokenize(t) for t in texts])

    def _build(self, tokens: list[list[str]]) -> None:
        import bm25s

        self.size = len(tokens)
        self.tokens = tokens
        self._bm25 = bm25s.BM25()
        if self.size:
            self._bm25.index([toks or ["\u2205"] for toks in tokens], show_progress=False)

    def save(self, folder: Path) -> None:
        """Write the index into ``folder`` (bm25s's own files: JSON and numpy, no pickle)."""
        if self.size:
            self._bm25.save(str(folder), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        """The index :meth:`save` wrote for ``size`` texts (memory-mapped)."""
        import bm25s

        index = cls.__new__(cls)
        index.size = size
        index.tokens = []
        index._bm25 = (
            bm25s.BM25.load(str(folder), mmap=True, allow_pickle=False) if size else (bm25s.BM25())
        )
        return index

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(position, score) of the best ``k`` texts with a positive score, best first."""
        tokens = tokenize(query)
        if not self.size or not tokens or k <= 0:
            return []
        k = min(k, self.size)
        weights = None if mask is None else mask.astype(np.float32)
        docs, scores = self._bm25.retrieve(
            [tokens], k=k, show_progress=False, weight_mask=weights, n_threads=0
        )
        return [
            (int(d), float(s))
            for d, s in zip(docs[0], scores[0], strict=False)
            if s > 0 and (mask is None or mask[int(d)])
        ]
