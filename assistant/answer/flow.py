"""How a question becomes an answer, stage by stage: the routes (release, language) first,
then retrieval, then the answerer, as events. Follow-ups are resolved before this (by the
conversation, :mod:`assistant.answer.followup`); rendering happens after it (CLI or UI)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from assistant.answer.compound import combine, quoted_units
from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.followup import topic_words
from assistant.answer.llm import LLMAnswerer, stream_answer
from assistant.answer.parts import carry_partner, carry_topic, split_question
from assistant.answer.routes.base import Knowledge, Route
from assistant.answer.supplement import SUPPLEMENT_EVIDENCE, with_documents
from assistant.answer.types import Answer, Answerer, AnswerEvent, DoneEvent
from assistant.language.expansion import Expansion
from assistant.policy.gate import Audience
from assistant.retrieval.types import Filters, SearchResult

Retrieve = Callable[[str, Audience, Filters], tuple[Expansion, SearchResult]]
"""Gated retrieval for a question in any language: the expansion used and the result."""


def answer_events(
    question: str,
    audience: Audience,
    filters: Filters,
    *,
    knowledge: Knowledge,
    routes: Sequence[Route],
    retrieve: Retrieve,
    answerer: Answerer,
) -> Iterator[AnswerEvent]:
    """The answer as events: draft tokens (language-model backend only), then one DoneEvent.

    Release questions go to the rules engine first: a model or retrieval never decides them.
    A compound question is answered part by part (:mod:`assistant.answer.parts`)."""
    parts = split_question(question)
    if len(parts) == 1:
        yield from _one(question, audience, filters, knowledge, routes, retrieve, answerer)
        return
    named = carry_partner(parts, knowledge.registry)
    asked = carry_topic(named, [topic_words(p, (), knowledge.registry) for p in named])
    answers: list[Answer] = []
    quoted: set[str] = set()
    for part in asked:  # each part with the partner and topic it refers to

        def fresh(q: str, a: Audience, f: Filters) -> tuple[Expansion, SearchResult]:
            expansion, result = retrieve(q, a, f)
            return expansion, replace(result, quoted=frozenset(quoted))

        for event in _one(part, audience, filters, knowledge, routes, fresh, answerer):
            if isinstance(event, DoneEvent):
                answers.append(event.answer)
                quoted.update(quoted_units(event.answer))
            else:
                yield event
    if all(a.abstained for a in answers):
        # No part is covered: the question as a whole, with its closest sources.
        yield from _one(question, audience, filters, knowledge, routes, retrieve, answerer)
        return
    yield DoneEvent(combine(question, parts, answers))  # each part shown as asked


def _one(
    question: str,
    audience: Audience,
    filters: Filters,
    knowledge: Knowledge,
    routes: Sequence[Route],
    retrieve: Retrieve,
    answerer: Answerer,
) -> Iterator[AnswerEvent]:
    """The events for one question (or one part of a compound question)."""
    for route in routes:
        routed = route(knowledge, question, audience, filters)
        if routed is not None:
            codes = knowledge.registry.find_in_text(question)
            if routed.kind == "guidance" and len(codes) == 1 and not filters.partner:
                # A partner's language plan; what its own notes add ("when", "who") follows.
                own = replace(filters, partner=codes[0])
                if isinstance(answerer, ExtractiveAnswerer):
                    _, result = retrieve(question, audience, own)
                    found = answerer.answer(result, min_evidence=SUPPLEMENT_EVIDENCE)
                    routed = with_documents(routed, found)
            yield DoneEvent(routed)
            return
    expansion, result = retrieve(question, audience, filters)
    if isinstance(answerer, LLMAnswerer):
        result = replace(result, query=question)  # the model reads the question as asked
    for event in stream_answer(answerer, result):
        if isinstance(event, DoneEvent):
            event.answer.question = question
            if expansion.lang != "en":
                notices = (event.answer.notice, expansion.notice)
                event.answer.notice = " ".join(n for n in notices if n) or None
        yield event
