"""Saved conversations in SQLite: round trip, search, history, preferences, schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assistant.conversation.store import (
    HISTORY,
    UPGRADES,
    VERSION,
    ConversationStore,
    ConversationStoreError,
)
from tests.conversation.conftest import FOR_XBO, PUBLIC, turn


@pytest.fixture
def store(tmp_path: Path) -> ConversationStore:
    return ConversationStore(tmp_path / "conversations.sqlite3")


def test_a_turn_comes_back_as_it_was_given(store: ConversationStore) -> None:
    saved = turn("What gifts are usual?", PUBLIC, FOR_XBO, audience="XBO", clearance="SECRET")
    cid = store.start("What gifts are usual?")
    store.add_turn(cid, saved)
    [back] = store.turns(cid)
    assert back == saved
    assert back.answer.citations[1].handling == FOR_XBO
    assert back.answer.withheld[0].title == "Withheld paper"
    assert back.answer.rulings[0].rule == "rel-to"
    assert back.answer.notice == "a notice"
    assert back.asked_at == "2026-11-30T14:02:00Z"


def test_find_by_text_and_partner_newest_first(store: ConversationStore) -> None:
    a = store.start("Gifts for Borealia")
    store.add_turn(a, turn("What gifts are usual?", PUBLIC, audience="XBO"))
    b = store.start("Seating")
    store.add_turn(b, turn("How is a delegation seated?", PUBLIC, audience="XMA"))
    store.add_turn(b, turn("And the interpreter?", PUBLIC, audience="XBO"))
    store.start("never answered")  # an empty conversation is never listed

    assert [s.id for s in store.find()] == [b, a]
    assert [s.id for s in store.find("delegation")] == [b]  # a question
    assert [s.id for s in store.find("PASSAGE 1 SAYS what gifts")] == [a]  # an answer's passage
    assert [s.id for s in store.find("borealia")] == [a]  # the title
    assert [s.id for s in store.find(partner="XMA")] == [b]
    assert [s.id for s in store.find(partner="xbo")] == [b, a]
    assert [s.id for s in store.find("gifts", partner="XMA")] == []
    assert store.find("nothing like this") == []
    [summary] = store.find("delegation")
    assert summary.partners == ("XBO", "XMA")
    assert summary.turns == 2


def test_history_keeps_order_and_a_limit(store: ConversationStore) -> None:
    for i in range(HISTORY + 5):
        store.remember(f"q{i}")
    history = store.history()
    assert len(history) == HISTORY
    assert history[0] == "q5" and history[-1] == f"q{HISTORY + 4}"


def test_preferences_are_kept_and_overwritten(store: ConversationStore) -> None:
    assert store.preference("theme") is None
    store.set_preference("theme", "textual-light")
    store.set_preference("theme", "nord")
    assert ConversationStore(store.path).preference("theme") == "nord"


def test_an_old_schema_is_upgraded_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "conversations.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(UPGRADES[0] + " PRAGMA user_version = 1;")
    con.execute("INSERT INTO questions (text, asked_at) VALUES ('old question', 'x')")
    con.commit()
    con.close()
    store = ConversationStore(path)
    assert store.history() == ["old question"]
    store.set_preference("theme", "x")  # a table of version 2
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == VERSION
    con.close()


def test_a_newer_schema_or_a_damaged_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {VERSION + 1}")
    con.close()
    with pytest.raises(ConversationStoreError, match="newer liaison"):
        ConversationStore(path).history()
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(ConversationStoreError, match="cannot be read") as caught:
        ConversationStore(damaged).history()
    assert caught.value.hint == "move it aside; liaison starts a new one"
