"""Follow-up questions resolved against the previous turn, without a model."""

from __future__ import annotations

import pytest

from assistant.answer.followup import Conversation, Resolved, replace_partner, resolve
from assistant.corpus.partners import Partner, Registry

REGISTRY = Registry(
    partners={
        code: Partner(code=code, name=name, country=country, agreement_level="S")
        for code, name, country in [
            ("XBO", "Borealian Security Service", "Borealia"),
            ("XMA", "Maravian Intelligence Directorate", "Maravia"),
            ("XCA", "Calderan Federal Protection Office", "Caldera"),
        ]
    }
)


def converse(*questions: str, audience: str | None = None) -> list[Resolved]:
    conversation = Conversation(audience=audience)
    out = []
    for q in questions:
        resolved = resolve(q, conversation, REGISTRY)
        conversation.add(resolved)
        out.append(resolved)
    return out


FIRST = "What gifts are appropriate for XBO?"


@pytest.mark.parametrize(
    "followup",
    [
        "and for XMA?",
        "and XMA?",
        "what about XMA?",
        "What about Maravia?",
        "same for Maravia",
        "és az XMA?",
        "und für XMA?",
        "et pour XMA ?",
        "¿Y para XMA?",
        "och för XMA?",
    ],
)
def test_partner_followups_in_each_language(followup: str) -> None:
    _, second = converse(FIRST, followup)
    assert second.kind == "partner" and second.is_followup
    assert second.question == "What gifts are appropriate for XMA?"
    assert second.partner == "XMA"
    assert second.original == followup


def test_topic_followup_keeps_the_partner() -> None:
    _, second = converse(FIRST, "what about dinners?")
    assert second.kind == "topic"
    assert second.question == "What about dinners for XBO?"
    assert second.partner == "XBO"
    assert second.focus == "dinners"
    assert "dinners" in second.topic


@pytest.mark.parametrize(
    ("followup", "expected"),
    [
        ("und die Geschenke?", "Und die Geschenke bei XBO?"),
        ("et les cadeaux ?", "Et les cadeaux pour XBO ?"),
        ("és az ajándékok?", "És az ajándékok (XBO)?"),
        ("¿y los regalos?", "¿Y los regalos para XBO?"),
        ("and the dress code?", "What about the dress code for XBO?"),
    ],
)
def test_topic_followups_are_put_in_their_own_language(followup: str, expected: str) -> None:
    assert converse(FIRST, followup)[1].question == expected


def test_a_chain_of_followups_carries_topic_and_partner() -> None:
    turns = converse(FIRST, "what about dinners?", "and XCA?", "what about alcohol?")
    assert [t.question for t in turns[1:]] == [
        "What about dinners for XBO?",
        "What about dinners for XCA?",
        "What about alcohol for XCA?",
    ]
    assert turns[2].focus == "dinners"  # the partner changed, the topic carried


def test_partner_and_topic_at_once() -> None:
    second = converse(FIRST, "and gifts for XMA?")[1]
    assert (second.kind, second.question, second.partner) == (
        "topic",
        "What about gifts for XMA?",
        "XMA",
    )


def test_country_and_adjective_mentions_are_replaced() -> None:
    second = converse("What do Borealian officers expect as gifts?", "and for Maravia?")[1]
    assert second.question == "What do XMA officers expect as gifts?"
    assert replace_partner("Meeting the Borealian Security Service", "XBO", "XCA", REGISTRY) == (
        "Meeting the XCA"
    )


# -- the audience --------------------------------------------------------------------------


def test_audience_is_kept_by_a_topic_followup() -> None:
    turns = converse("What are the gift rules?", "what about dinners?", audience="XBO")
    assert [t.audience for t in turns] == ["XBO", "XBO"]
    assert turns[1].question == "What about dinners?"


def test_for_partner_moves_the_audience_when_the_previous_turn_had_one() -> None:
    turns = converse("What are the gift rules?", "and for XMA?", audience="XBO")
    assert turns[1].audience == "XMA"
    # The question named no partner: it is the same question, for the new audience.
    assert turns[1].question == "What are the gift rules?"
    assert turns[1].partner == "XMA"


def test_no_audience_stays_no_audience() -> None:
    turns = converse("What are the gift rules?", "and for XMA?")
    assert turns[1].audience is None
    # With no audience to carry it, the partner goes into the question.
    assert turns[1].question == "What are the gift rules for XMA?"


def test_replacing_the_partner_that_was_the_audience_moves_the_audience() -> None:
    turns = converse(FIRST, "and XMA?", audience="XBO")
    assert turns[1].audience == "XMA"


def test_replacing_a_partner_asked_about_keeps_a_different_audience() -> None:
    # Asking about XMA for an XBO audience; "and XCA?" changes the subject, not the audience.
    turns = converse("How does XMA handle gifts?", "and XCA?", audience="XBO")
    assert turns[1].question == "How does XCA handle gifts?"
    assert turns[1].audience == "XBO"
    # ...unless the follow-up says "for".
    turns = converse("How does XMA handle gifts?", "and for XCA?", audience="XBO")
    assert turns[1].audience == "XCA"
    turns = converse("How does XMA handle gifts?", "ugyanez az XCA-ra?", audience="XBO")
    assert turns[1].audience == "XCA"


def test_audience_picked_between_turns_is_used() -> None:
    conversation = Conversation(audience="XBO")
    conversation.add(resolve(FIRST, conversation, REGISTRY))
    conversation.audience = None  # the officer switched to own use
    second = resolve("what about dinners?", conversation, REGISTRY)
    assert second.audience is None


# -- what is not a follow-up ---------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "and what is the protocol for the first meeting?",
        "And how do I request consent from the originator?",
        "¿Es necesario un intérprete?",
        "and we also need the rules for exchanging liaison officers next year?",
        "What about it",
    ],
)
def test_full_questions_are_not_followups(question: str) -> None:
    second = converse(FIRST, question)[1]
    assert second.kind == "new" and not second.is_followup
    assert second.question == " ".join(question.split())


def test_first_question_is_never_a_followup() -> None:
    (only,) = converse("and for XMA?", audience="XBO")
    assert only.kind == "new"
    assert only.question == "and for XMA?"
    assert only.audience == "XBO"  # a new question does not move the audience
    assert only.partner == "XMA"


def test_conversation_records_turns() -> None:
    conversation = Conversation(audience="XBO")
    first = resolve(FIRST, conversation, REGISTRY)
    turn = conversation.add(first)
    assert turn.partners == ("XBO",)
    assert turn.audience == "XBO"
    assert set(turn.topic) == {"gifts", "appropriate"}
    second = resolve("and for XMA?", conversation, REGISTRY)
    conversation.add(second)
    assert conversation.last is not None and conversation.last.resolved == second.question
    assert conversation.audience == "XMA"
    conversation.clear()
    assert conversation.last is None
