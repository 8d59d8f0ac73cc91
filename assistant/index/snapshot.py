"""The store's copies of the termbase and the exchange ledger, taken at sync.

``termbase.yaml`` is read by :mod:`assistant.language.termfile`; here it is kept beside the
manifest as JSON, so that the store alone answers term look-ups, without the corpus and
without the model or Chroma.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from assistant.corpus.ledger import Ledger, find_ledger, load_ledger
from assistant.corpus.partners import Registry
from assistant.errors import BadInput, NotFound
from assistant.files import write_atomic
from assistant.index.manifest import state_dir
from assistant.language.termbase import Termbase
from assistant.language.termfile import TERMBASE_FILE, find_termbase, load_termbase

SNAPSHOT_FILE = "termbase.json"


def save_termbase_snapshot(location: str, roots: list[Path]) -> None:
    """Copy the corpus termbase into the store as JSON (called by sync).

    A broken termbase raises :class:`TermbaseError` and leaves the previous snapshot in place.
    A corpus root without a termbase removes the snapshot; roots outside any corpus leave it.
    """
    path, corpus_root = find_termbase(roots)
    target = state_dir(location) / SNAPSHOT_FILE
    if path is None:
        if corpus_root is not None:
            target.unlink(missing_ok=True)
        return
    digest = _digest(path)
    if _snapshot_digest(target) == digest:
        return  # the termbase file is as it was at the last sync: no need to parse it again
    termbase = load_termbase(path)
    data = json.loads(termbase.to_json())
    data["source"] = str(path.resolve())
    data["digest"] = digest
    write_atomic(target, json.dumps(data, ensure_ascii=False, indent=1))


SNAPSHOT_FORMAT = 1
"""Bump when what a snapshot holds changes: every store's snapshot is then taken again."""


def _digest(path: Path) -> str:
    """The termbase file's content and where it is, with the snapshot's format."""
    content = hashlib.sha256(path.read_bytes()).hexdigest()
    return f"{SNAPSHOT_FORMAT}:{path.resolve()}:{content}"


def _snapshot_digest(target: Path) -> str | None:
    try:
        return str(json.loads(target.read_text(encoding="utf-8")).get("digest"))
    except (OSError, ValueError, AttributeError):
        return None


def load_termbase_snapshot(location: str) -> Termbase | None:
    """The termbase the store was last synced with, or None (none, or unreadable)."""
    path = state_dir(location) / SNAPSHOT_FILE
    if not path.is_file():
        return None
    try:
        return Termbase.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, ValidationError, BadInput):
        # A damaged snapshot only costs a re-sync, like the manifest.
        return None


def open_termbase(
    location: str, corpus: Path | None = None, default_corpus: Path | None = None
) -> Termbase:
    """The termbase to look terms up in: the ``corpus`` given, else the store's snapshot, else
    the default corpus (a store not yet synced). NotFound when there is none."""
    if corpus is not None:
        path, _ = find_termbase([corpus])
        if path is None:
            raise NotFound(f"no {TERMBASE_FILE} in {corpus}")
        return load_termbase(path)
    snapshot = load_termbase_snapshot(location)
    if snapshot is not None:
        return snapshot
    if default_corpus is not None:
        path, _ = find_termbase([default_corpus])
        if path is not None:
            return load_termbase(path)
    raise NotFound(
        f"the store at {location} has no termbase", "run: liaison ingest, or give --corpus DIR"
    )


LEDGER_SNAPSHOT = "ledger.json"


def save_ledger_snapshot(
    location: str, roots: list[Path], registry: Registry | None, documents: Iterable[str]
) -> None:
    """Copy the corpus's exchange ledger into the store (called by sync). A broken ledger
    raises :class:`LedgerError` (every bad row with its line) and leaves the previous
    snapshot in place; a corpus root without a ledger removes it."""
    path, corpus_root = find_ledger(roots)
    target = state_dir(location) / LEDGER_SNAPSHOT
    if path is None:
        if corpus_root is not None:
            target.unlink(missing_ok=True)
        return
    text = load_ledger(path, registry, documents).model_dump_json(indent=1)
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return
    write_atomic(target, text)


def load_ledger_snapshot(location: str) -> Ledger | None:
    """The ledger the store was last synced with, or None (none, or unreadable)."""
    path = state_dir(location) / LEDGER_SNAPSHOT
    if not path.is_file():
        return None
    try:
        return Ledger.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, ValidationError):
        return None
