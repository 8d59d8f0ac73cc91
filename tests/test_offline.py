"""Offline always: ingest and ask run with every socket blocked, in a fresh process, so even
import-time network attempts (model hubs, telemetry) would fail loudly."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_corpus

BLOCKER = """
import socket

class _Blocked(OSError):
    pass

def _deny(*args, **kwargs):
    raise _Blocked("network access attempted: " + repr(args)[:200])

_orig_socket = socket.socket

class _GuardedSocket(_orig_socket):
    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _deny(address)
        return super().connect(address)
    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _deny(address)
        return super().connect_ex(address)

socket.socket = _GuardedSocket
socket.create_connection = _deny
socket.getaddrinfo = _deny
"""


@pytest.mark.integration
def test_ingest_and_ask_with_sockets_blocked(tmp_path: Path) -> None:
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(BLOCKER)
    front = (
        "id: levels\ntitle: Levels of cooperation\nkind: doctrine\nreviewed: 2026-05-01\n"
        "handling: {classification: U, originator: OWN}\n"
    )
    body = (
        "## The ladder\n\nThe lowest level of cooperation is level zero, the protocol level, "
        "where senior officials meet to state goodwill.\n"
    )
    corpus = make_corpus(tmp_path / "corpus", {"levels.md": (front, body)})
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env = {**clean, "PYTHONPATH": str(guard), "LIAISON_HOME": str(tmp_path / "home")}
    store = str(tmp_path / "store")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "assistant", *args, "--store", store],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )

    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9))"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert "network access attempted" in probe.stderr  # the guard is really in force

    ingest = run("ingest", str(corpus), "--json")
    assert ingest.returncode == 0, ingest.stderr
    assert json.loads(ingest.stdout)["added"] == 1
    ask = run("ask", "What is the lowest level of cooperation?", "--json")
    assert ask.returncode == 0, ask.stderr
    answer = json.loads(ask.stdout)
    assert not answer["abstained"] and "[1]" in answer["answer"]
    assert "network access attempted" not in ask.stderr + ingest.stderr
