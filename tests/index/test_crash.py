"""Crash repair by construction: a real ingest (real Chroma) is killed with SIGKILL at a random
moment; after the next ingest the store holds exactly what a clean ingest holds: the same
documents, the same chunk ids, no orphans, no duplicates.

CI runs 20 seeds; ``make fuzz`` runs more (``LIAISON_CRASH_SEEDS``). The child uses the test
suite's hashing embedder with a small delay per text, in batches of 16 chunks, so that the kill lands anywhere in the
run (between documents, inside a commit, while the manifest is written), not only at start.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, make_corpus

pytestmark = pytest.mark.integration

SEEDS = int(os.environ.get("LIAISON_CRASH_SEEDS", "20"))
CHILD = """
import sys, time
from pathlib import Path
from assistant.config import Settings
from assistant.index.sync import sync
from tests.fakes import FakeEmbedder

class Slow(FakeEmbedder):
    def encode(self, texts):
        time.sleep(0.007 * len(texts))
        return super().encode(texts)

import assistant.index.sync
assistant.index.sync.BATCH_CHUNKS = 16  # many batches: a kill lands between them too

settings = Settings(store=sys.argv[1], model="fake")
import chromadb  # loaded before "ready", so the kill lands in the ingest itself
print("ready", flush=True)
sync(settings, [Path(sys.argv[2])], embedder=Slow())
print("done", flush=True)
"""


def _front(doc_id: str, level: str) -> str:
    return (
        f"id: {doc_id}\ntitle: Note {doc_id}\nkind: doctrine\nreviewed: 2026-05-01\n"
        f"handling: {{classification: {level}, originator: OWN, rel_to: [XBO]}}\n"
    )


def _corpus(root: Path, version: str) -> Path:
    docs = {}
    for i in range(24):
        body = "\n\n".join(
            f"## Part {j}\n\n" + f"Version {version} of note {i}, part {j}, says a thing. " * 12
            for j in range(3)
        )
        docs[f"n{i:02}.md"] = (_front(f"n{i:02}", "R" if i % 2 else "U"), body)
    return make_corpus(root, docs)


def _state(store: Path) -> tuple[set[str], set[str], dict[str, tuple[str, ...]]]:
    """(chunk ids in Chroma, doc ids in Chroma, the manifest's chunks per document)."""
    from assistant.index.manifest import load_manifest
    from assistant.index.store import open_store

    chunks = open_store(str(store)).all()
    manifest = load_manifest(str(store))
    assert len(chunks) == len({c.id for c in chunks}), "duplicate chunk ids"
    return (
        {c.id for c in chunks},
        {str(c.meta["doc_id"]) for c in chunks},
        {d: e.chunks for d, e in manifest.documents.items()},
    )


def _sync(store: Path, corpus: Path) -> None:
    from assistant.config import Settings
    from assistant.index.sync import sync
    from tests.fakes import FakeEmbedder

    report = sync(Settings(store=str(store), model="fake"), [corpus], embedder=FakeEmbedder())
    assert not report.rejected, report.rejected


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("crash")
    old, new = _corpus(root / "old", "one"), _corpus(root / "new", "two")
    clean = root / "clean"
    _sync(clean, new)
    return {"root": root, "old": old, "new": new, "clean": _state(clean)}


def _kill_during_ingest(store: Path, corpus: Path, delay: float) -> bool:
    """Run an ingest in a child and SIGKILL it ``delay`` s after it starts; True if it was
    killed before it finished."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(store), str(corpus)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    time.sleep(delay)
    killed = child.poll() is None
    if killed:
        child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    return killed


@pytest.mark.parametrize("seed", range(SEEDS))
def test_a_killed_ingest_is_repaired_exactly(seed: int, corpora: dict) -> None:  # type: ignore[type-arg]
    rng = random.Random(seed)
    store = corpora["root"] / f"store-{seed}"  # type: ignore[operator]
    # Half the seeds kill a first ingest; the other half kill an update of every document.
    if seed % 2:
        _sync(store, corpora["old"])  # type: ignore[arg-type]
    killed = _kill_during_ingest(store, corpora["new"], rng.uniform(0.0, 1.0))  # type: ignore[arg-type]
    _sync(store, corpora["new"])  # type: ignore[arg-type]
    assert _state(store) == corpora["clean"], f"seed {seed} (killed={killed}) left a difference"
