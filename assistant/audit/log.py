"""The audit log on disk: append-only, one sealed line per event, written under a lock.

Each append takes an exclusive file lock, checks that the log still ends where its head says,
writes the sealed line with one ``write`` on a file opened for appending, fsyncs it, then
moves the head (beside the log, and in the store's state folder). Concurrent commands never
interleave or tear a line. A log that no longer matches its head is not appended to: the
command fails with a clear line, and ``liaison audit verify`` says what is wrong.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.audit.chain import GENESIS, Head, Verdict, seal, unseal, verify
from assistant.errors import LiaisonError
from assistant.files import write_atomic

LOG_FILE = "audit.jsonl"
HEAD_FILE = "audit.head.json"
LOCK_FILE = "audit.lock"
STORE_HEADS = "audit-heads"
"""Folder in a store's state folder holding the head of each log that ran against it."""
LOCK_TIMEOUT = 30.0


class AuditError(LiaisonError):
    """The audit log cannot be written or does not match its head."""

    title = "Audit log"


class AuditLog:
    """The log at ``path``; ``store_state`` is the store's state folder, which keeps a second
    copy of the head (None: no store, e.g. ``liaison audit`` run on its own)."""

    def __init__(self, path: Path, store_state: Path | None = None) -> None:
        self.path = path
        self.head_path = path.with_name(HEAD_FILE)
        self.lock_path = path.with_name(LOCK_FILE)
        self.store_state = store_state

    # -- writing ---------------------------------------------------------------------------
    def append(self, entry: dict[str, Any]) -> str:
        """Seal ``entry`` onto the end of the log; return its hash. Raises :class:`AuditError`."""
        with self._locked():
            head = self._settled_head()
            line, digest = seal(entry, head.last)
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    written = os.write(fd, line + b"\n")
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError as exc:
                raise AuditError(
                    f"cannot write the audit log {self.path}: {exc.strerror or exc}",
                    "free disk space or fix the folder's permissions",
                ) from None
            if written != len(line) + 1:
                raise AuditError(f"the audit log {self.path} took only part of a line")
            self._write_heads(Head(lines=head.lines + 1, last=digest))
            return digest

    def _settled_head(self) -> Head:
        """The head the next line follows. A head one line behind (a crash between the write
        and the head) is brought forward; anything else that disagrees is refused."""
        head = self.read_head()
        last = self._last_line()
        if last is None:
            if head.lines:
                raise AuditError(
                    f"the audit log {self.path} is missing or empty but its head records "
                    f"{head.lines} lines",
                    "run: liaison audit verify, and report it",
                )
            return Head()
        try:
            sealed = unseal(last, head.lines)
        except ValueError:
            raise AuditError(
                f"the last line of the audit log {self.path} is damaged",
                "run: liaison audit verify, and report it",
            ) from None
        if sealed.hash == head.last and head.lines:
            return head
        if sealed.prev == head.last:
            return Head(lines=head.lines + 1, last=sealed.hash)
        raise AuditError(
            f"the audit log {self.path} does not end where its head says",
            "run: liaison audit verify, and report it",
        )

    def _write_heads(self, head: Head) -> None:
        text = head.model_dump_json()
        write_atomic(self.head_path, text)
        store_head = self.store_head_path()
        if store_head is not None:
            write_atomic(store_head, text)

    # -- reading ---------------------------------------------------------------------------
    def read_head(self) -> Head:
        return _read_head(self.head_path) or Head()

    def store_head_path(self) -> Path | None:
        if self.store_state is None:
            return None
        log_id = hashlib.sha256(str(self.path.resolve()).encode()).hexdigest()[:16]
        return self.store_state / STORE_HEADS / f"{log_id}.json"

    def verify(self) -> Verdict:
        """Check the chain, the local head and the store's copy of it."""
        with self._locked():
            data = self.path.read_bytes() if self.path.is_file() else b""
            heads: list[tuple[str, Head]] = []
            local = _read_head(self.head_path)
            if local is None and data:
                return Verdict(0, GENESIS, reason=f"the head {self.head_path} is missing")
            if local is not None:
                heads.append((f"beside the log ({self.head_path.name})", local))
            store_head = self.store_head_path()
            stored = _read_head(store_head) if store_head is not None else None
            if stored is not None:
                heads.append(("in the store", stored))
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        elif data:  # the last line has no end of line: it was cut
            verdict = verify(lines[:-1], ())
            if not verdict.ok:
                return verdict
            return Verdict(
                verdict.lines, verdict.last, len(lines), "the line is cut short (no end of line)"
            )
        return verify(lines, heads)

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every entry, in order; a line that cannot be read is skipped (``verify`` names it)."""
        if not self.path.is_file():
            return
        with self.path.open("rb") as fh:
            for line in fh:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict):
                    yield entry

    def _last_line(self) -> bytes | None:
        """The last line of the log (without its newline), read from the end."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return None
        if size == 0:
            return None
        with self.path.open("rb") as fh:
            block, tail = 8192, b""
            pos = size
            while pos > 0:
                step = min(block, pos)
                pos -= step
                fh.seek(pos)
                tail = fh.read(step) + tail
                body = tail[:-1] if tail.endswith(b"\n") else tail
                if b"\n" in body:
                    return body.rsplit(b"\n", 1)[1]
            return tail[:-1] if tail.endswith(b"\n") else tail

    def _locked(self) -> Any:
        from filelock import FileLock, Timeout

        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT)

        class _Held:
            def __enter__(self) -> None:
                try:
                    lock.acquire()
                except Timeout:
                    raise AuditError(
                        f"the audit log {lock.lock_file} stayed locked for {LOCK_TIMEOUT:.0f} s",
                        "another liaison command may be stuck; try again",
                    ) from None

            def __exit__(self, *exc: object) -> None:
                lock.release()

        return _Held()


def _read_head(path: Path | None) -> Head | None:
    if path is None or not path.is_file():
        return None
    try:
        return Head.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, ValidationError):
        return Head(lines=-1, last="unreadable")
