"""A team store partitioned by classification level: one Chroma database per level, behind a
proxy that lets each token reach only the databases up to its holder's clearance.

Writes go to the database of each chunk's level. Reads go to every database up to the
configured clearance that the token reaches; a database the proxy refuses (403) is left out,
so a token issued for RESTRICTED reads RESTRICTED and below whatever the configuration says.
The release gate still checks every passage, as for a folder store: the partition is a second
wall, held by the server, not a replacement for the first.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from assistant.corpus.markings import Level
from assistant.errors import StoreError
from assistant.index.levels import DATABASES, chunk_level, up_to
from assistant.index.store import ChromaStore
from assistant.index.types import StoredChunk, Where


class PartitionedStore:
    """The :class:`~assistant.index.types.VectorStore` of a server, over its level databases."""

    def __init__(
        self,
        location: str,
        collection: str,
        *,
        token: str | None,
        ca: str | None,
        clearance: Level,
    ) -> None:
        self.location = location
        self.name = collection
        self.clearance = clearance
        self._token, self._ca = token, ca
        self._levels: dict[Level, ChromaStore | None] = {}
        self._refused: dict[Level, StoreError] = {}
        if not self.readable():
            raise self._refused.get(Level.UNCLASSIFIED) or StoreError(
                f"the store at {location} gives this token no level to read",
                "ask the store's administrator for access at your clearance",
            )

    # -- the level databases --------------------------------------------------------------
    def at(self, level: Level) -> ChromaStore:
        """The store of one level; raises the proxy's refusal when the token cannot reach it."""
        store = self._reach(level)
        if store is None:
            raise self._refused[level]
        return store

    def _reach(self, level: Level) -> ChromaStore | None:
        if level not in self._levels:
            try:
                self._levels[level] = ChromaStore(
                    self.location,
                    self.name,
                    token=self._token,
                    ca=self._ca,
                    database=DATABASES[level],
                )
            except StoreError as exc:
                if "(403)" not in exc.message:
                    raise
                self._levels[level] = None
                self._refused[level] = exc
        return self._levels[level]

    def readable(self) -> list[Level]:
        """The levels this user reads: up to the clearance, and reached by the token."""
        return [level for level in up_to(self.clearance) if self._reach(level) is not None]

    def reachable(self) -> list[Level]:
        """Every level the token reaches, whatever the configured clearance (for writes)."""
        return [level for level in Level if self._reach(level) is not None]

    def require_every_level(self) -> None:
        """An ingest writes every level (and each level's catalogue): its token must reach all
        of them, or the store would be left with catalogues that disagree."""
        missing = [level for level in Level if self._reach(level) is None]
        if missing:
            raise StoreError(
                f"the store at {self.location} refuses this token the "
                f"{', '.join(m.value for m in missing)} database(s): an ingest into a team "
                "store needs a token for every level",
                "ingest with the administrator's token (make serve-store --issue NAME:TOP SECRET)",
            )

    # -- VectorStore ----------------------------------------------------------------------
    def upsert(
        self,
        ids: Sequence[str],
        embeddings: Sequence[Sequence[float]],
        texts: Sequence[str],
        metas: Sequence[dict[str, Any]],
    ) -> None:
        groups: dict[Level, list[int]] = {}
        for i, meta in enumerate(metas):
            groups.setdefault(chunk_level(meta), []).append(i)
        for level, rows in groups.items():
            self.at(level).upsert(
                [ids[i] for i in rows],
                [embeddings[i] for i in rows],
                [texts[i] for i in rows],
                [metas[i] for i in rows],
            )

    def delete_doc(self, doc_id: str, keep: Collection[str] = ()) -> None:
        for level in self.reachable():
            self.at(level).delete_doc(doc_id, keep)

    def doc_ids(self) -> set[str]:
        return {d for level in self.reachable() for d in self.at(level).doc_ids()}

    def query(self, vector: Sequence[float], k: int, where: Where | None) -> list[StoredChunk]:
        found = [c for level in self.readable() for c in self.at(level).query(vector, k, where)]
        found.sort(key=lambda c: (c.distance if c.distance is not None else 2.0, c.id))
        return found[:k]

    def all(self) -> list[StoredChunk]:
        return [c for level in self.readable() for c in self.at(level).all()]

    def count(self) -> int:
        return sum(self.at(level).count() for level in self.readable())

    def read_meta(self, record: str) -> str | None:
        """A store-wide record (the sync lock), kept in the lowest level every token reads."""
        return self.at(Level.UNCLASSIFIED).read_meta(record)

    def write_meta(self, record: str, text: str, version: str) -> None:
        self.at(Level.UNCLASSIFIED).write_meta(record, text, version)
