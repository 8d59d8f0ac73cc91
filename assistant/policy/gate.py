"""The gate: the one place where clearance and audience are enforced on retrieved text.

Every passage on its way to a search hit, an answer, a brief or an export passes through
:func:`admit`. It re-reads the handling from the passage itself, never from a cache of earlier
decisions, and applies :func:`assistant.policy.visible`. Retrieval also pre-filters the stores
with :func:`allowed_keys` (so the top k is not eaten by denied text), but the gate does not
trust that filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from assistant.corpus.markings import Handling, Level, from_metadata
from assistant.corpus.partners import Registry
from assistant.policy.rules import Decision, decide, visible


class Gated(Protocol):
    @property
    def meta(self) -> dict[str, Any]: ...


T = TypeVar("T", bound=Gated)


@dataclass(frozen=True)
class Audience:
    """Who the answer is for: the user's clearance, an optional partner audience, and the date
    the release rules are applied on."""

    clearance: Level
    partner: str | None
    registry: Registry
    today: dt.date

    def admits(self, handling: Handling) -> bool:
        return visible(
            handling,
            clearance=self.clearance,
            audience=self.partner,
            registry=self.registry,
            today=self.today,
        )

    def decision(self, handling: Handling) -> Decision | None:
        """The release decision for the partner audience (None when there is no audience)."""
        if self.partner is None:
            return None
        return decide(handling, self.registry, self.partner, self.today)


def admit(items: Iterable[T], audience: Audience) -> list[T]:
    """Keep only what the audience may see. Handling is read from each item's own metadata;
    metadata that cannot be read is unmarked, and unmarked is denied."""
    return [item for item in items if audience.admits(from_metadata(item.meta))]


def allowed_keys(handlings: Iterable[Handling], audience: Audience) -> list[str]:
    """The handling keys the audience may see, for the store's metadata pre-filter."""
    return sorted({h.key() for h in handlings if audience.admits(h)})
