"""What a route needs of the assistant: a small protocol, so routes never import the
:class:`assistant.service.Assistant` that calls them, and tests can hand them a fake."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from assistant.answer.types import Answer
from assistant.corpus.partners import Registry
from assistant.index.manifest import Manifest
from assistant.language.termbase import Termbase
from assistant.policy.gate import Audience
from assistant.retrieval.types import Filters, Hit, SearchResult


class Searcher(Protocol):
    """The gated retriever: every hit it returns has passed the gate for ``audience``."""

    def search(
        self, query: str, audience: Audience, *, k: int = 5, filters: Filters | None = None
    ) -> SearchResult: ...

    def passages(self, doc_ids: Sequence[str], audience: Audience) -> list[Hit]: ...


class Knowledge(Protocol):
    """The catalogue, the registry, the termbase and the gated retriever."""

    @property
    def manifest(self) -> Manifest: ...

    @property
    def registry(self) -> Registry: ...

    @property
    def termbase(self) -> Termbase | None: ...

    @property
    def retriever(self) -> Searcher: ...


Route = Callable[[Knowledge, str, Audience, Filters], Answer | None]
"""A question handler tried before retrieval: an answer, or None to pass the question on."""
