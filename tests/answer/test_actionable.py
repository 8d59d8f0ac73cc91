"""The questions officers asked when they tried the tool, on the shipped corpus with the real
model: each answer must be one an officer can act on (whole, every part answered, the general
rule before a partner's particulars, grounded)."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.answer.compound import PART_MARK
from assistant.answer.layout import particulars_line
from assistant.eval.metrics import check_citations, is_fragment

pytestmark = pytest.mark.integration


def grounded(answer: Any) -> None:
    checks = check_citations(answer.text, [h.text for h in answer.citations])
    assert checks, answer.text
    assert all(c.exists and c.supported for c in checks), [c for c in checks if not c.supported]


def test_receiving_a_delegation_is_answered_with_the_general_rule(shipped: Any) -> None:
    got = shipped.ask("How do I receive a foreign delegation?")
    assert not got.abstained
    assert not is_fragment(got.text), got.text
    assert got.citations[0].meta["kind"] != "partner-note"
    assert not got.citations[0].meta.get("partner")
    # A Lumerian particular, if quoted at all, is labelled as XLU's, never given as the rule.
    if "XLU" in got.text:
        assert got.text.index(particulars_line("XLU")) < got.text.index("XLU director")
    grounded(got)


def test_borealia_and_gifts_both_parts_are_answered(shipped: Any) -> None:
    got = shipped.ask(
        "How should I receive a delegation from Borealia, and what gifts are acceptable?"
    )
    assert got.text.count(PART_MARK) == 2
    first, second = got.text.split(PART_MARK)[1:]
    assert "Borealia" in first and "gift" in second.lower()
    # The gift part: the general rule first, then XBO's particulars, labelled.
    assert particulars_line("XBO") in second
    general, particular = second.split(particulars_line("XBO"))
    assert "XBO" not in general.split("?", 1)[1]  # the rule itself names no partner
    assert "50 euros" in particular
    assert not is_fragment(got.text)
    grounded(got)


def test_interpreter_and_term_both_parts_are_answered(shipped: Any) -> None:
    got = shipped.ask(
        "Do I need an interpreter for the meeting with the Maravians, and how do I say "
        "liaison officer in their language?"
    )
    assert got.text.count(PART_MARK) == 2
    interpreter, term = got.text.split(PART_MARK)[1:]
    assert "on request" in interpreter
    assert "oficial de enlace" in term and "Spanish" in term


def whole(got: Any, *phrases: str) -> None:
    """The answer holds every phrase, reads finished, and every mark is backed."""
    assert all(p in got.text for p in phrases), got.text
    assert not is_fragment(got.text)
    grounded(got)


def test_a_list_comes_with_its_lead_in(shipped: Any) -> None:
    got = shipped.ask("How is the Service's own delegation list ordered?")
    whole(got, "ordered as follows:", "1. Head of delegation.", "6. Interpreters")


def test_the_same_answer_every_time(shipped: Any) -> None:
    question = "How should I receive a delegation from Borealia, and what gifts are acceptable?"
    assert shipped.ask(question).text == shipped.ask(question).text


@pytest.mark.parametrize(
    "question",
    [
        "Wie empfange ich eine ausländische Delegation?",
        "Hogyan kell fogadni egy külföldi delegációt?",
        "Comment recevoir une délégation étrangère ?",
    ],
)
def test_receiving_a_delegation_in_other_languages_as_in_english(
    shipped: Any, question: str
) -> None:
    english = shipped.ask("How do I receive a foreign delegation?")
    got = shipped.ask(question)
    assert not got.abstained, got.text
    assert got.citations[0].doc_id == english.citations[0].doc_id
    assert got.citations[0].meta["kind"] != "partner-note"
    assert not is_fragment(got.text)
    grounded(got)


def test_a_language_question_gets_the_registry_then_the_partners_own_words(shipped: Any) -> None:
    got = shipped.ask("When does the Maravian service ask for a Spanish interpreter?")
    registry, particular = got.text.split(particulars_line("XMA"))
    assert "on request" in registry
    assert "head-of-service meetings" in particular  # the "when", from XMA's own note
    assert got.citations[-1].doc_id == "xma-profile"


def test_a_table_is_quoted_with_the_sentence_that_introduces_it(shipped: Any) -> None:
    got = shipped.ask("budget per head for a dinner for a visiting head of service?")
    whole(got, "following per-head limits", "EUR 150", "EUR 90")


def test_each_part_is_shown_as_the_officer_asked_it(shipped: Any) -> None:
    got = shipped.ask(
        "Do we need an interpreter for meetings with the Borealian service, and does the "
        "Service translate its products into Swedish for them?"
    )
    headings = [line for line in got.text.splitlines() if line.startswith(PART_MARK)]
    assert headings == [
        f"{PART_MARK} Do we need an interpreter for meetings with the Borealian service?",
        f"{PART_MARK} Does the Service translate its products into Swedish for them?",
    ]
