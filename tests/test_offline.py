"""Offline always: every command runs with every socket blocked, in a fresh process, so even
import-time network attempts (model hubs, telemetry) would fail loudly; and where the kernel
allows it, the CLI runs in a network namespace with no network at all (``unshare -n``)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, make_corpus

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


CHAT = """
import asyncio, sys
from assistant.config import Settings
from assistant.tui.app import make_app

async def main():
    app = make_app(Settings(store=sys.argv[1]))
    before = app.assistant.audit.read_head().lines
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if app.assistant.retriever._chunks is not None:
                break
        app.screen.query_one("#question").value = "What is the lowest level of cooperation?"
        await pilot.press("enter")
        for _ in range(200):
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            if app.assistant.audit.read_head().lines > before:
                break
    assert app.assistant.audit.read_head().lines == before + 1, "the chat turn was not answered"
    print("chat ok", flush=True)

asyncio.run(main())
"""


def _corpus(tmp_path: Path) -> Path:
    front = (
        "id: levels\ntitle: Levels of cooperation\nkind: doctrine\nreviewed: 2026-05-01\n"
        "handling: {classification: U, originator: OWN}\n"
    )
    body = (
        "## The ladder\n\nThe lowest level of cooperation is level zero, the protocol level, "
        "where senior officials meet to state goodwill.\n"
    )
    return make_corpus(tmp_path / "corpus", {"levels.md": (front, body)})


@pytest.mark.integration
def test_every_command_with_sockets_blocked(tmp_path: Path) -> None:
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(BLOCKER)
    corpus = _corpus(tmp_path)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env = {
        **clean,
        "PYTHONPATH": f"{guard}{os.pathsep}{ROOT}",
        "LIAISON_HOME": str(tmp_path / "home"),
    }
    store = str(tmp_path / "store")

    def run(*args: str, store_flag: bool = True) -> subprocess.CompletedProcess[str]:
        extra = ["--store", store] if store_flag else []
        done = subprocess.run(
            [sys.executable, "-m", "assistant", *args, *extra],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        assert "network access attempted" not in done.stderr, (args, done.stderr)
        return done

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
    search = run("search", "protocol level", "--audience", "XBO", "--json")
    assert search.returncode == 0 and json.loads(search.stdout)["hits"], search.stderr
    assert run("check", "levels", "--to", "XBO", "--json").returncode == 0
    assert run("status", "--json").returncode == 0
    assert (
        run("term", "liaison officer", "--corpus", str(ROOT / "corpus"), "--json").returncode == 0
    )
    verify = run("audit", "verify", "--json")
    assert verify.returncode == 0 and json.loads(verify.stdout)["lines"] == 4, verify.stdout
    assert run("audit", "show", "--json").returncode == 0
    doctor = run("doctor", "--json", "--corpus", str(corpus))
    assert json.loads(doctor.stdout)["ok"], doctor.stdout
    chat = subprocess.run(
        [sys.executable, "-c", CHAT, store],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert chat.returncode == 0 and "chat ok" in chat.stdout, chat.stderr[-2000:]
    assert "network access attempted" not in chat.stderr


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("unshare") is None, reason="unshare (util-linux) is not installed")
def test_the_cli_in_a_namespace_with_no_network(tmp_path: Path) -> None:
    """No sockets to block: the process has no network device but loopback, down."""
    for flags in (["-n"], ["-rn"]):
        if (
            subprocess.run(["unshare", *flags, "true"], capture_output=True, check=False).returncode
            == 0
        ):
            break
    else:
        pytest.skip("this kernel or sandbox does not allow a new network namespace")
    corpus = _corpus(tmp_path)
    env = {**os.environ, "LIAISON_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    store = str(tmp_path / "store")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["unshare", *flags, sys.executable, "-m", "assistant", *args, "--store", store],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )

    ingest = run("ingest", str(corpus), "--json")
    assert ingest.returncode == 0, ingest.stderr
    ask = run("ask", "What is the lowest level of cooperation?", "--json")
    assert ask.returncode == 0, ask.stderr
    assert not json.loads(ask.stdout)["abstained"]
