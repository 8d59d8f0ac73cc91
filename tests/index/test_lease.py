"""The team store's lease (index/lease.py): ingests from two machines take turns, a held lease
is named, and a lease left by a dead ingest is taken over with a notice. A small in-memory
stand-in for the server's metadata record; the real server is in tests/deploy."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from assistant.index import lease
from assistant.index.lock import LockedError


class _Meta:
    """The metadata half of a store: records written and read, as the server keeps them."""

    def __init__(self) -> None:
        self.records: dict[str, str] = {}

    def read_meta(self, record: str) -> str | None:
        return self.records.get(record)

    def write_meta(self, record: str, text: str, version: str) -> None:
        self.records[record] = text


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lease, "SETTLE", 0.05)
    monkeypatch.setattr(lease, "POLL", 0.02)
    monkeypatch.setattr(lease, "RENEW", 0.05)


def test_two_ingests_take_turns_and_the_second_is_told_who_holds_it() -> None:
    store: Any = _Meta()
    inside: list[str] = []
    overlap: list[str] = []
    said: list[str] = []

    def ingest(name: str) -> None:
        with lease.server_lease(store, notify=said.append):
            if inside:
                overlap.append(name)
            inside.append(name)
            time.sleep(0.3)
            inside.remove(name)

    threads = [threading.Thread(target=ingest, args=(n,)) for n in ("a", "b", "c")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not overlap
    assert any(s.startswith("waiting: the store is being synced by an ingest by ") for s in said)
    assert lease.holder(store) is None  # released


def test_a_held_lease_without_wait_names_the_holder() -> None:
    store: Any = _Meta()
    with (
        lease.server_lease(store),
        pytest.raises(LockedError, match="the store is being synced by an ingest by"),
        lease.server_lease(store, wait=False),
    ):
        pass


def test_a_stale_lease_is_taken_over_with_a_notice() -> None:
    store: Any = _Meta()
    dead = {"user": "carol", "host": "far", "pid": 7, "since": "then", "nonce": "dead"}
    store.write_meta(lease.RECORD, json.dumps({**dead, "renewed": time.time() - 600}), "x")
    said: list[str] = []
    with lease.server_lease(store, wait=False, notify=said.append):
        assert (lease.holder(store) or {}).get("nonce") != "dead"
    assert said and "took over the store's sync lock from an ingest by carol@far" in said[0]


def test_the_lease_is_renewed_while_held() -> None:
    store: Any = _Meta()
    with lease.server_lease(store):
        first = (lease.holder(store) or {})["renewed"]
        time.sleep(0.2)
        assert (lease.holder(store) or {})["renewed"] > first
