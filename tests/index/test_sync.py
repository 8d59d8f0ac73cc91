"""Incremental sync: added, changed, removed, unchanged; no model or store when nothing
changed; a crash mid-ingest is repaired by the next run."""

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import StoreError
from assistant.index import sync as index
from assistant.index.manifest import load_manifest
from assistant.index.sync import sync
from tests.conftest import make_corpus, write_doc
from tests.fakes import FakeEmbedder, MemoryStore


def _front(doc_id: str) -> str:
    return (
        f"id: {doc_id}\ntitle: {doc_id}\nkind: doctrine\nreviewed: 2026-05-01\n"
        "handling: {classification: U, originator: OWN}\n"
    )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return make_corpus(
        tmp_path / "corpus",
        {f"{d}.md": (_front(d), f"## About {d}\n\nText of {d}.\n") for d in ("a", "b", "c")},
    )


def _settings(tmp_path: Path, corpus: Path) -> Settings:
    return Settings(store=str(tmp_path / "store"), corpus=corpus, model="fake")


def test_sync_added_changed_removed_unchanged(tmp_path: Path, corpus: Path) -> None:
    settings = _settings(tmp_path, corpus)
    store = MemoryStore()
    first = sync(settings, embedder=FakeEmbedder(), store=store)  # type: ignore[arg-type]
    assert (first.added, first.updated, first.removed, first.unchanged) == (3, 0, 0, 0)
    assert first.documents == 3 and store.doc_ids() == {"a", "b", "c"}

    write_doc(corpus, "b.md", _front("b"), "## About b\n\nNew text of b.\n")
    (corpus / "c.md").unlink()
    write_doc(corpus, "d.md", _front("d"), "## About d\n\nText of d.\n")
    second = sync(settings, embedder=FakeEmbedder(), store=store)  # type: ignore[arg-type]
    assert (second.added, second.updated, second.removed, second.unchanged) == (1, 1, 1, 1)
    assert store.doc_ids() == {"a", "b", "d"}
    texts = {m["doc_id"]: t for _, t, m in store.rows.values()}
    assert texts["b"] == "New text of b."
    manifest = load_manifest(settings.store_location())
    assert set(manifest.documents) == {"a", "b", "d"}
    assert manifest.chunk_count == store.count()


def test_unchanged_sync_loads_no_model_and_opens_no_store(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path, corpus)
    sync(settings, embedder=FakeEmbedder(), store=MemoryStore())  # type: ignore[arg-type]

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("the store must not be opened for an unchanged corpus")

    monkeypatch.setattr(index, "open_configured", boom)
    monkeypatch.setattr(index, "embedder_for", boom)
    report = sync(settings)
    assert (report.unchanged, report.added, report.updated, report.removed) == (3, 0, 0, 0)
    assert report.model_loaded is False


