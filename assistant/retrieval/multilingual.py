"""Retrieval for a question in any language: carried over to English, then searched."""

from __future__ import annotations

from assistant.config import RetrievalSettings
from assistant.corpus.partners import Registry
from assistant.language.expansion import Expansion, carry_over
from assistant.language.termbase import Termbase
from assistant.policy.gate import Audience
from assistant.retrieval.hybrid import Retriever
from assistant.retrieval.types import Filters, Mode, SearchResult


def search_any_language(
    retriever: Retriever,
    question: str,
    audience: Audience,
    *,
    termbase: Termbase | None,
    registry: Registry,
    settings: RetrievalSettings,
    k: int | None = None,
    filters: Filters | None = None,
    mode: Mode | None = None,
    particulars: int = 0,
) -> tuple[Expansion, SearchResult]:
    """Search for a question in any language. A non-English question is carried over to
    English with the termbase; the question as asked joins the fusion at a lower weight
    (names, codes and cognates still match, and the model knows some French and German).

    With ``particulars``, each partner the question names (two at most) adds up to that many
    of its own passages after the ranked hits, so that an answer can give the general rule
    and then the partner's particulars (both through the same gate)."""
    expansion = carry_over(question, termbase, registry)
    if expansion.expanded:
        expansion = with_cognates(expansion, retriever.vocabulary(audience))
    result = retriever.search(
        expansion.english_query,
        audience,
        k=k or settings.k,
        filters=filters,
        mode=mode,
        also=(question,) if expansion.expanded else (),
        also_weight=settings.original_weight,
    )
    if expansion.expanded:
        result.units = expansion.units
    result.partners = tuple(registry.find_in_text(question))
    if particulars and not (filters and filters.partner):
        for code in result.partners[:2]:
            own = retriever.search(
                expansion.english_query,
                audience,
                k=particulars,
                filters=Filters(partner=code, kind=filters.kind if filters else None),
                mode=mode,
                also=(question,) if expansion.expanded else (),
                also_weight=settings.original_weight,
            )
            have = {h.chunk_id for h in result.hits}
            result.hits += [h for h in own.hits if h.chunk_id not in have]
    return expansion, result


def with_cognates(expansion: Expansion, vocabulary: frozenset[str]) -> Expansion:
    """Each word nothing rendered, rendered by its cognate in the corpus when it has one
    (:mod:`assistant.language.cognates`): in the query and in the word's unit."""
    from dataclasses import replace

    from assistant.language.cognates import cognate

    units: list[tuple[str, ...]] = []
    found: list[str] = []
    for unit in expansion.units:
        match = cognate(unit[0], vocabulary) if len(unit) == 1 else None
        if match is not None:
            found.append(match)
        units.append(unit if match is None else (*unit, match))
    if not found:
        return expansion
    query = " ".join([expansion.english_query, *found])
    return replace(expansion, english_query=query, units=tuple(units))
