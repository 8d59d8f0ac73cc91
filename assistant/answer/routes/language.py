"""The language route: interpreter, working-language and term questions, answered from the
partner registry and the termbase and cited to the gated passages of the documents named."""

from __future__ import annotations

from assistant.answer.routes.base import Knowledge
from assistant.answer.types import Answer
from assistant.policy.gate import Audience
from assistant.retrieval.types import Filters, Hit
from assistant.text import sentences, word_share


def language_route(
    assistant: Knowledge, question: str, aud: Audience, filters: Filters
) -> Answer | None:
    """Interpreter, working-language and term questions, answered from the registry and the
    termbase, cited to the passages of the documents guidance names that the gate admits."""
    from assistant.language.guidance import answer_language_question

    guidance = answer_language_question(question, assistant.registry, assistant.termbase)
    if guidance is None:
        return None
    if aud.partner is not None and any(p != aud.partner for p in guidance.partners):
        # Facts about third partners are not released to an audience: fail closed and let
        # the gated retrieval answer instead.
        return None
    text, citations = _cite_sentences(
        guidance.text, assistant.retriever.passages(guidance.cite, aud), guidance.cite
    )
    return Answer(
        question=question,
        audience=aud.partner,
        text=text,
        citations=citations,
        abstained=not guidance.found,
        kind=_KINDS.get(guidance.kind, "guidance"),
        evidence=1.0 if guidance.found else 0.0,
    )


_KINDS = {"partner-language": "guidance", "partners-overview": "overview", "term": "term"}
"""The answer's kind by the guidance's: a partner's language plan, all partners, a term."""

_MIN_SUPPORT = 0.3
"""A guidance sentence is cited to a passage that holds at least this share of its words."""


def _cite_sentences(
    text: str, passages: list[Hit], order: tuple[str, ...]
) -> tuple[str, list[Hit]]:
    """Mark each sentence of a structured answer with the passage (of the documents to cite,
    already gated) that best supports it; a clause pinned to a document (``⟦doc-id⟧``) is
    cited to that document's best passage for it. A sentence or clause no passage supports
    stays unmarked: its source is the registry or termbase, which the answer names."""
    from assistant.language.guidance import PIN, unpinned

    rank = {doc: i for i, doc in enumerate(order)}
    citations: list[Hit] = []

    def mark(claim: str, candidates: list[Hit], context: str) -> str:
        """`` [n]`` for the passage holding most of ``claim`` (ties: one already cited, then
        most of ``context``, then the document named first), or nothing when none holds
        enough of it."""
        ids = [c.chunk_id for c in citations]
        scored = [
            (
                word_share(claim, h.text),
                h.chunk_id in ids,
                word_share(context, h.text),
                -rank.get(h.doc_id, 99),
                h,
            )
            for h in candidates
        ]
        best = max(scored, key=lambda s: s[:4], default=None)
        if best is None or best[0] < _MIN_SUPPORT:
            return ""
        hit = best[4]
        if hit.chunk_id not in ids:
            citations.append(hit)
            ids.append(hit.chunk_id)
        return f" [{ids.index(hit.chunk_id) + 1}]"

    parts: list[str] = []
    for sentence in sentences(text):
        if not PIN.search(sentence):
            parts.append(sentence + mark(sentence, passages, sentence))
            continue
        out, start = [], 0
        for pin in PIN.finditer(sentence):
            clause = sentence[start : pin.start()]
            pinned = [h for h in passages if h.doc_id == pin.group(1)]
            out.append(clause + mark(clause, pinned, unpinned(sentence)))
            start = pin.end()
        parts.append("".join(out) + sentence[start:])
    return " ".join(parts), citations
