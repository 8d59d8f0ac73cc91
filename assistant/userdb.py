"""The SQLite files that hold a user's own state (onboarding progress, saved conversations):
opened, upgraded step by step to the schema this liaison writes, and closed, in one place.

The schema version is SQLite's ``user_version``; step ``i`` of ``upgrades`` brings a file from
version ``i`` to ``i + 1`` inside a transaction. A file written by a newer liaison is refused
rather than misread, and a damaged one is one clear error with what to do.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import LiaisonError


@contextmanager
def open_db(
    path: Path, upgrades: Sequence[str], error: type[LiaisonError], what: str
) -> Iterator[sqlite3.Connection]:
    """A connection to ``path`` at the latest schema, committed when the block succeeds."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(path, timeout=10)
        con.execute("PRAGMA foreign_keys = ON")
    except (OSError, sqlite3.Error) as exc:
        raise error(f"cannot open {path}: {exc}") from None
    try:
        _upgrade(con, path, upgrades, error)
        with con:
            yield con
    except sqlite3.DatabaseError as exc:
        raise error(
            f"the {what} file {path} cannot be read: {exc}",
            "move it aside; liaison starts a new one",
        ) from None
    finally:
        con.close()


def _upgrade(
    con: sqlite3.Connection, path: Path, upgrades: Sequence[str], error: type[LiaisonError]
) -> None:
    version = int(con.execute("PRAGMA user_version").fetchone()[0])
    latest = len(upgrades)
    if version > latest:
        raise error(
            f"{path} was written by a newer liaison (schema {version}, this one reads {latest})",
            "upgrade liaison",
        )
    for step in range(version, latest):
        with con:
            con.executescript(f"BEGIN; {upgrades[step]} PRAGMA user_version = {step + 1};")
