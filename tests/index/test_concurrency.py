"""Ingests are serialised by the store's lock, and a reader during an ingest sees each document
as its old version or its new one, never a mix (real Chroma, real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app
from assistant.config import Settings
from assistant.index.lock import HOLDER_FILE, LockedError, sync_lock
from tests.conftest import ROOT
from tests.index.test_crash import _corpus, _state, _sync

pytestmark = pytest.mark.integration

INGEST = """
import sys, time, json
from pathlib import Path
from assistant.config import Settings
from assistant.index.sync import sync
from tests.fakes import FakeEmbedder

class Slow(FakeEmbedder):
    def encode(self, texts):
        time.sleep(float(sys.argv[3]) * len(texts))
        return super().encode(texts)

import assistant.index.sync
assistant.index.sync.BATCH_CHUNKS = 16  # many batches, so the two runs could interleave

notes = []
start = time.time()
report = sync(Settings(store=sys.argv[1], model="fake"), [Path(sys.argv[2])], embedder=Slow(),
              notify=notes.append)
print(json.dumps({"start": start, "end": time.time(), "notes": notes,
                  "rejected": [str(p) for p in report.rejected]}), flush=True)
"""
HOLD = """
import sys, time
from pathlib import Path
from assistant.index.lock import sync_lock
with sync_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _child(code: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )


def test_two_ingests_never_interleave(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "new", "two")
    store = tmp_path / "store"
    first = _child(INGEST, str(store), str(corpus), "0.02")
    time.sleep(0.8)  # the first holds the lock by now (chromadb imported, syncing)
    second = _child(INGEST, str(store), str(corpus), "0.0")
    a = json.loads(first.communicate(timeout=120)[0])
    b = json.loads(second.communicate(timeout=120)[0])
    assert a["end"] <= b["end"]
    # The second waited, said for whom, and only then read the manifest: nothing left to do.
    assert any("waiting: the store is being synced by an ingest by" in n for n in b["notes"])
    clean = tmp_path / "clean"
    _sync(clean, corpus)
    assert _state(store) == _state(clean)


def test_no_wait_exits_1_naming_the_holder(tmp_path: Path) -> None:
    store = tmp_path / "store"
    holder = _child(HOLD, str(store), "30")
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    try:
        with (
            pytest.raises(LockedError, match="being synced by an ingest by"),
            sync_lock(store, wait=False),
        ):
            pass
        result = CliRunner().invoke(
            app, ["ingest", str(tmp_path / "nothing"), "--store", str(store), "--no-wait"]
        )
        assert result.exit_code == 1
        assert "being synced by an ingest by" in result.stderr and "--no-wait" in result.stderr
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_left_by_a_dead_process_is_taken_over_with_a_notice(tmp_path: Path) -> None:
    store = tmp_path / "store"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(dead.stdout)
    store.mkdir()
    (store / HOLDER_FILE).write_text(
        json.dumps({"user": "alice", "host": os.uname().nodename, "pid": pid, "since": "x"})
    )
    notes: list[str] = []
    with sync_lock(store, notify=notes.append):
        held = json.loads((store / HOLDER_FILE).read_text())
        assert held["pid"] == os.getpid()
    assert notes and "took over the sync lock from an ingest by alice@" in notes[0]
    assert "gone" in notes[0]
    assert not (store / HOLDER_FILE).exists()


def test_readers_during_an_ingest_see_whole_versions(tmp_path: Path) -> None:
    """Queries in a loop while an ingest replaces every document: for each document a reader
    sees exactly the chunks of one version, and no query fails."""
    from assistant.index.manifest import load_manifest
    from assistant.service import Assistant
    from tests.fakes import FakeEmbedder

    old, new = _corpus(tmp_path / "old", "one"), _corpus(tmp_path / "new", "two")
    store = tmp_path / "store"
    _sync(store, old)
    versions = {}
    for tag, corpus in (("one", old), ("two", new)):
        probe = tmp_path / f"probe-{tag}"
        _sync(probe, corpus)
        versions[tag] = {d: set(e.chunks) for d, e in load_manifest(str(probe)).documents.items()}
    writer = _child(INGEST, str(store), str(new), "0.03")
    seen_versions: set[str] = set()
    reads = during = 0
    try:
        while writer.poll() is None or reads < 3:
            during += writer.poll() is None
            reader = Assistant(Settings(store=str(store), model="fake"), embedder=FakeEmbedder())
            chunks, _ = reader.retriever._table()
            by_doc: dict[str, set[str]] = {}
            for c in chunks:
                by_doc.setdefault(str(c.meta["doc_id"]), set()).add(c.id)
            for doc, ids in by_doc.items():
                tags = [t for t, v in versions.items() if v[doc] == ids]
                assert tags, f"{doc}: a half-synced version was seen"
                seen_versions.add(tags[0])
            hits = reader.search("Version of note part says a thing", k=10).hits
            assert hits and all(
                any(h.chunk_id in v[h.doc_id] for v in versions.values()) for h in hits
            )
            reads += 1
            if writer.poll() is not None and reads >= 3:
                break
    finally:
        out, _ = writer.communicate(timeout=120)
    assert json.loads(out)["rejected"] == []
    assert reads >= 3 and during >= 1 and "two" in seen_versions
