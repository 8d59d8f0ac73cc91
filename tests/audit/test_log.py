"""The audit log: a sealed hash chain with a head, written under a lock."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.audit.chain import GENESIS, Head, seal, unseal
from assistant.audit.log import AuditError, AuditLog


def _log(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit" / "audit.jsonl", tmp_path / "store")


def _fill(log: AuditLog, n: int = 3) -> None:
    for i in range(n):
        log.append({"command": "ask", "question": f"question {i} ÉŐ", "chunks": [f"c{i}"]})


def test_a_sealed_line_unseals_and_chains() -> None:
    line, digest = seal({"command": "ask", "b": 1, "a": [1, 2]}, GENESIS)
    sealed = unseal(line, 1)
    assert sealed.hash == digest and sealed.prev == GENESIS
    assert sealed.entry["a"] == [1, 2] and sealed.entry["hash"] == digest
    assert json.loads(line)["prev"] == GENESIS


def test_appends_chain_and_move_both_heads(tmp_path: Path) -> None:
    log = _log(tmp_path)
    _fill(log, 4)
    verdict = log.verify()
    assert verdict.ok and verdict.lines == 4
    head = log.read_head()
    assert head.lines == 4 and head.last == verdict.last
    store_head = log.store_head_path()
    assert store_head is not None
    assert Head.model_validate_json(store_head.read_text()) == head
    lines = log.path.read_bytes().splitlines()
    assert [json.loads(x)["prev"] for x in lines[1:]] == [json.loads(x)["hash"] for x in lines[:-1]]


def test_every_one_byte_change_is_caught(tmp_path: Path) -> None:
    log = _log(tmp_path)
    _fill(log, 3)
    original = log.path.read_bytes()
    starts = [0, *[i + 1 for i, b in enumerate(original) if b == ord("\n")][:-1]]
    for pos in range(len(original)):
        changed = bytearray(original)
        changed[pos] = ord("#") if changed[pos] != ord("#") else ord("$")
        log.path.write_bytes(bytes(changed))
        verdict = log.verify()
        assert not verdict.ok, f"a change at byte {pos} went unnoticed"
        line_of_byte = sum(1 for s in starts if s <= pos)
        if original[pos] != ord("\n") and verdict.broken_at is not None:
            # The changed line itself is named (a changed newline joins two lines).
            assert verdict.broken_at == line_of_byte, pos
    log.path.write_bytes(original)
    assert log.verify().ok


def test_a_truncated_log_is_caught_by_either_head(tmp_path: Path) -> None:
    log = _log(tmp_path)
    _fill(log, 4)
    original = log.path.read_bytes()
    lines = original.splitlines(keepends=True)
    log.path.write_bytes(b"".join(lines[:-1]))
    verdict = log.verify()
    assert not verdict.ok and "truncated" in verdict.reason and "4 lines" in verdict.reason
    # Rewriting the head beside the log to match does not help: the store keeps its own copy.
    sealed = unseal(lines[-2].rstrip(b"\n"), 3)
    log.head_path.write_text(Head(lines=3, last=sealed.hash).model_dump_json())
    verdict = log.verify()
    assert not verdict.ok and "in the store" in verdict.reason
    # A cut last line (its newline gone) is named.
    log.path.write_bytes(original[:-1])
    verdict = log.verify()
    assert not verdict.ok and verdict.broken_at == 4 and "cut short" in verdict.reason


def test_removing_the_first_line_is_caught(tmp_path: Path) -> None:
    log = _log(tmp_path)
    _fill(log, 3)
    lines = log.path.read_bytes().splitlines(keepends=True)
    log.path.write_bytes(b"".join(lines[1:]))
    verdict = log.verify()
    assert verdict.broken_at == 1 and "does not start the chain" in verdict.reason


def test_a_head_one_line_behind_is_brought_forward(tmp_path: Path) -> None:
    """A crash between writing the line and moving the head."""
    log = _log(tmp_path)
    _fill(log, 2)
    before = log.read_head()
    line, _ = seal({"command": "ask"}, before.last)
    with log.path.open("ab") as fh:
        fh.write(line + b"\n")
    log.append({"command": "search"})
    assert log.verify().ok and log.read_head().lines == 4


def test_a_log_that_disagrees_with_its_head_is_not_appended_to(tmp_path: Path) -> None:
    log = _log(tmp_path)
    _fill(log, 3)
    lines = log.path.read_bytes().splitlines(keepends=True)
    log.path.write_bytes(b"".join(lines[:-1]))
    with pytest.raises(AuditError, match="does not end where its head says"):
        log.append({"command": "ask"})
    assert log.path.read_bytes() == b"".join(lines[:-1])  # nothing was written


def test_the_head_missing_beside_a_log_is_reported(tmp_path: Path) -> None:
    log = _log(tmp_path)
    _fill(log, 2)
    log.head_path.unlink()
    assert "missing" in log.verify().reason
    with pytest.raises(AuditError):
        log.append({"command": "ask"})


WRITER = """
import sys
from pathlib import Path
from assistant.audit.log import AuditLog
log = AuditLog(Path(sys.argv[1]), Path(sys.argv[2]))
for i in range(int(sys.argv[3])):
    log.append({"command": "ask", "question": sys.argv[4] + str(i) + " " + "x" * 3000})
"""


def test_concurrent_commands_never_interleave_or_tear_a_line(tmp_path: Path) -> None:
    log = _log(tmp_path)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(log.path), str(tmp_path / "store"), "40", f"w{n}"]
        )
        for n in range(4)
    ]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    verdict = log.verify()
    assert verdict.ok and verdict.lines == 160, verdict.describe()
    questions = [json.loads(x)["question"] for x in log.path.read_bytes().splitlines()]
    assert sorted(q.split()[0] for q in questions) == sorted(
        f"w{n}{i}" for n in range(4) for i in range(40)
    )
