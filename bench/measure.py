"""How one command is timed: a new process, wall time and its own peak RSS (from wait4), or
the first frame of the chat screen in a pseudo-terminal."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Run:
    seconds: float
    rss_mb: float
    stdout: str = ""


@dataclass
class Figure:
    """Repeated runs of one command: medians, and every run kept."""

    runs: list[Run] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def rss_mb(self) -> float:
        return statistics.median(r.rss_mb for r in self.runs)

    def as_dict(self) -> dict[str, object]:
        return {
            "seconds": round(self.seconds, 4),
            "rss_mb": round(self.rss_mb, 1),
            "runs": [round(r.seconds, 4) for r in self.runs],
        }


class CommandFailed(RuntimeError):
    pass


def run(argv: list[str], env: dict[str, str], *, ok: tuple[int, ...] = (0,)) -> Run:
    """Run ``argv`` to its end; its wall time and its own peak RSS (wait4, this child only)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if child.returncode not in ok:
        raise CommandFailed(f"{' '.join(argv[:4])}... exited {child.returncode}: {stderr[-800:]}")
    return Run(seconds, usage.ru_maxrss / 1024, stdout)


ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][A-Za-z0-9]|\x1b[=>]|\x1b\][^\x07]*\x07")


def first_paint(argv: list[str], env: dict[str, str], marker: str, timeout: float = 60) -> Run:
    """Seconds from starting ``argv`` in a 120x40 pseudo-terminal to the first output that
    shows ``marker`` (escape sequences stripped); the app is then stopped."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app, on the terminal's slave side
        os.environ.update(env)
        os.environ["TERM"] = "xterm-256color"
        os.execvpe(argv[0], argv, os.environ)
    _set_size(fd, 40, 120)
    start = time.perf_counter()
    seen = ""
    painted = None
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk.decode("utf-8", "replace")
            if marker in ANSI.sub("", seen).replace("\r", ""):
                painted = time.perf_counter() - start
                break
    finally:
        os.kill(pid, signal.SIGTERM)
        _, _, usage = os.wait4(pid, 0)
        os.close(fd)
    if painted is None:
        raise CommandFailed(f"{marker!r} never appeared on the screen of {argv[0]}")
    return Run(painted, usage.ru_maxrss / 1024)


def _set_size(fd: int, rows: int, cols: int) -> None:
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6
