"""Which sentences of a cited passage an answer rests on (what the source view highlights)."""

from __future__ import annotations

from assistant.answer.support import claims, supporting_spans
from assistant.answer.types import Answer
from tests.tui.conftest import LEVELS, make_hit

PASSAGE = (
    "Gifts are modest.\nA gift above 50 euros is declared to the desk within a week.\n\n"
    "- Flowers are always acceptable.\n- Cash is never given."
)


def _answer(text: str) -> Answer:
    return Answer("q", None, text, [make_hit(1, "Gifts", "Rules", LEVELS, text=PASSAGE)], False)


def _marked(spans: list[tuple[int, int]]) -> list[str]:
    return [PASSAGE[a:b] for a, b in spans]


def test_a_quoted_sentence_is_found_across_line_breaks_and_marks() -> None:
    answer = _answer(
        "(U) A gift above 50 euros is declared to the desk within a week. [1] Cash is never "
        "given. [1, 2]"
    )
    assert claims(answer, 1) == [
        "A gift above 50 euros is declared to the desk within a week.",
        "Cash is never given.",
    ]
    assert _marked(supporting_spans(PASSAGE, answer, 1)) == [
        "A gift above 50 euros is declared to the desk within a week.",
        "Cash is never given.",
    ]


def test_only_the_sentences_citing_that_passage_count() -> None:
    answer = _answer("Gifts are modest. [2] Flowers are always acceptable. [1]")
    assert _marked(supporting_spans(PASSAGE, answer, 1)) == ["Flowers are always acceptable."]
    assert supporting_spans(PASSAGE, answer, 3) == []


def test_a_paraphrase_marks_the_sentence_holding_most_of_its_words() -> None:
    answer = _answer("Any gift worth more than 50 euros must be declared to the desk. [1]")
    assert _marked(supporting_spans(PASSAGE, answer, 1)) == [
        "A gift above 50 euros is declared to the desk within a week."
    ]
    unrelated = _answer("The weather in Borealia is cold in winter. [1]")
    assert supporting_spans(PASSAGE, unrelated, 1) == []


def test_overlapping_claims_give_one_span() -> None:
    answer = _answer("Gifts are modest. [1] Gifts are modest. [1]")
    assert supporting_spans(PASSAGE, answer, 1) == [(0, len("Gifts are modest."))]
