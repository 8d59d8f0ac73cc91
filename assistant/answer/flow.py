"""How a question becomes an answer, stage by stage: the routes (release, language) first,
then retrieval, then the answerer, as events. Follow-ups are resolved before this (by the
conversation, :mod:`assistant.answer.followup`); rendering happens after it (CLI or UI)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from assistant.answer.llm import LLMAnswerer, stream_answer
from assistant.answer.routes.base import Knowledge, Route
from assistant.answer.types import Answerer, AnswerEvent, DoneEvent
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

    Release questions go to the rules engine first: a model or retrieval never decides them."""
    for route in routes:
        routed = route(knowledge, question, audience, filters)
        if routed is not None:
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
