"""The public Python API and the LangChain retriever, over the shipped store and the real
model: a LangChain runnable retrieves through the release gate, with the handling and the
citation of each passage in its metadata."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda

from assistant.api import Liaison, open_assistant
from assistant.errors import LiaisonError
from assistant.service import Assistant

pytestmark = pytest.mark.integration

QUESTION = "How should the seating be arranged at a meeting with a delegation?"


@pytest.fixture
def liaison(shipped: Assistant) -> Liaison:
    return Liaison(shipped)


def test_a_langchain_chain_retrieves_through_the_gate(liaison: Liaison, shipped: Assistant) -> None:
    retriever = liaison.as_retriever(audience="XTA", k=5)
    assert isinstance(retriever, BaseRetriever)
    cite = RunnableLambda(lambda docs: [d.metadata["citation"] for d in docs])
    docs: list[Document] = retriever.invoke(QUESTION)
    citations = (retriever | cite).invoke(QUESTION)
    assert docs and len(docs) <= 5 and citations == [d.metadata["citation"] for d in docs]
    for n, doc in enumerate(docs, start=1):
        meta = doc.metadata
        assert meta["citation"].startswith(f"[{n}] ") and meta["reviewed"] in meta["citation"]
        assert meta["marking"] and meta["handling"]["classification"] == "UNCLASSIFIED"
        assert doc.id == meta["chunk_id"]
    # The same passages, in the same order, as `liaison search --audience XTA`.
    hits = shipped.search(QUESTION, audience="XTA", k=5).hits
    assert [d.metadata["chunk_id"] for d in docs] == [h.chunk_id for h in hits]


def test_the_retriever_for_our_own_service_sees_more_than_a_partners(liaison: Liaison) -> None:
    own = liaison.as_retriever(k=10).invoke(
        "What is the counter-terrorism threat assessment for Borealia?"
    )
    partner = liaison.as_retriever(audience="XTA", k=10).invoke(
        "What is the counter-terrorism threat assessment for Borealia?"
    )
    levels = {d.metadata["handling"]["classification"] for d in own}
    assert levels - {"UNCLASSIFIED"}  # our own view includes restricted material
    assert {d.metadata["handling"]["classification"] for d in partner} <= {"UNCLASSIFIED"}


def test_an_unknown_partner_is_refused_when_the_retriever_is_made(liaison: Liaison) -> None:
    with pytest.raises(LiaisonError, match="XQQ"):
        liaison.as_retriever(audience="XQQ")


def test_ask_search_and_check(liaison: Liaison) -> None:
    answer = liaison.ask("Which gifts must be declared?")
    assert not answer.abstained and answer.citations and "[1]" in answer.text
    assert liaison.search("gifts register", k=3).hits
    decision, _consent = liaison.check("gifts-policy", to="XBO")
    assert decision.doc_id == "gifts-policy"


def test_open_assistant_takes_settings(shipped_store: Path) -> None:
    liaison = open_assistant(store=str(shipped_store), audited=False)
    assert liaison.assistant.settings.store == str(shipped_store)
    assert liaison.search("gifts", k=1).hits
