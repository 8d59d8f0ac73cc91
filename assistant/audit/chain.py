"""The audit log's format: one JSON object a line, each sealed with the SHA-256 of its own bytes
and naming the hash of the line before it, so that the lines form a chain.

A sealed line is written exactly as ``{...,"prev":"<hex>","hash":"<hex>"}``: ``hash`` is the
SHA-256 of the line's bytes up to ``,"hash":`` with a closing brace added. Verifying recomputes
it from the bytes as they are on disk, so a change of one byte anywhere in a line (even white
space JSON would ignore) breaks that line, and a changed ``hash`` breaks the next line's
``prev``. A chain cannot tell that its last lines were cut off; the :class:`Head` (line count
and last hash), kept beside the log and in the store, can. Pure: no I/O here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

GENESIS = "0" * 64
"""The ``prev`` of the first line."""
_SEAL = b',"hash":"'
_HEX = frozenset(b"0123456789abcdef")


class Head(BaseModel):
    """What a verifier needs to notice a truncated log: how many lines, and the last hash."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lines: int = 0
    last: str = GENESIS


def canonical(entry: dict[str, Any]) -> bytes:
    """The entry as compact JSON with sorted keys (``prev`` included, ``hash`` not)."""
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def seal(entry: dict[str, Any], prev: str) -> tuple[bytes, str]:
    """The line to append for ``entry`` after a line whose hash is ``prev`` (no newline), and
    the new line's hash."""
    body = {k: v for k, v in entry.items() if k not in ("prev", "hash")}
    body["prev"] = prev
    unsealed = canonical(body)  # ends with "}"
    digest = hashlib.sha256(unsealed).hexdigest()
    return unsealed[:-1] + _SEAL + digest.encode() + b'"}', digest


@dataclass(frozen=True)
class Sealed:
    """One line read back: its number, its entry, and its own and previous hash."""

    number: int
    entry: dict[str, Any]
    hash: str
    prev: str


class Broken(ValueError):
    """A line that is not what was written. ``number`` is 1-based."""

    def __init__(self, number: int, reason: str) -> None:
        super().__init__(f"line {number}: {reason}")
        self.number = number
        self.reason = reason


def unseal(line: bytes, number: int) -> Sealed:
    """Check one line's seal against its own bytes. Raises :class:`Broken`."""
    at = line.rfind(_SEAL)
    if at < 0 or not line.endswith(b'"}'):
        raise Broken(number, "not a sealed audit line")
    digest = line[at + len(_SEAL) : -2]
    if len(digest) != 64 or not set(digest) <= _HEX:
        raise Broken(number, "its hash is not a SHA-256 hex digest")
    body = line[:at] + b"}"
    if hashlib.sha256(body).hexdigest().encode() != digest:
        raise Broken(number, "its content does not match its hash (the line was changed)")
    try:
        entry = json.loads(line)
    except ValueError:
        raise Broken(number, "not valid JSON") from None
    if not isinstance(entry, dict) or not isinstance(entry.get("prev"), str):
        raise Broken(number, "no hash of the line before it")
    return Sealed(number, entry, digest.decode(), entry["prev"])


@dataclass(frozen=True)
class Verdict:
    """The result of verifying a log: ``ok``, else the first broken line and why."""

    lines: int
    last: str
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.reason

    def describe(self) -> str:
        if self.ok:
            return f"the audit log is intact: {self.lines} lines, last hash {self.last}"
        if self.broken_at is not None:
            return f"the audit log is broken at line {self.broken_at}: {self.reason}"
        return f"the audit log is broken: {self.reason}"


def verify(lines: Iterable[bytes], heads: Iterable[tuple[str, Head]] = ()) -> Verdict:
    """Walk the chain, then hold it against each recorded head (``(where, head)``): the head
    may not count more lines than the log holds, and the log's line at the head's count must
    carry the head's hash. A head behind the log is allowed (the store's copy of the head
    only moves when a command runs against that store)."""
    prev = GENESIS
    hashes: list[str] = []
    for number, line in enumerate(lines, start=1):
        try:
            sealed = unseal(line, number)
        except Broken as exc:
            return Verdict(len(hashes), prev, exc.number, exc.reason)
        if sealed.prev != prev:
            reason = (
                "it does not follow the line before it (a line was changed, removed or "
                "inserted there)"
                if number > 1
                else "the first line does not start the chain (lines before it were removed)"
            )
            return Verdict(len(hashes), prev, number, reason)
        prev = sealed.hash
        hashes.append(prev)
    count = len(hashes)
    for where, head in heads:
        if head.lines < 0:
            return Verdict(count, prev, reason=f"the head {where} cannot be read")
        if head.lines > count:
            return Verdict(
                count,
                prev,
                reason=f"truncated: the head {where} records {head.lines} lines, the log has "
                f"{count}",
            )
        if head.lines and hashes[head.lines - 1] != head.last:
            return Verdict(
                count,
                prev,
                head.lines,
                f"it does not carry the hash the head {where} records for it",
            )
    return Verdict(count, prev)
