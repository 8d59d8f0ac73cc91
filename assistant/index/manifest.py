"""The manifest: what the store holds, by document, with content hashes.

It lets an unchanged ingest finish without loading the model or opening Chroma, and it is the
catalogue that ``status``, ``check`` and ``onboard`` read, so those stay light too. It lives next
to an embedded store; for a Chroma server it lives in the local data directory, keyed by URL.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from assistant import paths
from assistant.corpus.catalogue import DocEntry
from assistant.corpus.partners import Partner, Registry
from assistant.errors import StoreError
from assistant.files import write_atomic
from assistant.index.store import is_url

MANIFEST = "liaison-manifest.json"
JOURNAL = "liaison-sync.journal"


class Manifest(BaseModel):
    version: int = 1
    signature: dict[str, Any] = Field(default_factory=dict)
    dimension: int | None = None
    """Length of the stored vectors (recorded when the model embeds)."""
    origin: dict[str, Any] = Field(default_factory=dict)
    """Where the last ingest that changed the store came from: host, user, corpus roots."""
    encoder: dict[str, Any] = Field(default_factory=dict)
    """How the stored vectors were made: model, dimension, precision (fp32 or bf16), and how
    questions are embedded on the ingesting machine (onnx or torch)."""
    roots: list[str] = Field(default_factory=list)
    last_sync: dt.datetime | None = None
    partners: dict[str, Partner] = Field(default_factory=dict)
    registry_digest: str = ""
    documents: dict[str, DocEntry] = Field(default_factory=dict)

    def registry(self) -> Registry:
        return Registry(partners=dict(self.partners))

    @property
    def chunk_count(self) -> int:
        return sum(len(d.chunks) for d in self.documents.values())


def state_dir(location: str) -> Path:
    """Where the manifest of a store lives: the store folder, or a local folder for a server."""
    if is_url(location):
        slug = re.sub(r"[^A-Za-z0-9]+", "-", location).strip("-")
        return paths.data_dir() / "remote" / slug
    return Path(location).expanduser()


def load_manifest(location: str) -> Manifest:
    path = state_dir(location) / MANIFEST
    if not path.is_file():
        return Manifest()
    try:
        return Manifest.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, OSError, ValueError):
        # An unreadable manifest only costs a rebuild: start empty, sync re-adds everything.
        return Manifest()


def check_compatible(manifest: Manifest, model: str, chunker: str, schema: int) -> None:
    """Refuse to query a store built by another encoder, chunker or schema: its vectors or
    metadata would not mean what this configuration expects. Raises :class:`StoreError`."""
    stored = manifest.signature
    if not stored or not manifest.documents:
        return
    wanted = {"model": model, "chunker": chunker, "schema": schema}
    differ = [
        f"{key} {stored[key]!r} (this configuration: {value!r})"
        if key in stored
        else f"{key} (none recorded; this configuration: {value!r})"
        for key, value in wanted.items()
        if stored.get(key) != value
    ]
    if differ:
        raise StoreError(
            "the store was built with another " + ", ".join(differ),
            "run: liaison ingest --rebuild",
        )


def check_dimension(manifest: Manifest, dimension: int) -> None:
    if manifest.dimension is not None and manifest.documents and manifest.dimension != dimension:
        raise StoreError(
            f"the store holds {manifest.dimension}-dimensional vectors and the model makes "
            f"{dimension}-dimensional ones",
            "run: liaison ingest --rebuild",
        )


_PUBLISHED: dict[Path, tuple[tuple[int, int, int], set[str] | None]] = {}


def published_chunks(location: str) -> set[str] | None:
    """The chunk ids of every document's current version, from a fresh read of the manifest;
    None when the store has no manifest (nothing to hold a reader to). The file is parsed again
    only when it changed (its inode, size and time): the manifest of a large store is a few
    megabytes, and every write of it replaces the file."""
    path = state_dir(location) / MANIFEST
    try:
        stat = path.stat()
        stamp = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    except OSError:
        stamp = (0, 0, 0)
    known = _PUBLISHED.get(path)
    if known is not None and known[0] == stamp and stamp != (0, 0, 0):
        return set(known[1]) if known[1] is not None else None
    manifest = load_manifest(location)
    ids = {c for entry in manifest.documents.values() for c in entry.chunks} or None
    _PUBLISHED[path] = (stamp, ids)
    return set(ids) if ids is not None else None


def save_manifest(location: str, manifest: Manifest) -> None:
    write_atomic(state_dir(location) / MANIFEST, manifest.model_dump_json(indent=1))


def read_journal(location: str) -> set[str]:
    path = state_dir(location) / JOURNAL
    if not path.is_file():
        return set()
    try:
        return set(json.loads(path.read_text(encoding="utf-8")).get("pending", []))
    except (OSError, ValueError):
        return {"*"}  # unreadable journal: redo everything


def write_journal(location: str, pending: set[str]) -> None:
    write_atomic(state_dir(location) / JOURNAL, json.dumps({"pending": sorted(pending)}))


def clear_journal(location: str) -> None:
    (state_dir(location) / JOURNAL).unlink(missing_ok=True)
