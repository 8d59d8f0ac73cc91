"""The chunk table cache: a new reader takes a folder store's published chunks and lexical
index from the cache when the published ids are the same, and from the store when they are
not; a server store's chunks never reach the local disk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from assistant.config import Settings
from assistant.corpus.markings import Level
from assistant.index.bm25 import LexicalIndex
from assistant.index.manifest import published_chunks, state_dir
from assistant.index.sync import sync
from assistant.index.table import TABLE_DIR, load_table, save_table
from assistant.index.types import StoredChunk
from assistant.policy.gate import Audience
from assistant.retrieval.hybrid import Retriever
from tests.conftest import make_corpus, registry_of, write_doc
from tests.fakes import FakeEmbedder, MemoryStore

FRONT = (
    "id: {id}\ntitle: {id} note\nkind: doctrine\nreviewed: 2026-05-01\n"
    "handling: {{classification: U, originator: OWN}}\n"
)


class CountingStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def all(self) -> list[StoredChunk]:
        self.reads += 1
        return super().all()


def _reader(store: MemoryStore, location: str) -> Retriever:
    return Retriever(
        store,  # type: ignore[arg-type]
        FakeEmbedder(),  # type: ignore[arg-type]
        published=lambda: published_chunks(location),
        cache=location,
    )


def _audience() -> Audience:
    return Audience(Level.SECRET, None, registry_of("XBO"), dt.date(2026, 10, 1))


def _hits(reader: Retriever, query: str) -> list[str]:
    return [h.chunk_id for h in reader.search(query, _audience(), k=3, mode="lexical").hits]


def test_a_new_reader_takes_the_cached_table_until_the_corpus_changes(tmp_path: Path) -> None:
    docs = {
        f"{d}.md": (FRONT.format(id=d), f"## {d}\n\nThe {d} harbour tide table.\n")
        for d in ("alpha", "beta", "gamma")
    }
    corpus = make_corpus(tmp_path / "corpus", docs)
    settings = Settings(store=str(tmp_path / "store"), corpus=corpus, model="fake")
    location = settings.store_location()
    store = CountingStore()
    sync(settings, embedder=FakeEmbedder(), store=store)  # type: ignore[arg-type]
    first = _reader(store, location)
    before = _hits(first, "beta harbour")
    assert store.reads == 1 and (state_dir(location) / TABLE_DIR / "chunks.json").is_file()
    second = _reader(store, location)
    assert _hits(second, "beta harbour") == before and store.reads == 1  # from the cache
    write_doc(corpus, "beta.md", FRONT.format(id="beta"), "## beta\n\nA new beta quay text.\n")
    sync(settings, embedder=FakeEmbedder(), store=store)  # type: ignore[arg-type]
    third = _reader(store, location)
    hits = third.search("quay", _audience(), k=3, mode="lexical").hits
    assert store.reads == 2  # the ids changed: read from the store again
    assert [h.doc_id for h in hits] == ["beta"] and "quay" in hits[0].text


def test_a_cache_for_other_ids_or_a_damaged_one_is_not_used(tmp_path: Path) -> None:
    location = str(tmp_path / "store")
    Path(location).mkdir()
    chunks = [StoredChunk("c1", "tide table", {"doc_id": "a"})]
    save_table(location, chunks, LexicalIndex(["tide table"]))
    assert load_table(location, {"c1"}) is not None
    assert load_table(location, {"c1", "c2"}) is None
    (state_dir(location) / TABLE_DIR / "chunks.json").write_text("{broken", encoding="utf-8")
    assert load_table(location, {"c1"}) is None


def test_a_server_stores_chunks_are_never_cached_on_disk(_isolated_home: Path) -> None:
    url = "http://127.0.0.1:9/never"
    save_table(url, [StoredChunk("c1", "SECRET text", {})], LexicalIndex(["SECRET text"]))
    assert load_table(url, {"c1"}) is None
    assert not any(p.name == TABLE_DIR for p in _isolated_home.rglob("*"))
