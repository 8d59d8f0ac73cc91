"""The CLI contract (SPEC section 4): JSON shapes and exit codes, and light commands."""

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli.app import app
from tests.conftest import make_corpus, write_doc

runner = CliRunner()


def _front(doc_id: str) -> str:
    return (
        f"id: {doc_id}\ntitle: {doc_id}\nkind: doctrine\nreviewed: 2026-05-01\n"
        "handling: {classification: U, originator: OWN}\n"
    )


def test_ingest_json_counts_and_exit_2_on_bad_input(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from assistant.index import sync as index
    from tests.fakes import FakeEmbedder, MemoryStore

    store = MemoryStore()
    monkeypatch.setattr(index, "open_configured", lambda *a, **k: store)
    monkeypatch.setattr(index, "embedder_for", lambda *a, **k: FakeEmbedder())
    corpus = make_corpus(tmp_path / "c", {"a.md": (_front("a"), "## A\n\ntext a\n")})
    write_doc(corpus, "bad.md", _front("b").replace("U,", "BOGUS,"))
    result = runner.invoke(app, ["ingest", str(corpus), "--store", str(tmp_path / "s"), "--json"])
    assert result.exit_code == 2
    obj = json.loads(result.stdout)
    assert {
        k: obj[k] for k in ("documents", "chunks", "added", "updated", "removed", "unchanged")
    } == {"documents": 1, "chunks": 1, "added": 1, "updated": 0, "removed": 0, "unchanged": 0}
    (rejected,) = obj["rejected"]
    assert rejected["path"].endswith("bad.md") and rejected["line"] == 6
    assert "unknown classification" in rejected["reason"]

    (corpus / "bad.md").unlink()
    result = runner.invoke(app, ["ingest", str(corpus), "--store", str(tmp_path / "s"), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["unchanged"] == 1

    result = runner.invoke(app, ["status", "--store", str(tmp_path / "s"), "--json"])
    assert result.exit_code == 0
    status = json.loads(result.stdout)
    assert status["documents"] == 1 and status["chunks"] == 1


def test_unknown_audience_is_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ask", "anything", "--audience", "XQQ", "--store", str(tmp_path)])
    assert result.exit_code == 2


def _run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LIAISON_HOME": str(home)}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_help_status_and_unchanged_ingest_stay_light(tmp_path: Path) -> None:
    """--help, status and an unchanged ingest import neither torch nor chromadb."""
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['liaison'] + sys.argv[1:]\n"
        "try:\n    runpy.run_module('assistant', run_name='__main__')\n"
        "except SystemExit as e:\n    code = e.code\n"
        "heavy = [m for m in ('torch', 'chromadb', 'sentence_transformers', 'textual') "
        "if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    home = tmp_path / "h"
    for args in (["--help"], ["status"]):
        out = _run(["-c", probe, *args], home)
        assert "HEAVY []" in out.stdout, out.stdout + out.stderr


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    out = _run(["-m", "assistant", "ask", "x", "--audience", "nobody"], tmp_path / "h")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert out.stderr.startswith("liaison: unknown partner")
