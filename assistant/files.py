"""Writing files so that a crash never leaves half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from assistant.errors import StoreError


def write_atomic(path: Path, text: str) -> None:
    """Write via a temp file and rename, so a crash never leaves half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from None


class TextFileError(ValueError):
    """A file that is not text we take: too big, binary, not UTF-8, a line too long."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def read_text_file(path: Path, *, limit: int, max_line: int | None = None) -> str:
    """The UTF-8 text of ``path``, checked before anything parses it: at most ``limit`` bytes,
    no NUL byte (a binary file), valid UTF-8, and no line over ``max_line`` characters.
    Raises :class:`TextFileError` with the line, or ``OSError`` when it cannot be read."""
    size = path.stat().st_size
    if size > limit:
        raise TextFileError(1, f"file too large ({size:,} bytes; the limit is {limit:,})")
    raw = path.read_bytes()
    if b"\0" in raw:
        line = raw[: raw.index(b"\0")].count(b"\n") + 1
        raise TextFileError(line, "binary file (a NUL byte), not text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TextFileError(line, "text is not UTF-8") from None
    if max_line is not None:
        for number, line_text in enumerate(text.splitlines(), start=1):
            if len(line_text) > max_line:
                raise TextFileError(
                    number,
                    f"line too long ({len(line_text):,} characters; the limit is {max_line:,})",
                )
    return text
