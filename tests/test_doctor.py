"""``liaison doctor`` finds each fault planted here, says what to do, and exits 1 on a fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app
from assistant.config import Settings
from assistant.doctor import Status, diagnose
from assistant.index.sync import sync
from tests.conftest import ROOT, make_corpus, write_doc
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.integration
runner = CliRunner()
FRONT = (
    "id: {id}\ntitle: Note {id}\nkind: doctrine\nreviewed: 2026-05-01\n"
    "handling: {{classification: U, originator: OWN}}\n"
)


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    corpus = make_corpus(
        tmp_path / "corpus",
        {f"{d}.md": (FRONT.format(id=d), f"## About {d}\n\nText of {d}.\n") for d in "abc"},
    )
    store = tmp_path / "store"
    monkeypatch.setenv("LIAISON_STORE", str(store))
    monkeypatch.setenv("LIAISON_CORPUS", str(corpus))
    sync(Settings(), embedder=FakeEmbedder())
    runner.invoke(app, ["check", "a", "--to", "XBO"])  # an audit line to verify
    return {"corpus": corpus, "store": store}


def _by_name() -> dict[str, tuple[Status, str, str]]:
    return {f.name: (f.status, f.detail, f.fix) for f in diagnose()}


def test_a_healthy_installation_is_all_ok(setup: dict[str, Path], embedder: object) -> None:
    found = _by_name()  # the session's embedder has made the model's ONNX export
    assert {name: s for name, (s, _, _) in found.items()} == {
        "config": Status.OK,
        "manifest": Status.OK,
        "journal": Status.OK,
        "store": Status.OK,
        "store counts": Status.OK,
        "model": Status.OK,
        "question encoder": Status.OK,
        "corpus": Status.OK,
        "audit": Status.OK,
        "lock": Status.OK,
    }
    result = runner.invoke(app, ["doctor", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["ok"] is True


def _drop_chunk(p: dict[str, Path]) -> None:
    from assistant.index.store import open_store

    store = open_store(str(p["store"]))
    victim = store.all()[0]
    store._collection.delete(ids=[victim.id])  # type: ignore[attr-defined]


def _extra_chunk(p: dict[str, Path]) -> None:
    from assistant.index.store import open_store

    open_store(str(p["store"])).upsert(["stray"], [[0.1] * 64], ["stray"], [{"doc_id": "zz"}])


def _foreign_model(p: dict[str, Path]) -> None:
    from assistant.index.manifest import load_manifest, save_manifest

    manifest = load_manifest(str(p["store"]))
    manifest.signature["model"] = "some-other-model"
    save_manifest(str(p["store"]), manifest)


def _tamper_audit(p: dict[str, Path]) -> None:
    log = Path(runner.invoke(app, ["audit", "path"]).stdout.strip())
    log.write_bytes(log.read_bytes().replace(b'"check"', b'"chuck"'))


FAULTS: dict[str, tuple[Callable[[dict[str, Path]], None], str, Status, str, str]] = {
    # planted fault: (plant, check, status, words in the detail, words in the fix)
    "corrupt manifest": (
        lambda p: (p["store"] / "liaison-manifest.json").write_text("{not json"),
        "manifest", Status.FAIL, "cannot be read", "--rebuild",
    ),
    "interrupted ingest": (
        lambda p: (p["store"] / "liaison-sync.journal").write_text('{"pending": ["a"]}'),
        "journal", Status.WARN, "interrupted (1 documents", "liaison ingest",
    ),
    "chunk missing": (_drop_chunk, "store counts", Status.FAIL, "missing", "--rebuild"),
    "stray chunk": (_extra_chunk, "store counts", Status.WARN, "no published", "liaison ingest"),
    "another model": (_foreign_model, "store", Status.FAIL, "some-other-model", "--rebuild"),
    "bad corpus file": (
        lambda p: write_doc(p["corpus"], "bad.md", FRONT.format(id="bad").replace("U,", "Q,")),
        "corpus", Status.FAIL, "bad.md:6: handling.classification", "fix the files",
    ),
    "tampered audit log": (_tamper_audit, "audit", Status.FAIL, "broken at line 1", "report it"),
    "dead ingest's lock": (
        lambda p: (p["store"] / "liaison-sync.holder.json").write_text(
            json.dumps({"user": "bob", "host": os.uname().nodename, "pid": 2**22 + 7})
        ),
        "lock", Status.WARN, "bob@", "takes the lock over",
    ),
}  # fmt: skip


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_planted_fault_is_found(fault: str, setup: dict[str, Path]) -> None:
    plant, check, status, detail, fix = FAULTS[fault]
    plant(setup)
    found = _by_name()
    assert check in found, found
    got_status, got_detail, got_fix = found[check]
    assert got_status is status, (fault, found[check])
    assert detail in got_detail and fix in got_fix, (fault, found[check])
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == (1 if status is Status.FAIL else 0)
    assert "Traceback" not in result.output


def test_a_missing_model_and_a_bad_setting_are_found(
    setup: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIAISON_MODEL", str(setup["store"] / "no-model-here"))
    found = _by_name()
    assert found["model"][0] is Status.FAIL and "LIAISON_MODEL" in found["model"][2]
    monkeypatch.setenv("LIAISON_CLEARANCE", "GALACTIC")
    (finding,) = diagnose()
    assert finding.name == "config" and finding.status is Status.FAIL
    assert "clearance" in finding.detail


def test_a_running_ingest_and_switched_off_audit_are_warnings(
    setup: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    hold = (
        "import sys, time\nfrom pathlib import Path\nfrom assistant.index.lock import sync_lock\n"
        "with sync_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(30)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", hold, str(setup["store"])],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        assert _by_name()["lock"][0] is Status.WARN
        assert "being synced by" in _by_name()["lock"][1]
    finally:
        child.kill()
        child.wait()
    monkeypatch.setenv("LIAISON_AUDIT__ENABLED", "false")
    assert _by_name()["audit"][:2] == (Status.WARN, "audit logging is switched off")


def test_no_onnx_export_is_a_warning_that_names_the_fix(
    setup: dict[str, Path], _isolated_home: Path
) -> None:
    exports = _isolated_home / "data" / "encoders"
    exports.unlink()  # this home's own, empty folder instead of the session's exports
    exports.mkdir()
    status, detail, fix = _by_name()["question encoder"]
    assert (
        status is Status.WARN
        and "torch" in detail
        and fix == "run: liaison ingest (it makes the export)"
    )
    assert runner.invoke(app, ["doctor"]).exit_code == 0
