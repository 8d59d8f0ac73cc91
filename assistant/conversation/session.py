"""The conversation a front end is holding: its saved id, and its turns in order.

Turns are recorded from worker threads as answers arrive, so one lock keeps the first turn from
starting two conversations. The conversation is created in the store with its first turn (an
empty conversation is never saved); reopening one continues it.
"""

from __future__ import annotations

import datetime as dt
import threading

from assistant.answer.types import Answer
from assistant.conversation.store import ConversationStore, Turn

TITLE_CLIP = 80


class Session:
    def __init__(self, store: ConversationStore) -> None:
        self.store = store
        self.id: int | None = None
        self.title = ""
        self.turns: list[Turn] = []
        self._lock = threading.Lock()

    def record(self, turn: Turn) -> int:
        """Save ``turn`` (starting the conversation with it if needed); the conversation id."""
        with self._lock:
            if self.id is None:
                self.title = clip_title(turn.question)
                self.id = self.store.start(self.title)
            self.store.add_turn(self.id, turn)
            self.turns.append(turn)
            return self.id

    def reopen(self, conversation: int, title: str) -> list[Turn]:
        """Continue saved conversation ``conversation``: its turns, as they were given."""
        turns = self.store.turns(conversation)
        with self._lock:
            self.id, self.title, self.turns = conversation, title, list(turns)
        return turns

    def new(self) -> None:
        with self._lock:
            self.id, self.title, self.turns = None, "", []


def make_turn(
    question: str,
    asked_as: str | None,
    audience: str | None,
    clearance: str,
    answer: Answer,
    at: dt.datetime | None = None,
) -> Turn:
    when = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    stamp = when.isoformat(timespec="seconds").replace("+00:00", "Z")
    return Turn(question, asked_as, audience, clearance, stamp, answer)


def clip_title(question: str) -> str:
    text = " ".join(question.split())
    return text if len(text) <= TITLE_CLIP else text[: TITLE_CLIP - 1].rstrip() + "…"


def given_on(turn: Turn) -> str:
    """``2026-11-30 14:02 UTC``: when a saved turn was answered, for the screen."""
    try:
        when = dt.datetime.fromisoformat(turn.asked_at.replace("Z", "+00:00"))
    except ValueError:
        return turn.asked_at
    return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
