"""A team store's partition by classification level: one Chroma database per level.

The proxy in front of the server (deploy/nginx-store.conf) maps each token to the databases up
to its holder's clearance, so a chunk above a user's clearance cannot be read with that user's
token even by a changed client. The names here and the proxy's map must agree (a test checks).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.corpus.markings import Level

DATABASES: Mapping[Level, str] = {
    Level.UNCLASSIFIED: "unclassified",
    Level.RESTRICTED: "restricted",
    Level.CONFIDENTIAL: "confidential",
    Level.SECRET: "secret",
    Level.TOP_SECRET: "top-secret",
}
"""The database that holds each level's chunks (and that level's copy of the catalogue)."""

_BY_RANK = {level.rank: level for level in Level}


def level_of_rank(rank: object) -> Level:
    """The level of a stored rank; anything unreadable is the top level (fail closed)."""
    if isinstance(rank, bool) or not isinstance(rank, int):
        return Level.TOP_SECRET
    return _BY_RANK.get(rank, Level.TOP_SECRET)


def chunk_level(meta: Mapping[str, Any]) -> Level:
    """The level a chunk is kept at: its portion's effective level (unmarked counts as the top)."""
    return level_of_rank(meta.get("level"))


def up_to(clearance: Level) -> list[Level]:
    """The levels a user at ``clearance`` may read, lowest first."""
    return [level for level in Level if level.rank <= clearance.rank]
