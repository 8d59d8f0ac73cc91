"""Hybrid retrieval: dense (Chroma) and lexical (BM25), fused by reciprocal rank fusion.

Both retrievers are pre-filtered to what the audience may see, and every fused hit then passes
the gate (:mod:`assistant.gate`) before anyone sees it.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from assistant.corpus.chunking import context_text
from assistant.corpus.markings import Handling, from_metadata
from assistant.errors import StoreError
from assistant.index.bm25 import LexicalIndex
from assistant.index.embedder import Embedder
from assistant.index.table import load_table, save_table
from assistant.index.types import StoredChunk, VectorStore, Where
from assistant.policy.gate import Audience, admit, allowed_keys
from assistant.policy.rules import Outcome
from assistant.retrieval.types import Filters, Hit, Mode, SearchResult, Withheld
from assistant.text import fold

_SNAPSHOT_ATTEMPTS = 20
_SNAPSHOT_PAUSE = 0.1


@dataclass(frozen=True)
class _Ranking:
    """One retriever's ranked candidates for one wording, with its weight in the fusion."""

    kind: Literal["dense", "lexical"]
    weight: float
    items: list[tuple[StoredChunk, float]]


_WORD = re.compile(r"[a-z]+")

Published = Callable[[], "set[str] | None"]
"""The chunk ids the catalogue publishes (every document's current version), read anew; None
when there is no catalogue to hold the store to."""


