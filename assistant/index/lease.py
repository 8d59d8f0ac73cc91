"""One ingest at a time into a team store, across machines: a lease held in the server.

The file lock of :mod:`assistant.index.lock` serialises ingests on one machine; two machines
share only the server. So the holder is written into the store's metadata (a record beside the
catalogue) with who, since when and a random nonce, and renewed every few seconds while the
ingest runs. Chroma has no compare-and-swap, so taking the lease is a write, a pause, and a
read back: the one whose nonce is there after the pause holds it, the other waits and tries
again. A lease not renewed for LEASE seconds belonged to an ingest that died: it is taken
over with a notice (the journal then repairs what that ingest left half done).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from assistant.index.lock import LockedError, Notify, _me, describe
from assistant.index.types import VectorStore

RECORD = "sync-lease"
LEASE = 60.0
"""Seconds without renewal after which a lease is stale."""
RENEW = 5.0
SETTLE = 0.5
"""The pause between writing a lease and reading it back: far longer than the gap between
another ingest's read and its write, so two cannot both find their own nonce."""
POLL = 1.0


def holder(store: VectorStore) -> dict[str, Any] | None:
    """Who holds (or last held) the store's lease; None when it is free."""
    text = store.read_meta(RECORD)
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("nonce") else None


@contextmanager
def server_lease(
    store: VectorStore,
    *,
    wait: bool = True,
    notify: Notify | None = None,
    clock: Callable[[], float] = time.time,
) -> Iterator[None]:
    """Hold the store's lease for the block: wait for another holder (saying who), or with
    ``wait`` false raise :class:`LockedError`; take over a stale lease with a notice."""
    me = {**_me(), "nonce": secrets.token_hex(8)}
    stale = _take(store, me, wait, notify, clock)
    if stale is not None and notify:
        idle = clock() - float(stale.get("renewed", 0))
        notify(
            f"took over the store's sync lock from {describe(stale)} (no sign of life for "
            f"{idle:.0f} s); repairing"
        )
    stop = threading.Event()
    renewer = threading.Thread(target=_renew, args=(store, me, stop, clock), daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()
        if (holder(store) or {}).get("nonce") == me["nonce"]:
            store.write_meta(RECORD, "{}", "free")


def _take(
    store: VectorStore,
    me: dict[str, Any],
    wait: bool,
    notify: Notify | None,
    clock: Callable[[], float],
) -> dict[str, Any] | None:
    """Write the lease until it is ours; the stale lease taken over, if any."""
    told = False
    while True:
        held = holder(store)
        live = held is not None and clock() - float(held.get("renewed", 0)) < LEASE
        if held is not None and live:
            who = describe(held)
            if not wait:
                raise LockedError(
                    f"the store is being synced by {who}", "try again later, or drop --no-wait"
                )
            if notify and not told:
                notify(f"waiting: the store is being synced by {who}")
                told = True
            time.sleep(POLL)
            continue
        _write(store, me, clock)
        time.sleep(SETTLE)
        if (holder(store) or {}).get("nonce") == me["nonce"]:
            return held
        # Another ingest wrote after us: it holds the lease now; wait for it.


def _write(store: VectorStore, me: dict[str, Any], clock: Callable[[], float]) -> None:
    store.write_meta(RECORD, json.dumps({**me, "renewed": clock()}), me["nonce"])


def _renew(
    store: VectorStore, me: dict[str, Any], stop: threading.Event, clock: Callable[[], float]
) -> None:
    while not stop.wait(RENEW):
        try:
            _write(store, me, clock)
        except Exception:  # a missed renewal is retried; the lease is long
            continue
