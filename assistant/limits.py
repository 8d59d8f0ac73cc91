"""Limits on what a user or a file may hand over, each enforced with its own message."""

from __future__ import annotations

from assistant.errors import BadInput

MAX_QUESTION = 2000
"""Characters in one question or search query, after white space is folded."""
MAX_DOCUMENT = 1_000_000
"""Bytes in one corpus document (a long chapter is a few tens of kilobytes)."""
MAX_DATA_FILE = 5_000_000
"""Bytes in partners.yaml, termbase.yaml, a TBX file or the exchange ledger."""
MAX_LINE = 10_000
"""Characters in one line of a corpus file (a wide table row fits; a pasted blob does not)."""
MAX_BATCH = 10_000
"""Queries in one ``--batch`` input."""


def check_query(text: str) -> str:
    """The question with its white space folded; empty or over-long questions are bad input."""
    text = " ".join(text.split())
    if not text:
        raise BadInput("the question is empty")
    if len(text) > MAX_QUESTION:
        raise BadInput(f"the question is too long (over {MAX_QUESTION} characters)")
    return text