class Retriever:
    """Dense + BM25 over one store. The chunk table (for BM25 and the handling pre-filter) is
    read from the store once, so it is right for a shared server store as well.

    With ``published``, the retriever sees each document as one version: an ingest writes a
    document's new chunks first, then publishes them in the catalogue, then removes the old
    ones, so the table is read first and held to the ids the catalogue published after it;
    a dense hit outside that snapshot (a chunk written since) is left out."""

    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        *,
        candidates: int = 30,
        rrf_k: int = 60,
        dense_weight: float = 1.0,
        lexical_weight: float = 1.5,
        mode: Mode = "hybrid",
        published: Published | None = None,
        cache: str | None = None,
    ) -> None:
        self.store = store
        self.published = published
        self.cache = cache
        """The store location whose chunk table is cached (index/table.py); None: no cache."""
        self._visible: set[str] | None = None
        self.embedder = embedder
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.dense_weight = dense_weight
        self.lexical_weight = lexical_weight
        self.mode: Mode = mode
        self._chunks: list[StoredChunk] | None = None
        self._handlings: list[Handling] = []
        self._distinct: dict[str, Handling] = {}
        """Each handling key of the store once: what the gate decides per query (a store has
        a few dozen, not one per chunk)."""
        self._key_codes: np.ndarray = np.zeros(0, dtype=np.int32)
        """Per chunk, the position of its handling key in ``_distinct``."""
        self._lexical: LexicalIndex | None = None
        self._lock = threading.Lock()
        self._vocabularies: dict[frozenset[str], frozenset[str]] = {}

    def vocabulary(self, audience: Audience) -> frozenset[str]:
        """The words (folded, five letters or more) of the passages ``audience`` may see: what
        a cognate in a question in another language may be matched to. Built once per set of
        admitted handlings; a word only in passages the audience may not see is not in it."""
        chunks, _ = self._table()
        with self._lock:
            keys = frozenset(allowed_keys(self._distinct.values(), audience))
            cached = self._vocabularies.get(keys)
            if cached is not None:
                return cached
        words: set[str] = set()
        for chunk, handling in zip(chunks, self._handlings, strict=True):
            if handling.key() in keys:
                words.update(w for w in _WORD.findall(fold(chunk.text)) if len(w) >= 5)
        vocabulary = frozenset(words)
        with self._lock:
            self._vocabularies[keys] = vocabulary
        return vocabulary

    def warm(self) -> None:
        """Load the chunk table, BM25 index and model now instead of on the first query."""
        self._table()
        self.embedder.load()

    def _table(self) -> tuple[list[StoredChunk], LexicalIndex]:
        with self._lock:
            if self._chunks is None or self._lexical is None:
                chunks, lexical = self._read_table()
                self._handlings = [from_metadata(c.meta) for c in chunks]
                self._distinct = {}
                for handling in self._handlings:
                    self._distinct.setdefault(handling.key(), handling)
                positions = {key: i for i, key in enumerate(self._distinct)}
                self._key_codes = np.array(
                    [positions[h.key()] for h in self._handlings], dtype=np.int32
                )
                self._lexical = lexical
                self._chunks = chunks
                self._vocabularies = {}
            return self._chunks, self._lexical

    def _read_table(self) -> tuple[list[StoredChunk], LexicalIndex]:
        """The published chunks and their lexical index: from the cache when it holds exactly
        the published ids, else from the store (and the cache is written again)."""
        ids = self.published() if self.cache is not None and self.published is not None else None
        cached = load_table(self.cache, ids) if self.cache is not None and ids else None
        if cached is not None:
            self._visible = set(ids or ())
            return cached
        chunks = self._snapshot()
        lexical = LexicalIndex(
            [
                context_text(str(c.meta.get("title", "")), str(c.meta.get("section")), c.text)
                for c in chunks
            ]
        )
        if self.cache is not None and self._visible is not None:
            save_table(self.cache, chunks, lexical)
        return chunks, lexical

    def _snapshot(self) -> list[StoredChunk]:
        """The store's chunks as one consistent version of every document."""
        for _attempt in range(_SNAPSHOT_ATTEMPTS):
            chunks = self.store.all()
            ids = self.published() if self.published is not None else None
            if ids is None:
                self._visible = None
                return chunks
            present = {c.id for c in chunks}
            if ids <= present:  # every published chunk was there when the table was read
                self._visible = ids
                return [c for c in chunks if c.id in ids]
            time.sleep(_SNAPSHOT_PAUSE)  # an ingest published a version after the table read
        raise StoreError(
            "the store and its catalogue disagree (chunks the catalogue lists are missing)",
            "run: liaison ingest (it repairs the store)",
        )

    def search(
        self,
        query: str,
        audience: Audience,
        *,
        k: int = 5,
        filters: Filters | None = None,
        mode: Mode | None = None,
        lexical_query: str | None = None,
        also: Sequence[str] = (),
        also_weight: float = 0.5,
    ) -> SearchResult:
        """The top ``k`` passages the audience may see, and what was withheld for consent.

        ``also`` are other wordings of the same question (e.g. the question as asked, next to
        its English carry-over): their rankings join the fusion at ``also_weight``.
        """
        filters = filters or Filters()
        mode = mode or self.mode
        chunks, lexical = self._table()
        keys = set(allowed_keys(self._distinct.values(), audience))
        queries = [query, *(q for q in also if q.strip() and q != query)]
        weights = [1.0] + [also_weight] * (len(queries) - 1)
        vectors = list(self.embedder.encode(queries)) if mode != "lexical" else []
        lexical_queries = [query if lexical_query is None else lexical_query, *queries[1:]]
        rankings = self._rankings(lexical_queries, vectors, weights, keys, filters, mode)
        fused = self._fuse(rankings, chunks, lexical)
        hits = admit(fused, audience)[:k]
        vector = vectors[0] if vectors else None
        withheld = self._withheld(query, vector, audience, filters, chunks, lexical, k)
        return SearchResult(query, audience.partner, hits, withheld, vector)

    def passages(self, doc_ids: Sequence[str], audience: Audience) -> list[Hit]:
        """Every passage of ``doc_ids`` that the audience may see, in document order."""
        chunks, _ = self._table()
        wanted = set(doc_ids)
        found = [Hit(c.id, c.text, c.meta, 0.0) for c in chunks if c.meta.get("doc_id") in wanted]
        found.sort(
            key=lambda h: (
                h.doc_id,
                int(h.meta.get("line", 0) or 0),
                int(h.meta.get("ordinal", 0) or 0),
            )
        )
        return admit(found, audience)

    def _rankings(
        self,
        queries: Sequence[str],
        vectors: Sequence[np.ndarray],
        weights: Sequence[float],
        keys: set[str],
        filters: Filters,
        mode: Mode,
    ) -> list[_Ranking]:
        """One dense and one lexical ranking per wording, each with its fusion weight."""
        if not keys:
            return []
        chunks, lexical = self._table()
        out: list[_Ranking] = []
        everything = keys >= self._distinct.keys()
        if mode in ("hybrid", "dense"):
            # No handling condition when every key is allowed: a filtered Chroma query costs
            # tens of milliseconds at 10k chunks, an unfiltered one about one.
            conditions: list[Where] = [
                *([] if everything else [{"handling_key": {"$in": sorted(keys)}}]),
                *filters.where(),
            ]
            where = (
                None
                if not conditions
                else conditions[0]
                if len(conditions) == 1
                else {"$and": conditions}
            )
            for vector, weight in zip(vectors, weights, strict=False):
                found = self.store.query(vector.tolist(), self.candidates, where)
                if self._visible is not None:
                    found = [c for c in found if c.id in self._visible]
                out.append(
                    _Ranking(
                        "dense",
                        self.dense_weight * weight,
                        [(c, 1.0 - float(c.distance or 0.0)) for c in found],
                    )
                )
        if mode in ("hybrid", "lexical"):
            mask = self._mask(keys, filters, everything)
            for text, weight in zip(queries, weights, strict=True):
                found_lex = lexical.search(text, self.candidates, mask)
                out.append(
                    _Ranking(
                        "lexical",
                        self.lexical_weight * weight,
                        [(chunks[pos], score) for pos, score in found_lex],
                    )
                )
        return out

    def _mask(self, keys: set[str], filters: Filters, everything: bool) -> np.ndarray | None:
        """The chunks the lexical ranking may return: by handling key, from the codes kept at
        load (no scan of the metadata), and by the filters when there are any."""
        mask = None
        if not everything:
            allowed = [i for i, key in enumerate(self._distinct) if key in keys]
            mask = np.isin(self._key_codes, np.array(allowed, dtype=np.int32))
        if filters.where():
            chunks, _ = self._table()
            matching = np.array([filters.matches(c.meta) for c in chunks], dtype=bool)
            mask = matching if mask is None else mask & matching
        return mask

    def _fuse(
        self,
        rankings: Sequence[_Ranking],
        chunks: Sequence[StoredChunk],
        lexical: LexicalIndex,
    ) -> list[Hit]:
        """Reciprocal rank fusion. A hit keeps the dense similarity and lexical score of the
        first (main) wording that found it."""
        scores: dict[str, float] = {}
        by_id: dict[str, StoredChunk] = {}
        signal: dict[str, dict[str, float]] = {"dense": {}, "lexical": {}}
        for ranking in rankings:
            for rank, (item, value) in enumerate(ranking.items):
                scores[item.id] = scores.get(item.id, 0.0) + ranking.weight / (
                    self.rrf_k + rank + 1
                )
                by_id.setdefault(item.id, item)
                signal[ranking.kind].setdefault(item.id, value)
        ranked = sorted(scores, key=lambda cid: (-scores[cid], cid))
        return [
            Hit(
                chunk_id=cid,
                text=by_id[cid].text,
                meta=by_id[cid].meta,
                score=scores[cid],
                dense=signal["dense"].get(cid),
                lexical=signal["lexical"].get(cid),
            )
            for cid in ranked
        ]

    def _withheld(
        self,
        query: str,
        vector: np.ndarray | None,
        audience: Audience,
        filters: Filters,
        chunks: Sequence[StoredChunk],
        lexical: LexicalIndex,
        k: int,
    ) -> list[Withheld]:
        """Documents that answer the query but need consent for this audience: named only."""
        if audience.partner is None:
            return []
        own_view = Audience(audience.clearance, None, audience.registry, audience.today)
        keys = {
            h.key()
            for h in self._distinct.values()
            if own_view.admits(h)
            and (d := audience.decision(h)) is not None
            and d.outcome is Outcome.NEEDS_CONSENT
        }
        if not keys:
            return []
        vectors = [vector] if vector is not None else []
        rankings = self._rankings([query], vectors, [1.0], keys, filters, "hybrid")
        candidates = self._fuse(rankings, chunks, lexical)[:k]
        out: dict[str, Withheld] = {}
        for hit in candidates:
            if hit.dense is not None and hit.dense < 0.3 and hit.lexical is None:
                continue
            handling = hit.handling
            decision = audience.decision(handling)
            if decision is None or decision.outcome is not Outcome.NEEDS_CONSENT:
                continue
            out.setdefault(
                hit.doc_id,
                Withheld(
                    doc_id=hit.doc_id,
                    title=hit.title,
                    originator=handling.originator or "?",
                    decision=decision.outcome.value,
                    rule=decision.rule,
                    reason=decision.reason,
                ),
            )
        return list(out.values())