def test_crash_mid_ingest_is_repaired_next_run(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("assistant.index.sync.BATCH_CHUNKS", 1)  # one document per batch
    settings = _settings(tmp_path, corpus)
    store = MemoryStore()
    with pytest.raises(RuntimeError, match="simulated crash"):
        sync(settings, embedder=FakeEmbedder(fail_after=1), store=store)  # type: ignore[arg-type]
    assert len(load_manifest(settings.store_location()).documents) == 1
    # The corpus changes before the next run: a document in flight disappears.
    (corpus / "c.md").unlink()
    report = sync(settings, embedder=FakeEmbedder(), store=store)  # type: ignore[arg-type]
    assert report.documents == 2
    assert store.doc_ids() == {"a", "b"}
    again = sync(settings, embedder=FakeEmbedder(), store=store)  # type: ignore[arg-type]
    assert again.unchanged == 2 and again.added == again.updated == 0


def test_changed_settings_rebuild_everything(tmp_path: Path, corpus: Path) -> None:
    settings = _settings(tmp_path, corpus)
    store = MemoryStore()
    sync(settings, embedder=FakeEmbedder(), store=store)  # type: ignore[arg-type]
    bigger = settings.model_copy(
        update={"chunking": settings.chunking.model_copy(update={"size": 500})}
    )
    report = sync(bigger, embedder=FakeEmbedder(), store=store)  # type: ignore[arg-type]
    assert report.updated == 3 and report.unchanged == 0


def test_rejected_files_are_reported_and_the_rest_ingested(tmp_path: Path, corpus: Path) -> None:
    (corpus / "broken.md").write_text("---\nid: [\n---\n", encoding="utf-8")
    report = sync(_settings(tmp_path, corpus), embedder=FakeEmbedder(), store=MemoryStore())  # type: ignore[arg-type]
    assert report.documents == 3
    assert [Path(p.path).name for p in report.rejected] == ["broken.md"]
    assert report.as_dict()["rejected"][0]["line"] >= 2


def test_syncing_a_subfolder_keeps_other_documents(tmp_path: Path, corpus: Path) -> None:
    write_doc(corpus, "sub/e.md", _front("e"), "## E\n\nText of e.\n")
    settings = _settings(tmp_path, corpus)
    store = MemoryStore()
    sync(settings, embedder=FakeEmbedder(), store=store)  # type: ignore[arg-type]
    (corpus / "sub" / "e.md").unlink()
    report = sync(settings, [corpus / "sub"], embedder=FakeEmbedder(), store=store)  # type: ignore[arg-type]
    assert report.removed == 1 and store.doc_ids() == {"a", "b", "c"}


class RefusingStore(MemoryStore):
    """A store that refuses the chunks of one document, as Chroma refuses a bad batch."""

    def __init__(self, refuse: str) -> None:
        super().__init__()
        self.refuse = refuse

    def upsert(self, ids, embeddings, texts, metas) -> None:  # type: ignore[no-untyped-def]
        if any(m.get("doc_id") == self.refuse for m in metas):
            raise StoreError("store operation failed: the server refused the batch")
        super().upsert(ids, embeddings, texts, metas)


def test_a_document_the_store_refuses_is_reported_and_the_rest_ingested(
    tmp_path: Path, corpus: Path
) -> None:
    settings = _settings(tmp_path, corpus)
    store = RefusingStore("b")
    report = sync(settings, embedder=FakeEmbedder(), store=store)  # type: ignore[arg-type]
    (problem,) = report.rejected
    assert problem.path.endswith("b.md") and "refused" in problem.reason
    assert store.doc_ids() == {"a", "c"} and report.documents == 2
    assert set(load_manifest(settings.store_location()).documents) == {"a", "c"}
    # Once the store takes it, the next run adds it: nothing was recorded as synced.
    store.refuse = "none"
    again = sync(settings, embedder=FakeEmbedder(), store=store)  # type: ignore[arg-type]
    assert (again.added, again.unchanged, again.rejected) == (1, 2, [])
    assert store.doc_ids() == {"a", "b", "c"}


@pytest.mark.integration
def test_documents_that_repeat_themselves_ingest_into_chroma(
    tmp_path: Path,
    corpus: Path,
    embedder,  # type: ignore[no-untyped-def]
) -> None:
    """Chroma refuses a batch with two equal ids; chunk ids carry their position."""
    from tests.corpus.test_chunking import REPEATS

    for i, body in enumerate(REPEATS.values()):
        write_doc(corpus, f"rep{i}.md", _front(f"rep{i}"), body * 3)
    settings = Settings(store=str(tmp_path / "chroma"), corpus=corpus)
    report = sync(settings, embedder=embedder)
    assert report.rejected == [] and report.added == 3 + len(REPEATS)
    again = sync(settings, embedder=embedder)
    assert again.unchanged == report.added and again.added == again.updated == 0
    from assistant.index.store import open_store

    assert open_store(settings.store_location()).count() == report.chunks


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"model": "another-model"}, "model 'another-model'"),
        ({"chunker": "1"}, "chunker '1'"),
        ({"schema": 1}, "schema 1"),
    ],
)
def test_a_store_built_otherwise_is_refused_before_any_query(
    tmp_path: Path, corpus: Path, change: dict[str, object], said: str
) -> None:
    from typer.testing import CliRunner

    from assistant.cli.app import app
    from assistant.errors import StoreError
    from assistant.index.manifest import save_manifest
    from assistant.service import Assistant

    settings = _settings(tmp_path, corpus)
    store = MemoryStore()
    sync(settings, embedder=FakeEmbedder(), store=store)  # type: ignore[arg-type]
    manifest = load_manifest(settings.store_location())
    manifest.signature.update(change)
    save_manifest(settings.store_location(), manifest)
    assistant = Assistant(settings, store=store, embedder=FakeEmbedder())  # type: ignore[arg-type]
    with pytest.raises(StoreError) as caught:
        assistant.search("text of a")
    assert said in caught.value.message and caught.value.hint == "run: liaison ingest --rebuild"
    result = CliRunner().invoke(
        app, ["search", "text", "--store", settings.store_location()], env={"LIAISON_MODEL": "fake"}
    )
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "liaison ingest --rebuild" in result.stderr and "Traceback" not in result.output


def test_a_store_of_another_dimension_is_refused(tmp_path: Path, corpus: Path) -> None:
    from assistant.errors import StoreError
    from assistant.service import Assistant

    settings = _settings(tmp_path, corpus)
    store = MemoryStore()
    sync(settings, embedder=FakeEmbedder(), store=store)  # type: ignore[arg-type]
    assert load_manifest(settings.store_location()).dimension == 64

    class Wider(FakeEmbedder):
        @property
        def dimension(self) -> int:
            return 384

    with pytest.raises(StoreError, match="64-dimensional vectors and the model makes 384"):
        Assistant(settings, store=store, embedder=Wider()).search("text")  # type: ignore[arg-type]
