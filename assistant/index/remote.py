"""A server store's catalogue, kept in the server itself.

The manifest (documents, chunks, the partner registry, the store's signature and encoder),
the termbase snapshot and the exchange ledger snapshot live beside the chunks, in one record
of the server's ``<collection>__meta`` collection, versioned by the digest of its content.
Each level's database holds its own copy, cut down to what that level may see
(:func:`for_level`): a reader's token reaches no catalogue above its clearance either. An
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

from assistant.corpus.catalogue import DocEntry
from assistant.corpus.markings import Handling, Level
from assistant.files import write_atomic
from assistant.index.manifest import MANIFEST, Manifest, state_dir
from assistant.index.partition import PartitionedStore
from assistant.index.snapshot import LEDGER_SNAPSHOT, SNAPSHOT_FILE
from assistant.index.store import is_url, open_configured

if TYPE_CHECKING:
    from assistant.config import Settings

RECORD = "catalogue"
FORMAT = 1
FILES = (MANIFEST, SNAPSHOT_FILE, LEDGER_SNAPSHOT)


def publish(settings: Settings) -> str | None:
    """Write this machine's catalogue of a server store into the server (after an ingest): in
    each level's database, the catalogue as that level may see it (:func:`for_level`). The
    version of the whole catalogue, or None for a folder store."""
    location = settings.store_location()
    if not is_url(location):
        return None
    folder = state_dir(location)
    files = {
        name: (folder / name).read_text("utf-8") for name in FILES if (folder / name).is_file()
    }
    whole = _record(files)
    version = hashlib.sha256(whole.encode()).hexdigest()[:16]
    store = open_configured(settings)
    if not isinstance(store, PartitionedStore):  # pragma: no cover - a server store always is
        store.write_meta(RECORD, whole, version)
        return version
    store.require_every_level()
    for level in Level:  # lowest first: a reader at any level finds its copy as soon as it can
        text = _record(for_level(files, level))
        store.at(level).write_meta(RECORD, text, hashlib.sha256(text.encode()).hexdigest()[:16])
    return version


def fetch(settings: Settings, *, every_level: bool = False) -> bool:
    """Take the server's catalogue into the local data directory, from the highest level this
    user reads (with ``every_level``, the whole catalogue, for an ingest); False when the
    server has none yet (a store no one has ingested into) or for a folder store."""
    location = settings.store_location()
    if not is_url(location):
        return False
    store = open_configured(settings)
    if isinstance(store, PartitionedStore):
        levels = store.reachable() if every_level else store.readable()
        text = store.at(levels[-1]).read_meta(RECORD)
    else:  # pragma: no cover - a server store always is partitioned
        text = store.read_meta(RECORD)
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


def _record(files: dict[str, str]) -> str:
    return json.dumps({"format": FORMAT, "files": files}, ensure_ascii=False, sort_keys=True)


def for_level(files: dict[str, str], level: Level) -> dict[str, str]:
    """The catalogue files as a reader at ``level`` may have them. A document is listed only
    with the chunks kept at or below ``level`` (none: not listed, not even its title); the
    names of its sections above the level are withheld (their markings stay, so a release
    check still counts them); its quiz goes when its banner is above the level. The exchange
    ledger goes when its own marking is above the level. Fail closed: a chunk of unknown
    level counts as the top one."""
    out = dict(files)
    if MANIFEST in files:
        manifest = Manifest.model_validate_json(files[MANIFEST])
        manifest.documents = {
            doc_id: kept
            for doc_id, entry in manifest.documents.items()
            if (kept := _entry_for(entry, level)) is not None
        }
        out[MANIFEST] = manifest.model_dump_json(indent=1)
    if LEDGER_SNAPSHOT in files:
        ledger = json.loads(files[LEDGER_SNAPSHOT])
        handling = Handling.model_validate(ledger.get("handling"))
        if handling.effective_level().rank > level.rank:
            del out[LEDGER_SNAPSHOT]
    return out


def _entry_for(entry: DocEntry, level: Level) -> DocEntry | None:
    top = Level.TOP_SECRET.rank
    ranks = entry.levels if len(entry.levels) == len(entry.chunks) else (top,) * len(entry.chunks)
    kept = [(c, r) for c, r in zip(entry.chunks, ranks, strict=True) if r <= level.rank]
    if not kept:
        return None
    portions = tuple(
        p
        if p.handling.effective_level().rank <= level.rank
        else p.model_copy(update={"section": f"(withheld: above {level.value})"})
        for p in entry.portions
    )
    above = entry.banner.effective_level().rank > level.rank
    return entry.model_copy(
        update={
            "chunks": tuple(c for c, _ in kept),
            "levels": tuple(r for _, r in kept),
            "portions": portions,
            "quiz": () if above else entry.quiz,
        }
    )
