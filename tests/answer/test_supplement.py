"""A routed answer (the registry's) followed by what the partner's documents add."""

from __future__ import annotations

from assistant.answer.layout import particulars_line
from assistant.answer.supplement import with_documents
from assistant.answer.types import Answer
from tests.answer.test_spans import hit

ROUTED = Answer(
    question="When does XMA want a Spanish interpreter?",
    audience=None,
    text="XMA works in Spanish; an interpreter is provided on request. [1]",
    citations=[hit(1, "XMA works in Spanish.", partner="XMA")],
    abstained=False,
    kind="guidance",
)


def _found(text: str, *hits: int) -> Answer:
    return Answer(
        question=ROUTED.question,
        audience=None,
        text=text,
        citations=[hit(n, f"passage {n}", partner="XMA") for n in hits],
        abstained=False,
    )


def test_what_the_documents_add_follows_renumbered() -> None:
    found = _found(
        f"{particulars_line('XMA')}\n\n"
        "The interpreter is asked for at head-of-service meetings. [1] [2]",
        2,
        1,
    )
    got = with_documents(ROUTED, found)
    assert got.text.startswith(ROUTED.text)
    assert got.text.endswith(
        f"{particulars_line('XMA')}\n\nThe interpreter is asked for at head-of-service "
        "meetings. [2] [1]"
    )
    assert [h.chunk_id for h in got.citations] == ["chunk-1", "chunk-2"]


def test_a_repeat_or_an_abstention_adds_nothing() -> None:
    repeat = _found(
        f"{particulars_line('XMA')}\n\nXMA works in Spanish; an interpreter is provided on "
        "request. [1]",
        1,
    )
    assert with_documents(ROUTED, repeat) is ROUTED
    declined = _found("The corpus does not cover this question.", 2)
    declined.abstained = True
    assert with_documents(ROUTED, declined) is ROUTED
