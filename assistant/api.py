"""liaison's public Python API: the same assistant the CLI and the chat use, for scripts and
for LangChain (docs/api.md).

    from assistant.api import open_assistant
    liaison = open_assistant(store="~/liaison/store")
    answer = liaison.ask("Which gifts must be declared?", audience="XBO")
    result = liaison.search("seating plan", audience="XBO", k=5)
    decision, consent = liaison.check("gifts-policy", to="XBO")
    retriever = liaison.as_retriever(audience="XBO", k=5)   # a LangChain BaseRetriever

Every path goes through the release gate, as on the command line; every call is recorded in
the audit log unless ``audited=False``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.answer.types import Answer
from assistant.policy.checks import DocumentCheck
from assistant.policy.consent import ConsentRequest
from assistant.retrieval.types import SearchResult
from assistant.service import Assistant, make_assistant

if TYPE_CHECKING:
    from langchain_core.retrievers import BaseRetriever

__all__ = ["Liaison", "open_assistant"]


class Liaison:
    """A thin, stable face on :class:`~assistant.service.Assistant`."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def ask(self, question: str, *, audience: str | None = None) -> Answer:
        """A cited answer (or an abstention with the closest sources) for ``audience``."""
        return self.assistant.ask(question, audience=audience)

    def search(self, query: str, *, audience: str | None = None, k: int = 5) -> SearchResult:
        """The ``k`` best passages ``audience`` may see, and what was withheld for consent."""
        return self.assistant.search(query, audience=audience, k=k)

    def check(self, doc_id: str, *, to: str) -> tuple[DocumentCheck, ConsentRequest | None]:
        """May document ``doc_id`` go to partner ``to``: the ruling of every portion, and the
        consent request to send when one is needed."""
        return self.assistant.check(doc_id, to)

    def as_retriever(self, *, audience: str | None = None, k: int = 5) -> BaseRetriever:
        """The gated hybrid retriever as a LangChain ``BaseRetriever``."""
        from assistant.lc_retriever import LiaisonRetriever

        if audience is not None:
            self.assistant.registry.require(audience)  # an unknown partner fails here, once
        return LiaisonRetriever(assistant=self.assistant, audience=audience, k=k)


def open_assistant(*, audited: bool = True, **settings: Any) -> Liaison:
    """liaison with the user's configuration (env, TOML), overridden by ``settings``
    (``store=``, ``clearance=``, ``corpus=``, ... as in config.py)."""
    return Liaison(make_assistant(audited=audited, **settings))
