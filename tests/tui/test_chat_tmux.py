"""The real ``liaison chat`` end to end, in a real terminal: tmux runs it over the shipped store
with the real model, types as an officer does, and reads the screen with ``capture-pane``.

Skipped (with the reason) when tmux is not installed; .ci/run installs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

LIAISON = Path(sys.executable).with_name("liaison")


class Terminal:
    """One tmux session on a private server, 120x36, running ``command``."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.socket = f"liaison-test-{uuid.uuid4().hex[:8]}"
        self.env = env
        wrapped = " ".join(command) + "; echo EXITED $?; sleep 60"
        self.tmux("new-session", "-d", "-s", "t", "-x", "120", "-y", "36", wrapped)

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        )
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "t", "-l", text)

    def press(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def wait_for(self, check: Callable[[str], bool], what: str, timeout: float = 90) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if check(text):
                return text
            if "EXITED" in text or "Traceback" in text:
                pytest.fail(f"liaison chat stopped while waiting for {what}:\n{text}")
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}; the screen shows:\n{text}")
            time.sleep(0.25)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], env=self.env, check=False)


@pytest.fixture
def terminal(shipped_store: Path, _isolated_home: Path) -> Iterator[Terminal]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}
    env.update(
        LIAISON_HOME=str(_isolated_home),
        LIAISON_STORE=str(shipped_store),
        TERM="xterm-256color",
    )
    term = Terminal([str(LIAISON), "chat"], env)
    yield term
    term.close()


def sources_of(screen: str) -> str:
    """The right-hand column (the sources panel) of a captured screen."""
    return "\n".join(line.split("│", 1)[1] for line in screen.splitlines() if "│" in line)


def test_ask_change_audience_and_ask_again(terminal: Terminal) -> None:
    terminal.wait_for(lambda s: s.splitlines()[1].rstrip().endswith("ready"), "the model")

    terminal.type("What gifts may we give a visiting delegation?")
    terminal.press("Enter")
    first = terminal.wait_for(lambda s: "[1]" in sources_of(s), "the first answer's sources")
    assert "› What gifts may we give a visiting delegation?" in first
    assert "as of 20" in first  # the answer's review date
    assert "UNCLASSIFIED" in sources_of(first)

    terminal.press("F2")
    terminal.wait_for(lambda s: "Tavarian" in s, "the audience picker")
    terminal.type("XTA")
    terminal.press("Enter")
    terminal.wait_for(
        lambda s: "Audience ▾ XTA" in s.splitlines()[1], "the audience in the header bar"
    )

    terminal.type("How are dinners with XTA conducted?")
    terminal.press("Enter")
    second = terminal.wait_for(lambda s: "for audience XTA · Tavarian" in s, "the second answer")
    second = terminal.wait_for(lambda s: "toast" in s, "the second answer's text")
    # The first answer (own use) is hidden now that the audience is a partner.
    assert "Hidden: asked for another audience" in second
    assert "now for audience XTA" in second
    # XTA's agreement covers UNCLASSIFIED only: every source banner shown must be UNCLASSIFIED.
    banners = [line.split("//")[0].strip() for line in sources_of(second).splitlines()]
    assert "UNCLASSIFIED" in banners
    assert not {"RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP SECRET"} & set(banners)

    terminal.press("C-q")
    terminal.wait_for(lambda s: "EXITED 0" in s, "liaison chat to quit", timeout=20)
