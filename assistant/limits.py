"""Limits on what a user or a file may hand over, each enforced with its own message."""

from __future__ import annotations

from assistant.errors import BadInput

MAX_QUESTION = 2000
"""Characters in one question or search query, after white space is folded."""


def check_query(text: str) -> str:
    """The question with its white space folded; empty or over-long questions are bad input."""
    text = " ".join(text.split())
    if not text:
        raise BadInput("the question is empty")
    if len(text) > MAX_QUESTION:
        raise BadInput(f"the question is too long (over {MAX_QUESTION} characters)")
    return text
