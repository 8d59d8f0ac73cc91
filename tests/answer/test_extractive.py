"""The extractive answerer's evidence: what it counts for a question carried over from
another language."""

from __future__ import annotations

from assistant.answer.extractive import ExtractiveAnswerer
from assistant.corpus.markings import Handling, to_metadata
from assistant.retrieval.types import Hit, SearchResult
from tests.fakes import FakeEmbedder

PASSAGE = Hit(
    "chunk-1",
    "An interpreter is booked through the protocol desk two days ahead of the meeting.",
    {
        "doc_id": "interpreters",
        "title": "Interpreters",
        "section": "Booking",
        "reviewed": "2026-05-01",
        "source": "corpus/interpreters.md",
        **to_metadata(Handling(classification="U", originator="OWN")),
    },
    score=1.0,
)
# "Kell tolmácsot foglalni?" carried over: the term brings definition words the passage lacks.
QUERY = "must interpreter foglalni person who renders spoken language between parties"
UNITS = (("tolmácsot", "interpreter"), ("foglalni", "booked", "book"))


def evidence(result: SearchResult) -> float:
    return ExtractiveAnswerer(FakeEmbedder(), min_evidence=0.0).answer(result).evidence


def test_translated_question_counts_its_own_words() -> None:
    plain = evidence(SearchResult(QUERY, None, [PASSAGE]))
    units = evidence(SearchResult(QUERY, None, [PASSAGE], units=UNITS))
    # Both question words are covered (one by its English rendering); the definition words
    # appended for retrieval no longer count against the passage.
    assert units > plain


def test_uncovered_units_lower_the_evidence() -> None:
    covered = evidence(SearchResult(QUERY, None, [PASSAGE], units=UNITS))
    foreign = (("tolmácsot", "interpreter"), ("esküvő", "wedding"), ("lakodalom", "feast"))
    uncovered = evidence(SearchResult(QUERY, None, [PASSAGE], units=foreign))
    assert uncovered < covered
