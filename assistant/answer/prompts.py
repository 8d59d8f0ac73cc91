"""Prompt files for the optional language model: versioned text in ``prompts/``, not code.

A file holds a description, then ``=== system ===`` and ``=== user ===`` sections with the
placeholders ``{passages}`` and ``{question}``; it becomes a LangChain ``ChatPromptTemplate``.
Any other brace in the file is text, and text put into a placeholder is never read again, so
braces in a passage or in the question are never taken for placeholders."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.errors import ConfigError
from assistant.paths import prompts_dir
from assistant.retrieval.types import Hit

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage
    from langchain_core.prompts import ChatPromptTemplate

_PROMPT_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_SECTION = re.compile(r"^=== (system|user) ===\s*$", re.MULTILINE)
_PLACEHOLDER = re.compile(r"(\{(?:passages|question)\})")


@dataclass(frozen=True)
class Prompt:
    name: str
    system: str
    user: str

    def template(self) -> ChatPromptTemplate:
        """The prompt as a chat template: a system message (when the file has one), then the
        user message."""
        from langchain_core.prompts import ChatPromptTemplate

        parts = [("system", _template(self.system))] if self.system else []
        return ChatPromptTemplate.from_messages([*parts, ("human", _template(self.user))])

    def messages(self, passages: str, question: str) -> list[BaseMessage]:
        """The messages for the model, with the passages and the question put in."""
        return self.template().format_messages(passages=passages, question=question)


def _template(text: str) -> str:
    """``text`` as an f-string template: our two placeholders kept, every other brace text."""
    parts = _PLACEHOLDER.split(text)
    return "".join(
        part if _PLACEHOLDER.fullmatch(part) else part.replace("{", "{{").replace("}", "}}")
        for part in parts
    )


def available_prompts() -> list[str]:
    folder = prompts_dir()
    return sorted(p.stem for p in folder.glob("*.txt")) if folder.is_dir() else []


def load_prompt(name: str) -> Prompt:
    """Read ``prompts/<name>.txt``: a free description, then ``=== system ===`` and
    ``=== user ===`` sections. The user section must hold ``{passages}`` and ``{question}``."""
    known = ", ".join(available_prompts()) or "none"
    if not _PROMPT_NAME.match(name):
        raise ConfigError(f"invalid prompt name {name!r}", f"known prompts: {known}")
    path = prompts_dir() / f"{name}.txt"
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError:
        raise ConfigError(
            f"prompt {name!r} not found in {prompts_dir()}", f"known: {known}"
        ) from None
    parts = _SECTION.split(raw)
    # parts: [description, "system", text, "user", text] when both sections are present.
    sections = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    user = sections.get("user", "")
    if "{passages}" not in user or "{question}" not in user:
        raise ConfigError(
            f"prompt {path} is malformed",
            "it needs a '=== user ===' section with {passages} and {question}",
        )
    return Prompt(name, sections.get("system", ""), user)


def format_passages(hits: Sequence[Hit]) -> str:
    """The numbered passages as the model sees them: number, source and date, then the text."""
    blocks = []
    for n, hit in enumerate(hits, start=1):
        where = f"{hit.title} › {hit.section}" if hit.section else hit.title
        dated = f" (as of {hit.reviewed})" if hit.reviewed else ""
        blocks.append(f"[{n}] {where}{dated}\n{hit.text.strip()}")
    return "\n\n".join(blocks)
