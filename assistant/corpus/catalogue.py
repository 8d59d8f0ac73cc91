"""The catalogue: what is known of each stored document without reading it again (its title,
kind, banner and portions, its chunks and quiz), and the small protocol the release checks
read it through. The index keeps it in the manifest; policy reads it and knows no index."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from assistant.corpus.markings import Handling
from assistant.corpus.partners import Registry


class Portion(BaseModel):
    model_config = ConfigDict(frozen=True)

    section: str
    handling: Handling


class DocEntry(BaseModel):
    """One document as last synced."""

    model_config = ConfigDict(frozen=True)

    digest: str
    path: str
    source: str
    title: str
    kind: str
    partner: str | None = None
    topics: tuple[str, ...] = ()
    language: str = "en"
    reviewed: dt.date
    banner: Handling
    portions: tuple[Portion, ...] = ()
    chunks: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()
    """The rank of each chunk's level, in the order of ``chunks`` (a team store keeps each
    level in its own database, and each level's catalogue lists only what that level holds)."""
    order: int | None = None
    quiz: tuple[dict[str, Any], ...] = ()


class Catalogue(Protocol):
    """Documents by id and the partner registry they were synced with (the manifest)."""

    @property
    def documents(self) -> Mapping[str, DocEntry]: ...

    def registry(self) -> Registry: ...
