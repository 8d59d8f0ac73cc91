"""One ingest at a time per store: an exclusive file lock in the store's state folder.

The lock is an OS file lock (``filelock``), so it is released when its process ends, however
it ends. Beside it a small JSON file names the holder (user, host, process, since): a second
ingest waits with a message saying who holds the lock since when, or with ``--no-wait`` exits
1 with that message. A holder file left behind by a process that is gone (it died holding the
lock) is taken over with a notice.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant import identity
from assistant.errors import LiaisonError
from assistant.files import write_atomic

LOCK_FILE = "liaison-sync.lock"
HOLDER_FILE = "liaison-sync.holder.json"

Notify = Callable[[str], None]


class LockedError(LiaisonError):
    """Another ingest holds the store's lock (and the caller would not wait)."""

    title = "Store locked"


def holder_of(state: Path) -> dict[str, Any] | None:
    """Who holds (or last held, if it died) the sync lock of the store in ``state``."""
    try:
        data = json.loads((state / HOLDER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def describe(holder: dict[str, Any] | None) -> str:
    if not holder:
        return "another ingest"
    return (
        f"an ingest by {holder.get('user', '?')}@{holder.get('host', '?')} "
        f"(process {holder.get('pid', '?')}) since {holder.get('since', '?')}"
    )


def alive(holder: dict[str, Any]) -> bool:
    """Is the holder's process still running? Only knowable on the same host."""
    if holder.get("host") != identity.host():
        return True  # another machine: assume it is (the file lock is the real guard)
    pid = holder.get("pid")
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def sync_lock(state: Path, *, wait: bool = True, notify: Notify | None = None) -> Iterator[None]:
    """Hold the store's sync lock for the block. Waits (saying for whom) unless ``wait`` is
    false, in which case a held lock raises :class:`LockedError`."""
    from filelock import FileLock, Timeout

    state.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(state / LOCK_FILE))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        who = describe(holder_of(state))
        if not wait:
            raise LockedError(
                f"the store is being synced by {who}", "try again later, or drop --no-wait"
            ) from None
        if notify:
            notify(f"waiting: the store is being synced by {who}")
        lock.acquire()
    try:
        left = holder_of(state)
        if left is not None and left.get("pid") != os.getpid() and notify:
            # A holder file outlived its lock: that process died while syncing.
            state_word = "gone" if not alive(left) else "no longer holding it"
            notify(f"took over the sync lock from {describe(left)} ({state_word}); repairing")
        write_atomic(state / HOLDER_FILE, json.dumps(_me()))
        yield
    finally:
        (state / HOLDER_FILE).unlink(missing_ok=True)
        lock.release()


def _me() -> dict[str, Any]:
    return {
        "user": identity.user(),
        "host": identity.host(),
        "pid": os.getpid(),
        "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
