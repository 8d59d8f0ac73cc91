"""One answer from the answers to the parts of a compound question (see
:mod:`assistant.answer.parts`): each part under its own line, its citations renumbered into one
list, a part the corpus does not cover said so while the others are still answered."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from assistant.answer.types import Answer, Ruling
from assistant.retrieval.types import Hit, Withheld
from assistant.text import CITATION, citation_numbers, sentences, strip_marking

NOT_COVERED = "The corpus does not cover this part of the question."
PART_MARK = "»"
"""Starts the line that names a part (plain text in the CLI, a paragraph in the chat)."""


def combine(question: str, parts: Sequence[str], answers: Sequence[Answer]) -> Answer:
    citations: list[Hit] = []
    index: dict[str, int] = {}
    blocks: list[str] = []
    for part, answer in zip(parts, answers, strict=True):
        if answer.abstained:
            # Said as such; its closest sources are not claims, so they are not cited.
            blocks += [f"{PART_MARK} {part}", NOT_COVERED]
            continue
        mapping = merge_citations(citations, index, answer.citations)
        blocks.append(f"{PART_MARK} {part}")
        blocks.append(renumber(answer.text, mapping))
    return Answer(
        question=question,
        audience=answers[0].audience,
        text="\n\n".join(blocks),
        citations=citations,
        abstained=all(a.abstained for a in answers),
        withheld=_unique_withheld(w for a in answers for w in a.withheld),
        notice=" ".join(dict.fromkeys(a.notice for a in answers if a.notice)) or None,
        kind="compound",
        evidence=min(a.evidence for a in answers if not a.abstained),
        rulings=_unique_rulings(r for a in answers for r in a.rulings),
    )


def merge_citations(
    citations: list[Hit], index: dict[str, int], more: Sequence[Hit]
) -> dict[int, int]:
    """Add the passages of ``more`` not yet in ``citations`` (``index``: chunk id to its
    number, kept up to date) and return how ``more``'s numbers map to the merged ones."""
    mapping: dict[int, int] = {}
    for n, hit in enumerate(more, start=1):
        if hit.chunk_id not in index:
            citations.append(hit)
            index[hit.chunk_id] = len(citations)
        mapping[n] = index[hit.chunk_id]
    return mapping


def renumber(text: str, mapping: dict[int, int]) -> str:
    """``text`` with each ``[n]`` replaced by ``[mapping[n]]`` (numbers not mapped kept)."""

    def sub(match: re.Match[str]) -> str:
        numbers = [mapping.get(n, n) for n in citation_numbers(match.group(1))]
        return "[" + ", ".join(str(n) for n in dict.fromkeys(numbers)) + "]"

    return CITATION.sub(sub, text)


def _unique_withheld(items: Iterable[Withheld]) -> list[Withheld]:
    seen: dict[str, Withheld] = {}
    for w in items:
        seen.setdefault(w.doc_id, w)
    return list(seen.values())


def _unique_rulings(items: Iterable[Ruling]) -> list[Ruling]:
    return list(dict.fromkeys(items))


def quoted_units(answer: Answer) -> set[str]:
    """The sentences and items an answer quotes, as the passage units they came from."""
    if answer.abstained:
        return set()
    return {strip_marking(CITATION.sub("", s)).strip() for s in sentences(answer.text)}
