"""Prompt files become chat templates; braces anywhere but the two placeholders are text."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer import prompts
from assistant.errors import ConfigError


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(prompts, "prompts_dir", lambda: tmp_path / "prompts")
    return tmp_path / "prompts"


def test_sections_become_system_and_user_messages(folder: Path) -> None:
    _write(
        folder,
        "p1",
        'A test prompt, never sent.\n=== system ===\nAnswer as JSON: {"answer": "..."}\n'
        "=== user ===\nPassages:\n{passages}\nQuestion: {question}\n",
    )
    system, user = prompts.load_prompt("p1").messages("[1] a {curly} passage", "What {x} is?")
    assert system.type == "system" and system.content == 'Answer as JSON: {"answer": "..."}'
    assert user.type == "human"
    assert user.content == "Passages:\n[1] a {curly} passage\nQuestion: What {x} is?"
    assert "never sent" not in system.content + user.content


def test_a_placeholder_inside_a_passage_is_not_filled(folder: Path) -> None:
    _write(folder, "p2", "=== user ===\n{passages}\n--\n{question}\n")
    (user,) = prompts.load_prompt("p2").messages("see {question} here", "Q?")
    assert user.content == "see {question} here\n--\nQ?"


def test_a_prompt_without_its_placeholders_is_a_config_error(folder: Path) -> None:
    _write(folder, "p3", "=== user ===\nNo placeholders here.\n")
    with pytest.raises(ConfigError, match="malformed"):
        prompts.load_prompt("p3")
