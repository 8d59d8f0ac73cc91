"""The chunk table a retriever reads at start, cached beside a folder store.

A retriever needs the text and metadata of every published chunk and a lexical index over
them. Reading them from Chroma and indexing them again costs about 4 s at 10k chunks, in every
new process. Chunk ids are content hashes, so a table written for a set of ids stays true for
exactly that set: the cache (``liaison-table/``: the chunks as JSON, the BM25 index in bm25s's
own files, no pickle) is keyed by the published ids and used only when they are the same;
otherwise the table is read from the store and the cache written again.

Only folder stores are cached: their chunks are already on this disk. A server store's chunks
are never written to the local disk by this cache (a SECRET passage must not end up on a
laptop because someone queried a server); its table is read from the server each time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Collection
from pathlib import Path

from assistant.index.bm25 import LexicalIndex
from assistant.index.manifest import state_dir
from assistant.index.store import is_url
from assistant.index.types import StoredChunk

TABLE_DIR = "liaison-table"
FORMAT = 1
"""Bump when a cached table's content changes meaning (also when tokenize() changes)."""


def table_key(ids: Collection[str]) -> str:
    digest = hashlib.sha256(f"{FORMAT}\n".encode())
    for chunk_id in sorted(ids):
        digest.update(chunk_id.encode() + b"\n")
    return digest.hexdigest()


def load_table(
    location: str, ids: Collection[str]
) -> tuple[list[StoredChunk], LexicalIndex] | None:
    """The cached chunks and their lexical index, if the cache holds exactly ``ids``."""
    if is_url(location):
        return None
    folder = state_dir(location) / TABLE_DIR
    try:
        data = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != table_key(ids):
            return None
        chunks = [StoredChunk(str(i), str(t), dict(m)) for i, t, m in data["chunks"]]
        if {c.id for c in chunks} != set(ids):
            return None
        return chunks, LexicalIndex.load(folder / "bm25", len(chunks))
    except Exception:  # a damaged or partial cache is only rebuilt
        return None


def save_table(location: str, chunks: list[StoredChunk], lexical: LexicalIndex) -> None:
    """Cache the table of a folder store (nothing for a server store). Written whole into a
    new folder, then put in place: a reader finds the old cache, the new one, or none."""
    if is_url(location):
        return
    home = state_dir(location)
    work: Path | None = None
    try:
        work = Path(tempfile.mkdtemp(prefix=".table-", dir=home))
        data = {
            "format": FORMAT,
            "key": table_key([c.id for c in chunks]),
            "chunks": [[c.id, c.text, c.meta] for c in chunks],
        }
        (work / "chunks.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        lexical.save(work / "bm25")
        os.chmod(work, 0o700)
        target = home / TABLE_DIR
        old = home / f".table-old-{os.getpid()}"
        if target.exists():
            os.replace(target, old)
        os.replace(work, target)
        shutil.rmtree(old, ignore_errors=True)
    except OSError:  # a cache that cannot be written costs time, never an answer
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
