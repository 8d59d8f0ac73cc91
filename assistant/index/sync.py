"""Incremental sync of a corpus into the store, driven by the manifest's content hashes.

Unchanged documents are skipped without loading the model or opening the store. Changed
documents are embedded in batches of about BATCH_CHUNKS chunks (one model call per batch);
each document's new chunks are written, the batch is published by one manifest write, and
then the old versions are removed. A journal names the documents in flight, so a crash
mid-ingest is repaired on the next run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant import identity, paths
from assistant.config import Settings
from assistant.corpus.catalogue import DocEntry, Portion
from assistant.corpus.chunking import CHUNKER_VERSION, Chunk, chunk_document
from assistant.corpus.document import Document
from assistant.corpus.ledger import LedgerError
from assistant.corpus.loader import PARTNERS_FILE, CorpusLoad, Problem, display_path, load_corpus
from assistant.corpus.partners import load_registry
from assistant.errors import BadInput, LiaisonError, StoreError
from assistant.index.embedder import Embedder, embedder_for
from assistant.index.lease import server_lease
from assistant.index.lock import Notify, sync_lock
from assistant.index.manifest import (
    Manifest,
    clear_journal,
    load_manifest,
    read_journal,
    save_manifest,
    state_dir,
    write_journal,
)
from assistant.index.partition import PartitionedStore
from assistant.index.remote import fetch, publish
from assistant.index.snapshot import save_ledger_snapshot, save_termbase_snapshot
from assistant.index.store import is_url, open_configured
from assistant.index.types import VectorStore
from assistant.language.termfile import TermbaseError

SCHEMA_VERSION = 2
"""The layout of a chunk's metadata in the store (bump when a key is added or changes)."""

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total)."""


@dataclass
class SyncReport:
    documents: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    model_loaded: bool = False
    store: str = ""
    corpus: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "chunks": self.chunks,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "rejected": [p.as_dict() for p in self.rejected],
            "warnings": [p.as_dict() for p in self.warnings],
        }


def signature(settings: Settings) -> dict[str, Any]:
    """What the stored vectors depend on; if any of it changes, every document is re-embedded."""
    return {
        "model": settings.model,
        "chunker": CHUNKER_VERSION,
        "schema": SCHEMA_VERSION,
        "size": settings.chunking.size,
        "overlap": settings.chunking.overlap,
        "collection": settings.collection,
    }


def find_registry_root(root: Path) -> Path:
    """The corpus root for ``root``: the nearest folder at or above it with a partners.yaml."""
    here = root if root.is_dir() else root.parent
    for candidate in [here, *here.parents][:4]:
        if (candidate / PARTNERS_FILE).is_file():
            return candidate
    return here


@dataclass
class _Plan:
    """What a sync has to do to the store, worked out from the manifest before touching it."""

    changed: list[Document]
    removed: list[str]
    orphans: list[str]
    """Documents in flight when an earlier run died, and gone from the corpus since."""
    redo_all: bool
    scope: list[Path]
    present: set[str]

    @property
    def touches_store(self) -> bool:
        return bool(self.changed or self.removed or self.orphans or self.redo_all)


def sync(
    settings: Settings,
    roots: list[Path] | None = None,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    embedder: Embedder | None = None,
    store: VectorStore | None = None,
    wait: bool = True,
    notify: Notify | None = None,
    force: bool = False,
) -> SyncReport:
    """Bring the store in line with the corpus under ``roots``; bad files are reported in the
    report, never raised, and a document the store refuses is reported with the rest synced.
    One sync at a time per store: a second waits for the first (``notify`` says for whom), or
    with ``wait=False`` raises :class:`~assistant.index.lock.LockedError`. A server store last
    synced from another corpus is not changed unless ``force`` (see :func:`_check_origin`)."""
    location = settings.store_location()
    with sync_lock(state_dir(location), wait=wait, notify=notify):
        if not is_url(location):
            return _sync(settings, roots, rebuild, progress, embedder, store, force)
        # A team store: other machines ingest into it too; the lease in the server orders them.
        store = store or open_configured(settings)
        with server_lease(store, wait=wait, notify=notify):
            return _sync(settings, roots, rebuild, progress, embedder, store, force)


def _sync(
    settings: Settings,
    roots: list[Path] | None,
    rebuild: bool,
    progress: Progress | None,
    embedder: Embedder | None,
    store: VectorStore | None,
    force: bool = False,
) -> SyncReport:
    roots = [r.expanduser() for r in (roots or [settings.corpus_path()])]
    location = settings.store_location()
    load = _load(roots)
    if is_url(location):
        fetch(settings, every_level=True)  # the whole catalogue, not one level's copy
    manifest = load_manifest(location)
    report = SyncReport(
        rejected=load.problems,
        warnings=load.warnings,
        store=location,
        corpus=[str(r) for r in roots],
    )
    plan = _plan(load, manifest, roots, settings, location, rebuild, report)
    if not force:
        _check_origin(location, manifest, plan, report)
    registry_changed = _take_registry(load, manifest)
    if plan.touches_store:
        manifest.origin = _origin(plan.scope)
        store = store or open_configured(settings)
        if isinstance(store, PartitionedStore):
            store.require_every_level()
        embedder = embedder or embedder_for(settings)
        _apply(plan, settings, store, embedder, manifest, report, progress)
        report.model_loaded = embedder.loaded
    if plan.touches_store or registry_changed or not manifest.roots:
        manifest.roots = sorted(set(manifest.roots) | {str(r) for r in plan.scope})
        manifest.last_sync = dt.datetime.now(dt.UTC).replace(microsecond=0)
        save_manifest(location, manifest)
    try:
        save_termbase_snapshot(location, roots)
    except TermbaseError as exc:
        report.rejected.append(Problem(display_path(Path(exc.path)), exc.line, exc.reason))
    try:
        save_ledger_snapshot(location, roots, manifest.registry(), manifest.documents)
    except LedgerError as exc:
        shown = display_path(Path(exc.path))
        report.rejected += [Problem(shown, line, reason) for line, reason in exc.problems]
    report.documents = len(manifest.documents)
    report.chunks = manifest.chunk_count
    publish(settings)  # a server store: its catalogue, in the server, after the chunks
    return report


def _plan(
    load: CorpusLoad,
    manifest: Manifest,
    roots: list[Path],
    settings: Settings,
    location: str,
    rebuild: bool,
    report: SyncReport,
) -> _Plan:
    """Sort the loaded documents into added, updated and unchanged (counted in ``report``), and
    find what the store holds that the corpus no longer backs."""
    pending = read_journal(location)
    redo_all = rebuild or manifest.signature != signature(settings) or "*" in pending
    scope = [r.resolve() for r in roots]
    present = {doc.id for doc in load.documents}
    changed: list[Document] = []
    for doc in load.documents:
        old = manifest.documents.get(doc.id)
        if old is None:
            report.added += 1
            changed.append(doc)
        elif (
            redo_all
            or doc.id in pending
            or old.digest != doc.digest
            or len(old.levels) != len(old.chunks)  # synced before chunk levels were kept
        ):
            report.updated += 1
            changed.append(doc)
        else:
            report.unchanged += 1
    removed = [
        doc_id
        for doc_id, entry in manifest.documents.items()
        if doc_id not in present and _within(Path(entry.path), scope)
    ]
    orphans = sorted(d for d in pending - present - set(removed) if d != "*")
    report.removed = len(removed)
    return _Plan(changed, removed, orphans, redo_all, scope, present)


def _origin(scope: list[Path]) -> dict[str, Any]:
    return {
        "machine": _machine(),
        "host": identity.host(),
        "user": identity.user(),
        "roots": sorted(map(str, scope)),
    }


def _machine() -> str:
    """This installation: the host and its data directory (two homes are two machines)."""
    return f"{identity.host()}:{paths.data_dir()}"


def _check_origin(location: str, manifest: Manifest, plan: _Plan, report: SyncReport) -> None:
    """Before anything changes: a server store last synced from another machine's corpus is
    not rewritten by a corpus that would remove or change its documents (a stale or partial
    checkout, another office's files) unless the ingest is forced."""
    if not is_url(location) or not manifest.origin or not (plan.removed or report.updated):
        return
    there = manifest.origin
    if there.get("machine") == _machine():
        return  # the machine that published it (a sub-folder or the whole corpus)
    raise LiaisonError(
        f"the store at {location} was last synced from {', '.join(there.get('roots', []))} on "
        f"{there.get('host', '?')} by {there.get('user', '?')}; this corpus would remove "
        f"{len(plan.removed)} and change {report.updated} of its documents",
        "check that this is the corpus to publish, then run: liaison ingest --force",
    )


def _take_registry(load: CorpusLoad, manifest: Manifest) -> bool:
    """Record the corpus's partner registry in the manifest when it changed."""
    if load.registry is None or load.registry_digest == manifest.registry_digest:
        return False
    manifest.partners = dict(load.registry.partners)
    manifest.registry_digest = load.registry_digest
    return True


def _apply(
    plan: _Plan,
    settings: Settings,
    store: VectorStore,
    embedder: Embedder,
    manifest: Manifest,
    report: SyncReport,
    progress: Progress | None,
) -> None:
    """Delete what is gone, then commit each changed document on its own, under the journal."""
    location = settings.store_location()
    write_journal(location, {d.id for d in plan.changed} | set(plan.removed) | set(plan.orphans))
    for doc_id in [*plan.removed, *plan.orphans]:
        store.delete_doc(doc_id)
        manifest.documents.pop(doc_id, None)
    if plan.redo_all:
        # A new signature means the stored vectors are incompatible: drop what the corpus
        # being synced no longer backs, and re-embed all of it.
        for doc_id in store.doc_ids() - plan.present:
            entry = manifest.documents.get(doc_id)
            if entry is not None and not _within(Path(entry.path), plan.scope):
                continue
            store.delete_doc(doc_id)
            manifest.documents.pop(doc_id, None)
    manifest.signature = signature(settings)
    save_manifest(location, manifest)
    total, done = len(plan.changed), 0
    for batch in _batches(plan.changed, settings):
        texts = [c.embedding_text() for _, chunks in batch for c in chunks]
        vectors: Any = embedder.encode_documents(texts) if texts else []
        if texts:
            manifest.dimension = len(vectors[0])
        published: list[tuple[Document, list[Chunk]]] = []
        whole = _write_batch(batch, vectors, store)
        offset = 0
        for doc, chunks in batch:
            if progress:
                progress(doc.id, done, total)
            done += 1
            if whole:
                manifest.documents[doc.id] = _entry(doc, chunks)
                published.append((doc, chunks))
            elif _write(
                doc, chunks, vectors[offset : offset + len(chunks)], store, manifest, report
            ):
                published.append((doc, chunks))
            offset += len(chunks)
        # One atomic write publishes the whole batch (for a server store, in the server too,
        # where readers on other machines look); only then do the old versions go.
        save_manifest(location, manifest)
        publish(settings)
        for doc, chunks in published:
            store.delete_doc(doc.id, keep={c.id for c in chunks})
    if plan.changed:
        manifest.encoder = {
            "model": settings.model,
            "dimension": manifest.dimension,
            "precision": embedder.precision,
            "query": "onnx" if embedder.ensure_export() else "torch",
        }
        save_manifest(location, manifest)
    if progress:
        progress("done", total, total)
    clear_journal(location)


BATCH_CHUNKS = 256
"""Chunks embedded in one call: large enough to keep the model busy, and sorted by length
inside it (sentence-transformers does) so that little of each batch is padding."""


def _batches(
    docs: list[Document], settings: Settings
) -> Iterator[list[tuple[Document, list[Chunk]]]]:
    """The changed documents with their chunks, in groups of about BATCH_CHUNKS chunks."""
    batch: list[tuple[Document, list[Chunk]]] = []
    size = 0
    for doc in docs:
        chunks = chunk_document(doc, settings.chunking.size, settings.chunking.overlap)
        batch.append((doc, chunks))
        size += len(chunks)
        if size >= BATCH_CHUNKS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _load(roots: list[Path]) -> CorpusLoad:
    load = load_corpus(roots)
    if load.registry is None:
        # The registry sits at the corpus root, possibly above the sub-folder being synced.
        for root in roots:
            registry_file = find_registry_root(root) / PARTNERS_FILE
            if not registry_file.is_file():
                continue
            try:
                load.registry = load_registry(registry_file)
                load.registry_digest = hashlib.sha256(registry_file.read_bytes()).hexdigest()
            except BadInput as exc:
                load.problems.append(Problem(display_path(registry_file), 0, exc.message))
            break
    return load


def _within(path: Path, scope: list[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == s or s in resolved.parents for s in scope)


def _write_batch(
    batch: list[tuple[Document, list[Chunk]]], vectors: Any, store: VectorStore
) -> bool:
    """Every chunk of the batch in one store call (a call costs far more than a chunk). False
    when the store refuses it: then each document is written on its own, so that one bad
    document is named and the others still go in."""
    chunks = [c for _, doc_chunks in batch for c in doc_chunks]
    if not chunks:
        return True
    try:
        store.upsert(
            [c.id for c in chunks], vectors, [c.text for c in chunks], [c.meta for c in chunks]
        )
    except StoreError:
        return False
    return True


def _write(
    doc: Document,
    chunks: list[Chunk],
    vectors: Any,
    store: VectorStore,
    manifest: Manifest,
    report: SyncReport,
) -> bool:
    """Write one document's new chunks and record it in the manifest (in memory; the caller
    publishes). The order a reader relies on: chunks written, then the manifest published (one
    atomic file write), then the old version's chunks removed. A reader holds itself to the
    published ids, so it sees the old version or the new one, never a mix; a crash anywhere in
    between is repaired by the journal. False when the store refuses the document: the
    version published before (if any) stays, what was written of the new one is removed, and
    the manifest keeps the old digest so the next run tries again."""
    old = manifest.documents.get(doc.id)
    try:
        store.upsert(
            [c.id for c in chunks], vectors, [c.text for c in chunks], [c.meta for c in chunks]
        )
    except StoreError as exc:
        store.delete_doc(doc.id, keep=set(old.chunks) if old else ())
        report.rejected.append(
            Problem(display_path(doc.path), 1, f"the store refused the document: {exc.message}")
        )
        return False
    manifest.documents[doc.id] = _entry(doc, chunks)
    return True


def _entry(doc: Document, chunks: list[Chunk]) -> DocEntry:
    seen: set[tuple[str, str]] = set()
    portions: list[Portion] = []
    for title, handling in doc.portions():
        if (title, handling.key()) not in seen:
            seen.add((title, handling.key()))
            portions.append(Portion(section=title, handling=handling))
    return DocEntry(
        digest=doc.digest,
        path=str(doc.path.resolve()),
        source=doc.source,
        title=doc.meta.title,
        kind=doc.meta.kind.value,
        partner=doc.meta.partner,
        topics=doc.meta.topics,
        language=doc.meta.language,
        reviewed=doc.meta.reviewed,
        banner=doc.banner,
        portions=tuple(portions),
        chunks=tuple(c.id for c in chunks),
        levels=tuple(c.handling.effective_level().rank for c in chunks),
        order=doc.meta.order,
        quiz=tuple(q.model_dump() for q in doc.meta.quiz),
    )
