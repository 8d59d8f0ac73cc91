"""The gated hybrid retriever as a LangChain ``BaseRetriever``.

A LangChain chain or agent that retrieves through it gets exactly what ``liaison search``
gives the same audience: the question carried over from its language, dense and lexical
retrieval fused, and every passage through the release gate (policy/gate.py) before it
becomes a ``Document``. Each document carries its handling and its citation in its metadata.
The retriever holds an :class:`~assistant.service.Assistant`; it adds no path around the gate.

This module imports LangChain at import time; :func:`assistant.api.as_retriever` imports it
only when asked for a retriever, so the rest of liaison never pays for LangChain.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.retrieval.types import Hit
from assistant.service import Assistant


class LiaisonRetriever(BaseRetriever):
    """Passages the audience may see, best first, as LangChain documents."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Assistant
    audience: str | None = None
    """A partner code or name; None for our own service."""
    k: int = 5

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        result = self.assistant.search(query, audience=self.audience, k=self.k)
        return [to_document(hit, n) for n, hit in enumerate(result.hits, start=1)]


def to_document(hit: Hit, n: int) -> Document:
    """A hit as a LangChain document: the passage's text, and in the metadata its handling
    (the portion marking and its fields), its citation ``[n]`` and the document it is from."""
    handling = hit.handling
    reviewed = f", reviewed {hit.reviewed}" if hit.reviewed else ""
    metadata: dict[str, Any] = {
        "citation": f"[{n}] {hit.title} - {hit.section}{reviewed}",
        "n": n,
        "doc_id": hit.doc_id,
        "title": hit.title,
        "section": hit.section,
        "source": str(hit.meta.get("source", "")),
        "chunk_id": hit.chunk_id,
        "reviewed": hit.reviewed,
        "score": round(hit.score, 4),
        "marking": handling.banner(),
        "handling": handling.public_dict(),
    }
    return Document(page_content=hit.text, metadata=metadata, id=hit.chunk_id)
