"""Which questions ask for a quantity, and which sentences state one."""

from __future__ import annotations

import pytest

from assistant.answer.focus import asks_quantity, states_quantity


@pytest.mark.parametrize(
    "question",
    [
        "Up to what value may an officer keep a gift?",
        "How far in advance must interpreters be booked?",
        "budget per head for a dinner?",
        "how early must consecutive simultaneous interprets book",  # carried from German
        "How many officers may join the delegation?",
    ],
)
def test_questions_asking_for_an_amount_or_a_time(question: str) -> None:
    assert asks_quantity(question)


@pytest.mark.parametrize(
    "question",
    ["How do I receive a foreign delegation?", "Who signs the minutes?", "What is a tear-line?"],
)
def test_other_questions_do_not(question: str) -> None:
    assert not asks_quantity(question)


def test_a_quantity_is_a_number_with_its_unit() -> None:
    assert states_quantity("A gift worth EUR 50 or less may be kept.")
    assert states_quantity("It is booked at least 15 working days before the meeting.")
    assert states_quantity("The consent is asked for twelve months at most.")
    assert not states_quantity("Level 2 of the ladder is training.")  # a number, no unit
    assert not states_quantity("The Service sends a gift of similar value.")
