"""Every ask, search, check and ingest writes one audit entry with the fields an auditor reads;
``liaison audit`` verifies, prints and lists them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.audit.factory import open_audit
from assistant.cli.app import app
from assistant.config import Settings
from assistant.index.sync import sync
from assistant.service import Assistant
from tests.conftest import make_corpus
from tests.fakes import FakeEmbedder, MemoryStore

runner = CliRunner()
FIELDS = {
    "v", "time", "user", "host", "command", "question", "audience", "clearance", "chunks",
    "decisions", "withheld", "detail", "prev", "hash",
}  # fmt: skip
DOCS = {
    "open.md": (
        "id: open\ntitle: Open harbour note\nkind: etiquette\nreviewed: 2026-05-01\n"
        "handling: {classification: U, originator: OWN}\n",
        "## Gifts\n\nA gift above fifty euros is declared to the protocol desk.\n",
    ),
    "closed.md": (
        "id: closed\ntitle: Closed harbour note\nkind: etiquette\nreviewed: 2026-05-01\n"
        "handling: {classification: C, originator: XBO, rel_to: [XBO], orcon: true}\n",
        "## Gifts\n\nGifts from the Borealian service are logged in the sealed register.\n",
    ),
}


@pytest.fixture
def assistant(tmp_path: Path) -> Assistant:
    corpus = make_corpus(tmp_path / "corpus", DOCS)
    settings = Settings(store=str(tmp_path / "store"), today="2026-10-01")
    store, embedder = MemoryStore(), FakeEmbedder()
    sync(settings, [corpus], store=store, embedder=embedder)
    return Assistant(settings, store=store, embedder=embedder)  # type: ignore[arg-type]


def _entries(settings: Settings) -> list[dict]:  # type: ignore[type-arg]
    log = open_audit(settings)
    assert log is not None
    return list(log.entries())


def test_ask_and_search_are_recorded_with_their_decisions(assistant: Assistant) -> None:
    answer = assistant.ask("Which gift is declared to the protocol desk?", audience="XMA")
    result = assistant.search("gifts register", audience="XMA")
    ask, search = _entries(assistant.settings)
    assert set(ask) == FIELDS and set(search) == FIELDS
    assert (ask["command"], ask["audience"], ask["clearance"]) == ("ask", "XMA", "SECRET")
    assert ask["question"] == "Which gift is declared to the protocol desk?"
    assert ask["chunks"] == [h.chunk_id for h in answer.citations] and ask["chunks"]
    assert all(d["decision"] == "ALLOW" and d["to"] == "XMA" for d in ask["decisions"])
    assert search["chunks"] == [h.chunk_id for h in result.hits]
    # The ORCON note is withheld for XMA: named in the entry, never quoted anywhere in it.
    assert [w["doc_id"] for w in search["withheld"]] == ["closed"]
    assert "sealed register" not in json.dumps([ask, search])
    assert open_audit(assistant.settings).verify().ok  # type: ignore[union-attr]


def test_a_release_answer_records_each_document_decision(assistant: Assistant) -> None:
    answer = assistant.ask("Can I share the closed harbour note with XMA?")
    (entry,) = _entries(assistant.settings)
    assert entry["detail"]["kind"] == "release" == answer.kind
    assert entry["decisions"] == [
        {"doc_id": "closed", "to": "XMA", "decision": "NEEDS_CONSENT", "rule": "rel-to"}
    ]
    assert [w["doc_id"] for w in entry["withheld"]] == ["closed"]


def test_switched_off_nothing_is_written(tmp_path: Path, assistant: Assistant) -> None:
    settings = Settings(store=assistant.settings.store, audit={"enabled": False})
    quiet = Assistant(settings, store=assistant._store, embedder=assistant.embedder)
    quiet.ask("Which gift is declared?")
    assert quiet.audit is None and not list(open_audit(settings, even_if_off=True).entries())  # type: ignore[union-attr]


def test_cli_check_and_ingest_are_recorded_and_audit_commands_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.index import sync as index

    memory = MemoryStore()
    monkeypatch.setattr(index, "open_configured", lambda *a, **k: memory)
    monkeypatch.setattr(index, "embedder_for", lambda *a, **k: FakeEmbedder())
    corpus = make_corpus(tmp_path / "corpus", DOCS)
    store = str(tmp_path / "store")
    assert runner.invoke(app, ["ingest", str(corpus), "--store", store]).exit_code == 0
    assert runner.invoke(app, ["check", "closed", "--to", "XMA", "--store", store]).exit_code == 0
    verify = runner.invoke(app, ["audit", "verify", "--store", store, "--json"])
    assert verify.exit_code == 0 and json.loads(verify.stdout)["lines"] == 2
    shown = runner.invoke(app, ["audit", "show", "--store", store, "--json"])
    ingest, check = (json.loads(x) for x in shown.stdout.splitlines())
    assert ingest["command"] == "ingest" and ingest["detail"]["added"] == 2
    assert check["command"] == "check" and check["audience"] == "XMA"
    assert check["decisions"][0] == {
        "doc_id": "closed", "to": "XMA", "decision": "NEEDS_CONSENT", "rule": "rel-to",
    }  # fmt: skip
    filtered = runner.invoke(app, ["audit", "show", "--audience", "XBO", "--json"])
    assert filtered.stdout == ""
    head = runner.invoke(app, ["audit", "head", "--store", store]).stdout.split()
    assert head[0] == "2" and len(head[1]) == 64
    path = Path(runner.invoke(app, ["audit", "path"]).stdout.strip())
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0].replace(b"ingest", b"ingesT") + lines[1])
    broken = runner.invoke(app, ["audit", "verify", "--store", store])
    assert broken.exit_code == 1 and "broken at line 1" in broken.stderr


def test_switched_off_every_command_says_so_once(tmp_path: Path) -> None:
    make_corpus(tmp_path / "corpus", DOCS)
    env = {"LIAISON_AUDIT__ENABLED": "false"}
    result = runner.invoke(app, ["status", "--store", str(tmp_path / "s")], env=env)
    assert result.stderr.count("audit logging is switched off") == 1
