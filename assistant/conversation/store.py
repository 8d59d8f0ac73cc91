"""Saved conversations, the question history and the UI's preferences, in SQLite in the data
directory, with a versioned schema (SQLite ``user_version``) and one upgrade step a version.

Each turn is kept as it was given: the question as typed and as asked, the audience and the
clearance it was asked under, the time, and the whole answer with its passages, so a reopened
conversation shows what the officer saw then. The file holds passage text at the officer's
own clearance, like the screen did; an export applies the release rules again.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.answer.types import Answer, Ruling
from assistant.errors import LiaisonError
from assistant.retrieval.types import Hit, Withheld
from assistant.userdb import open_db

FILE = "conversations.sqlite3"
UPGRADES: tuple[str, ...] = (
    # 0 -> 1
    """
    CREATE TABLE conversations (
        id INTEGER PRIMARY KEY, title TEXT NOT NULL, started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE turns (
        id INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        question TEXT NOT NULL, asked_as TEXT, audience TEXT, clearance TEXT NOT NULL,
        asked_at TEXT NOT NULL, answer TEXT NOT NULL
    );
    CREATE TABLE questions (id INTEGER PRIMARY KEY, text TEXT NOT NULL, asked_at TEXT NOT NULL);
    """,
    # 1 -> 2: preferences (the theme), and the partners a conversation is about, for search
    """
    CREATE TABLE preferences (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    ALTER TABLE conversations ADD COLUMN partners TEXT NOT NULL DEFAULT '';
    CREATE INDEX turns_conversation ON turns (conversation_id);
    """,
)
VERSION = len(UPGRADES)
HISTORY = 500
"""Questions kept for recall with the arrow keys."""


class ConversationStoreError(LiaisonError):
    title = "Saved conversations"


@dataclass(frozen=True)
class Turn:
    question: str
    asked_as: str | None
    audience: str | None
    clearance: str
    asked_at: str
    answer: Answer


@dataclass(frozen=True)
class Summary:
    id: int
    title: str
    started_at: str
    updated_at: str
    partners: tuple[str, ...]
    turns: int


class ConversationStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        return open_db(self.path, UPGRADES, ConversationStoreError, "conversations")

    # -- conversations -------------------------------------------------------------------
    def start(self, title: str) -> int:
        now = _now()
        with self._db() as con:
            cur = con.execute(
                "INSERT INTO conversations (title, started_at, updated_at) VALUES (?, ?, ?)",
                (title[:120], now, now),
            )
            return int(cur.lastrowid or 0)

    def add_turn(self, conversation: int, turn: Turn) -> None:
        with self._db() as con:
            con.execute(
                "INSERT INTO turns (conversation_id, question, asked_as, audience, clearance, "
                "asked_at, answer) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    conversation,
                    turn.question,
                    turn.asked_as,
                    turn.audience,
                    turn.clearance,
                    turn.asked_at,
                    json.dumps(answer_to_dict(turn.answer), ensure_ascii=False),
                ),
            )
            partners = {p for p in _partners(con, conversation) if p} | (
                {turn.audience} if turn.audience else set()
            )
            con.execute(
                "UPDATE conversations SET updated_at = ?, partners = ? WHERE id = ?",
                (turn.asked_at, ",".join(sorted(partners)), conversation),
            )

    def turns(self, conversation: int) -> list[Turn]:
        with self._db() as con:
            rows = con.execute(
                "SELECT question, asked_as, audience, clearance, asked_at, answer FROM turns "
                "WHERE conversation_id = ? ORDER BY id",
                (conversation,),
            ).fetchall()
        return [
            Turn(q, asked_as, audience, clearance, at, answer_from_dict(json.loads(answer)))
            for q, asked_as, audience, clearance, at, answer in rows
        ]

    def find(self, text: str = "", partner: str | None = None, limit: int = 100) -> list[Summary]:
        """Saved conversations, newest first, whose title or any question or answer holds
        ``text`` (case-insensitive), and that were asked for ``partner``."""
        like = f"%{text.strip().lower()}%"
        with self._db() as con:
            rows = con.execute(
                """
                SELECT c.id, c.title, c.started_at, c.updated_at, c.partners, COUNT(t.id)
                FROM conversations c LEFT JOIN turns t ON t.conversation_id = c.id
                GROUP BY c.id
                HAVING (lower(c.title) LIKE ? OR SUM(lower(t.question) LIKE ?) > 0
                        OR SUM(lower(t.answer) LIKE ?) > 0)
                ORDER BY c.updated_at DESC, c.id DESC LIMIT ?
                """,
                (like, like, like, limit),
            ).fetchall()
        out = [
            Summary(i, title, started, updated, tuple(p for p in partners.split(",") if p), n)
            for i, title, started, updated, partners, n in rows
        ]
        if partner:
            code = partner.strip().upper()
            out = [s for s in out if code in s.partners]
        return [s for s in out if s.turns]

    # -- question history and preferences -----------------------------------------------
    def remember(self, question: str) -> None:
        with self._db() as con:
            con.execute("INSERT INTO questions (text, asked_at) VALUES (?, ?)", (question, _now()))
            con.execute(
                "DELETE FROM questions WHERE id <= (SELECT MAX(id) FROM questions) - ?",
                (HISTORY,),
            )

    def history(self) -> list[str]:
        """Earlier questions, oldest first (the last one is the most recent)."""
        with self._db() as con:
            rows = con.execute("SELECT text FROM questions ORDER BY id").fetchall()
        return [r[0] for r in rows]

    def preference(self, key: str) -> str | None:
        with self._db() as con:
            row = con.execute("SELECT value FROM preferences WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_preference(self, key: str, value: str) -> None:
        with self._db() as con:
            con.execute(
                "INSERT INTO preferences (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def _partners(con: sqlite3.Connection, conversation: int) -> list[str]:
    row = con.execute("SELECT partners FROM conversations WHERE id = ?", (conversation,)).fetchone()
    return str(row[0] or "").split(",") if row else []


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# -- answers as stored ---------------------------------------------------------------------
def answer_to_dict(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "audience": answer.audience,
        "text": answer.text,
        "citations": [
            {"chunk_id": h.chunk_id, "text": h.text, "meta": h.meta, "score": h.score}
            for h in answer.citations
        ],
        "abstained": answer.abstained,
        "withheld": [w.as_dict() for w in answer.withheld],
        "notice": answer.notice,
        "kind": answer.kind,
        "evidence": answer.evidence,
        "rulings": [r.as_dict() for r in answer.rulings],
    }


def answer_from_dict(data: dict[str, Any]) -> Answer:
    return Answer(
        question=data["question"],
        audience=data.get("audience"),
        text=data["text"],
        citations=[
            Hit(c["chunk_id"], c["text"], dict(c["meta"]), float(c.get("score", 0.0)))
            for c in data.get("citations", [])
        ],
        abstained=bool(data.get("abstained")),
        withheld=[Withheld(**w) for w in data.get("withheld", [])],
        notice=data.get("notice"),
        kind=data.get("kind", "extractive"),
        evidence=float(data.get("evidence", 0.0)),
        rulings=[Ruling(**r) for r in data.get("rulings", [])],
    )
