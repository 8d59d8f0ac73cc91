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


def _hit(n: int, text: str, doc: str | None = None, reviewed: str = "2026-05-01") -> Hit:
    meta = {
        "doc_id": doc or f"doc-{n}",
        "title": f"Document {n}",
        "section": f"Section {n}",
        "reviewed": reviewed,
        "source": f"corpus/doc-{n}.md",
        **to_metadata(Handling(classification="U", originator="OWN")),
    }
    return Hit(f"chunk-{n}", text, meta, score=1.0 / n)


GIFTS = _hit(
    1,
    "Gifts from a partner service are declared to the protocol desk. "
    "A gift above fifty euros is declared within five working days. "
    "The weather in the harbour is often grey in winter.",
)
TOASTS = _hit(2, "A toast is proposed by the host at the start of the dinner.")
DECLARE = _hit(
    3,
    "Every gift declaration names the giver, the occasion and the estimated value of the gift.",
)


def _answer(query: str, *hits: Hit, **kw: object):  # type: ignore[no-untyped-def]
    answerer = ExtractiveAnswerer(FakeEmbedder(), min_evidence=0.2, **kw)  # type: ignore[arg-type]
    return answerer.answer(SearchResult(query, None, list(hits)))


def _sentences_with_marks(text: str) -> list[tuple[str, int]]:
    import re

    return [(m.group(1).strip(), int(m.group(2))) for m in re.finditer(r"(.+?) \[(\d+)\]", text)]


def test_each_sentence_is_quoted_from_its_cited_passage() -> None:
    answer = _answer("When is a gift declared?", GIFTS, TOASTS, DECLARE)
    assert not answer.abstained
    marked = _sentences_with_marks(answer.text)
    assert marked, answer.text
    for sentence, n in marked:
        # Every sentence is the passage's own, word for word, and carries the number of the
        # passage it was taken from.
        assert sentence in answer.citations[n - 1].text
    # Numbering follows first use: [1] is the first citation, and every citation is used.
    assert marked[0][1] == 1
    assert {n for _, n in marked} == set(range(1, len(answer.citations) + 1))


def test_the_best_sentences_are_chosen_and_off_topic_ones_left_out() -> None:
    answer = _answer("When is a gift declared?", GIFTS, TOASTS, DECLARE)
    assert "within five working days" in answer.text
    assert "weather" not in answer.text  # same passage, nothing to do with the question
    assert "toast" not in answer.text.lower()


def test_sentences_of_one_passage_keep_their_order() -> None:
    answer = _answer("gift declared protocol desk fifty euros working days", GIFTS)
    first = answer.text.index("protocol desk")
    second = answer.text.index("fifty euros")
    assert first < second


def test_at_most_max_sentences() -> None:
    many = _hit(4, " ".join(f"Gift rule number {i} is declared to the desk." for i in range(10)))
    answer = _answer("Which gift is declared to the desk?", many, max_sentences=2)
    assert len(_sentences_with_marks(answer.text)) <= 2


def test_weak_evidence_abstains_and_names_the_closest_sources() -> None:
    answerer = ExtractiveAnswerer(FakeEmbedder(), min_evidence=0.99)
    answer = answerer.answer(SearchResult("chocolate cake recipe", None, [GIFTS, TOASTS]))
    assert answer.abstained
    assert answer.text.startswith("The corpus does not cover this question.")
    assert "[1] Document 1 (Section 1, as of 2026-05-01)" in answer.text
    assert "[2] Document 2" in answer.text
    assert answer.citations == [GIFTS, TOASTS]


def test_no_passage_abstains_without_sources() -> None:
    answer = ExtractiveAnswerer(FakeEmbedder()).answer(SearchResult("anything", "XBO", []))
    assert answer.abstained and answer.citations == [] and answer.evidence == 0.0
    assert "No passage available to this audience" in answer.text


def test_the_same_question_gives_the_same_answer() -> None:
    first = _answer("When is a gift declared?", GIFTS, TOASTS, DECLARE)
    again = _answer("When is a gift declared?", GIFTS, TOASTS, DECLARE)
    assert (first.text, [c.chunk_id for c in first.citations]) == (
        again.text,
        [c.chunk_id for c in again.citations],
    )
