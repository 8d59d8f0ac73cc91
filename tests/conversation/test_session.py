"""The session: one conversation however many threads record into it; reopen; new."""

from __future__ import annotations

import threading
from pathlib import Path

from assistant.conversation.session import Session, clip_title, given_on
from assistant.conversation.store import ConversationStore
from tests.conversation.conftest import PUBLIC, turn


def test_the_first_turn_starts_one_conversation_even_from_many_threads(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3")
    session = Session(store)
    threads = [
        threading.Thread(target=session.record, args=(turn(f"question {i}", PUBLIC),))
        for i in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    [summary] = store.find()
    assert summary.turns == 8
    assert session.id == summary.id
    assert summary.title.startswith("question ")


def test_reopen_continues_and_new_starts_afresh(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3")
    first = Session(store)
    cid = first.record(turn("one", PUBLIC))
    later = Session(store)  # as after a restart
    turns = later.reopen(cid, "one")
    assert [t.question for t in turns] == ["one"]
    assert later.record(turn("two", PUBLIC)) == cid
    assert [t.question for t in store.turns(cid)] == ["one", "two"]
    later.new()
    other = later.record(turn("three", PUBLIC))
    assert other != cid
    assert len(store.find()) == 2


def test_titles_are_one_clipped_line_and_dates_read_for_people() -> None:
    assert clip_title("  What   gifts\nare usual?  ") == "What gifts are usual?"
    long = clip_title("word " * 40)
    assert len(long) == 80 and long.endswith("…")
    assert given_on(turn("q", PUBLIC)) == "2026-11-30 14:02 UTC"
