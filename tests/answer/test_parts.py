"""Compound questions: split into their parts, each asked with what the others carry, and one
answer made of the parts' answers."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.answer.compound import NOT_COVERED, PART_MARK, combine
from assistant.answer.parts import carry_partner, carry_topic, split_question
from assistant.answer.types import Answer, Ruling
from assistant.corpus.markings import Handling, to_metadata
from assistant.corpus.partners import Registry
from assistant.retrieval.types import Hit, Withheld
from assistant.text import cited_numbers


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "How should I receive a delegation from Borealia, and what gifts are acceptable?",
            ["How should I receive a delegation from Borealia?", "What gifts are acceptable?"],
        ),
        (
            "Do I need an interpreter for the Maravians, and how do I say liaison officer?",
            ["Do I need an interpreter for the Maravians?", "How do I say liaison officer?"],
        ),
        (
            "What is a tear-line? Who keeps the release log?",
            ["What is a tear-line?", "Who keeps the release log?"],
        ),
        (
            "What is the gift limit? Also, which gifts are never accepted?",
            ["What is the gift limit?", "Which gifts are never accepted?"],
        ),
        (
            "Wie lange dauert ein Trinkspruch, und wer bringt ihn aus?",
            ["Wie lange dauert ein Trinkspruch?", "Wer bringt ihn aus?"],
        ),
        (
            "Combien dure un toast, et qui le propose en premier ?",
            ["Combien dure un toast?", "Qui le propose en premier ?"],
        ),
        (
            "Mekkora a határ, és mi történik a drágább ajándékkal?",
            ["Mekkora a határ?", "Mi történik a drágább ajándékkal?"],
        ),
    ],
)
def test_a_compound_question_splits_into_its_parts(question: str, parts: list[str]) -> None:
    assert split_question(question) == parts


@pytest.mark.parametrize(
    "question",
    [
        "What are the rules for gifts and hospitality?",
        "Who proposes and who answers the first toast?",  # "and who" joins a two-word piece
        "How are the delegations seated and introduced at a bilateral meeting?",
        "Can I share the XBO assessment with XMA and XOS?",
        "Is this a question?",
    ],
)
def test_a_simple_question_stays_whole(question: str) -> None:
    assert split_question(question) == [question]


def test_a_part_is_asked_about_the_partner_another_part_names(registry: Registry) -> None:
    parts = ["How should I receive a delegation from Borealia?", "What gifts are acceptable?"]
    assert carry_partner(parts, registry) == [parts[0], "What gifts are acceptable for XBO?"]
    # No partner anywhere: unchanged.
    plain = ["What is a tear-line?", "Who keeps the release log?"]
    assert carry_partner(plain, registry) == plain


def test_a_part_that_refers_back_carries_the_topic_before_it() -> None:
    parts = ["What do services share in the community?", "What do they keep to themselves?"]
    topics = [("services", "share", "community"), ("keep",)]
    assert carry_topic(parts, topics)[1] == (
        "What do they keep to themselves (services share community)?"
    )
    assert carry_topic(["A first part?", "A second part?"], [("first",), ()]) == [
        "A first part?",
        "A second part?",
    ]


@pytest.fixture
def registry() -> Registry:
    from assistant.corpus.partners import load_registry
    from tests.conftest import SHIPPED

    return load_registry(SHIPPED / "partners.yaml")


def _hit(n: int) -> Hit:
    meta: dict[str, Any] = {
        "doc_id": f"doc-{n}",
        "title": f"Document {n}",
        "section": "",
        "reviewed": "2026-05-01",
        "source": f"corpus/doc-{n}.md",
        **to_metadata(Handling(classification="U", originator="OWN")),
    }
    return Hit(f"chunk-{n}", f"passage {n}", meta, score=1.0)


def _answer(text: str, hits: list[Hit], abstained: bool = False, **kw: Any) -> Answer:
    return Answer("q", None, text, hits, abstained, evidence=0.6, **kw)


def test_combined_answers_renumber_their_citations_into_one_list() -> None:
    a, b, c = _hit(1), _hit(2), _hit(3)
    first = _answer("One. [1] Two. [2]", [a, b], rulings=[Ruling("d", "XBO", "ALLOW", "r")])
    second = _answer("Three. [1] Four. [2]", [c, a])  # passage a again: the same number
    got = combine("Q1 and Q2?", ["Q1?", "Q2?"], [first, second])
    assert [h.chunk_id for h in got.citations] == ["chunk-1", "chunk-2", "chunk-3"]
    one, two = got.text.split(f"{PART_MARK} Q2?")
    assert one.startswith(f"{PART_MARK} Q1?")
    assert cited_numbers(one) == [1, 2]
    assert cited_numbers(two) == [3, 1]
    assert got.kind == "compound" and not got.abstained
    assert got.rulings == first.rulings


def test_a_part_the_corpus_does_not_cover_is_named_and_cites_nothing() -> None:
    closest = _hit(9)
    withheld = Withheld("x", "X", "XCA", "NEEDS_CONSENT", "tlp-green", "needs consent")
    answered = _answer("One. [1]", [_hit(1)], withheld=[withheld])
    uncovered = _answer("The corpus does not cover this question. [1] closest", [closest], True)
    got = combine("Q1 and Q2?", ["Q1?", "Q2?"], [answered, uncovered])
    assert NOT_COVERED in got.text and "closest" not in got.text
    assert [h.chunk_id for h in got.citations] == ["chunk-1"]
    assert got.withheld == [withheld]
    assert not got.abstained
