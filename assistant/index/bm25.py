"""Lexical retrieval: BM25 (bm25s) over stemmed, accent-folded tokens."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

_TOKEN = re.compile(r"[a-z0-9]+(?:[+'][a-z0-9]+)*")
STOPWORDS = frozenset(
    """a an and are as at be but by can do does for from has have how i if in into is it its may
    me my of on or our should so than that the their them then there these they this to was we
    what when where which who whom why will with would you your about any all also been being
    must not no yes shall""".split()
)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokenize(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Lower-case, accent-folded, stemmed word tokens."""
    words = _TOKEN.findall(fold(text))
    if not keep_stopwords:
        words = [w for w in words if w not in STOPWORDS]
    return list(_stemmer().stemWords(words))


def word_share(sentence: str, passage: str) -> float:
    """The share of ``sentence``'s content words (stemmed) that ``passage`` contains."""
    words = set(tokenize(sentence))
    if not words:
        return 0.0
    return len(words & set(tokenize(passage))) / len(words)


class LexicalIndex:
    """BM25 over a fixed list of texts; queries may carry a 0/1 mask (the audience pre-filter)."""

    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        self.size = len(texts)
        self._tokens = [tokenize(t) for t in texts]
        self._bm25 = bm25s.BM25()
        if self.size:
            self._bm25.index([toks or ["\u2205"] for toks in self._tokens], show_progress=False)

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
