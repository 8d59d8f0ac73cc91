"""The assistant's own operations the UI calls: clearance down only, a document as the audience
may read it, the release check with its consent request, re-index with progress."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.audit.log import AuditLog
from assistant.config import Settings
from assistant.corpus.markings import Level
from assistant.errors import BadInput
from assistant.index.lock import LockedError
from assistant.index.sync import sync
from assistant.policy.rules import Outcome
from assistant.service import Assistant
from tests.conftest import make_corpus, write_doc
from tests.fakes import FakeEmbedder, MemoryStore


def _last_audit(assistant: Assistant) -> dict:  # type: ignore[type-arg]
    assert isinstance(assistant.audit, AuditLog)
    return json.loads(assistant.audit.path.read_text(encoding="utf-8").splitlines()[-1])  # type: ignore[no-any-return]


def test_the_clearance_goes_down_never_above_the_configuration(tmp_path: Path) -> None:
    assistant = Assistant(Settings(store=str(tmp_path / "s"), clearance="SECRET"))
    assistant.lower_clearance(Level.RESTRICTED)
    assert assistant.settings.clearance is Level.RESTRICTED
    assert assistant.audience().clearance is Level.RESTRICTED
    assistant.lower_clearance(Level.SECRET)  # back up to the configured level: allowed
    assert assistant.settings.clearance is Level.SECRET
    with pytest.raises(BadInput, match="above the configured SECRET"):
        assistant.lower_clearance(Level.TOP_SECRET)
    assert assistant.settings.clearance is Level.SECRET


@pytest.mark.integration
def test_a_document_shows_only_what_the_audience_may_read(shipped: Assistant) -> None:
    own = shipped.document("money-laundering-cooperation")
    xta = shipped.document("money-laundering-cooperation", "XTA")
    gate = shipped.audience("XTA")
    assert own.hidden == 0
    assert xta.passages and all(gate.admits(h.handling) for h in xta.passages)
    assert xta.hidden == len(own.passages) - len(xta.passages) > 0
    lines = [int(h.meta.get("line", 0) or 0) for h in own.passages]
    assert lines == sorted(lines)
    shipped.lower_clearance(Level.UNCLASSIFIED)
    low = shipped.document("money-laundering-cooperation")
    assert all(h.handling.classification is Level.UNCLASSIFIED for h in low.passages)
    assert low.hidden > 0


@pytest.mark.integration
def test_the_check_drafts_the_request_and_is_audited(shipped: Assistant) -> None:
    check, request = shipped.check("xca-ml-typologies-2026", "XTA")
    assert check.outcome is Outcome.NEEDS_CONSENT
    assert request is not None and request.originator == "XCA"
    entry = _last_audit(shipped)
    assert entry["command"] == "check"
    assert entry["audience"] == "XTA"
    _, none = shipped.check("levels-of-cooperation", "XBO")
    assert none is None


def test_reindex_reports_progress_audits_and_reads_the_store_afresh(tmp_path: Path) -> None:
    front = "id: {0}\ntitle: {0}\nkind: doctrine\nreviewed: 2026-05-01\n" + (
        "handling: {{classification: U, originator: OWN}}\n"
    )
    corpus = make_corpus(tmp_path / "corpus", {"a.md": (front.format("a"), "## A\n\nText of a.\n")})
    settings = Settings(store=str(tmp_path / "store"), corpus=corpus)
    store = MemoryStore()
    assistant = Assistant(settings, store=store, embedder=FakeEmbedder())  # type: ignore[arg-type]
    sync(settings, embedder=assistant.embedder, store=store)
    assert len(assistant.manifest.documents) == 1
    write_doc(corpus, "b.md", front.format("b"), "## B\n\nText of b.\n")
    write_doc(corpus, "broken.md", "id: [unclosed", "text")
    seen: list[tuple[str, int, int]] = []
    report = assistant.reindex(lambda *a: seen.append(a))
    assert seen == [("b", 0, 1), ("done", 1, 1)]
    [problem] = report.rejected
    assert problem.path.endswith("broken.md") and problem.line >= 1 and problem.reason
    assert len(assistant.manifest.documents) == 2  # read afresh, not the cached manifest
    assert _last_audit(assistant)["command"] == "ingest"


def test_reindex_does_not_wait_for_another_ingest(tmp_path: Path) -> None:
    from assistant.index.lock import sync_lock
    from assistant.index.manifest import state_dir

    corpus = make_corpus(tmp_path / "corpus")
    settings = Settings(store=str(tmp_path / "store"), corpus=corpus)
    assistant = Assistant(settings, store=MemoryStore(), embedder=FakeEmbedder())  # type: ignore[arg-type]
    with sync_lock(state_dir(settings.store_location()), wait=True), pytest.raises(LockedError):
        assistant.reindex()
