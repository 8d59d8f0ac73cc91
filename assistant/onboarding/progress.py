"""Each officer's onboarding progress, in SQLite in the data directory, with a versioned schema.

Each step in :data:`UPGRADES` brings a file from one schema version to the next
(:mod:`assistant.userdb`), so an older file is upgraded in place on first use and a newer one
(from a later liaison) is refused rather than misread.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import LiaisonError
from assistant.userdb import open_db

FILE = "progress.sqlite3"
UPGRADES: tuple[str, ...] = (
    # 0 -> 1
    """
    CREATE TABLE lessons (
        user TEXT NOT NULL, doc_id TEXT NOT NULL, viewed_at TEXT NOT NULL,
        PRIMARY KEY (user, doc_id)
    );
    CREATE TABLE quiz_results (
        id INTEGER PRIMARY KEY, user TEXT NOT NULL, doc_id TEXT NOT NULL,
        score INTEGER NOT NULL, total INTEGER NOT NULL, taken_at TEXT NOT NULL
    );
    """,
    # 1 -> 2: which answer was given to which question, for review
    """
    CREATE TABLE quiz_answers (
        result_id INTEGER NOT NULL REFERENCES quiz_results(id), question TEXT NOT NULL,
        chosen INTEGER NOT NULL, correct INTEGER NOT NULL
    );
    CREATE INDEX quiz_results_user ON quiz_results (user, doc_id);
    """,
)
VERSION = len(UPGRADES)


class ProgressError(LiaisonError):
    title = "Onboarding progress"


@dataclass(frozen=True)
class Result:
    doc_id: str
    score: int
    total: int
    taken_at: str


class Progress:
    """The progress file at ``path`` (created, or upgraded, on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        return open_db(self.path, UPGRADES, ProgressError, "progress")

    def viewed(self, user: str, doc_id: str) -> None:
        with self._db() as con:
            con.execute(
                "INSERT OR IGNORE INTO lessons (user, doc_id, viewed_at) VALUES (?, ?, ?)",
                (user, doc_id, _now()),
            )

    def record(
        self, user: str, doc_id: str, answers: list[tuple[str, int, bool]], score: int
    ) -> Result:
        """Save one completed quiz: (question, chosen number, right?) for each question."""
        taken = _now()
        with self._db() as con:
            cur = con.execute(
                "INSERT INTO quiz_results (user, doc_id, score, total, taken_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (user, doc_id, score, len(answers), taken),
            )
            con.executemany(
                "INSERT INTO quiz_answers (result_id, question, chosen, correct) "
                "VALUES (?, ?, ?, ?)",
                [(cur.lastrowid, q, c, int(ok)) for q, c, ok in answers],
            )
        return Result(doc_id, score, len(answers), taken)

    def results(self, user: str) -> list[Result]:
        with self._db() as con:
            rows = con.execute(
                "SELECT doc_id, score, total, taken_at FROM quiz_results WHERE user = ? "
                "ORDER BY id",
                (user,),
            ).fetchall()
        return [Result(*row) for row in rows]

    def viewed_lessons(self, user: str) -> set[str]:
        with self._db() as con:
            rows = con.execute("SELECT doc_id FROM lessons WHERE user = ?", (user,)).fetchall()
        return {r[0] for r in rows}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
