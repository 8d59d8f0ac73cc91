"""A server store's catalogue, kept in the server itself.

The manifest (documents, chunks, the partner registry, the store's signature and encoder),
the termbase snapshot and the exchange ledger snapshot live beside the chunks, in one record
of the server's ``<collection>__meta`` collection, versioned by the digest of its content. An
ingest publishes it in one write after its chunks; every command on a server store first
takes the server's copy into the local data directory, where the light commands read it. So a
second machine with an empty home and only the store's URL and token can run ``status``,
``check``, ``search``, ``ask``, ``brief`` and ``chat``.

A folder store keeps these files beside its Chroma folder, as always; nothing here runs.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from assistant.files import write_atomic
from assistant.index.manifest import MANIFEST, state_dir
from assistant.index.snapshot import LEDGER_SNAPSHOT, SNAPSHOT_FILE
from assistant.index.store import is_url, open_configured

if TYPE_CHECKING:
    from assistant.config import Settings

RECORD = "catalogue"
FORMAT = 1
FILES = (MANIFEST, SNAPSHOT_FILE, LEDGER_SNAPSHOT)


def publish(settings: Settings) -> str | None:
    """Write this machine's catalogue of a server store into the server (after an ingest);
    its version, or None for a folder store."""
    location = settings.store_location()
    if not is_url(location):
        return None
    folder = state_dir(location)
    files = {
        name: (folder / name).read_text("utf-8") for name in FILES if (folder / name).is_file()
    }
    text = json.dumps({"format": FORMAT, "files": files}, ensure_ascii=False, sort_keys=True)
    version = hashlib.sha256(text.encode()).hexdigest()[:16]
    store = open_configured(settings)
    store.write_meta(RECORD, text, version)
    return version


def fetch(settings: Settings) -> bool:
    """Take the server's catalogue into the local data directory; False when the server has
    none yet (a store no one has ingested into) or for a folder store."""
    location = settings.store_location()
    if not is_url(location):
        return False
    text = open_configured(settings).read_meta(RECORD)
    if text is None:
        return False
    data = json.loads(text)
    if data.get("format") != FORMAT:
        return False
    folder = state_dir(location)
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = data.get("files", {})
    for name in FILES:
        target = folder / name
        if name in files:
            if not target.is_file() or target.read_text("utf-8") != files[name]:
                write_atomic(target, files[name])
        else:
            target.unlink(missing_ok=True)  # the server's catalogue has none (no termbase)
    return True
