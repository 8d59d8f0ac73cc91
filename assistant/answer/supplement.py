"""A partner's language plan, answered from the registry, followed by what the partner's own
documents add to it.

"When does the Maravian service ask for a Spanish interpreter?" is answered by the registry
(XMA works in Spanish; an interpreter on request) and, for the *when*, by a sentence of the
partner's note. The registry's answer comes first; the passages retrieval finds for the
question follow when they say something it does not, quoted and cited as any extractive
answer (so the release gate and the grounding stay those of retrieval).
"""

from __future__ import annotations

from dataclasses import replace

from assistant.answer.compound import merge_citations, renumber
from assistant.answer.layout import is_particulars_line
from assistant.answer.types import Answer
from assistant.text import CITATION, sentences, word_share

SUPPLEMENT_EVIDENCE = 0.35
"""The evidence the partner's own passages need to be quoted after the registry's answer:
lower than for a question alone, since the route has already placed the question (its
language plan) and the search is held to that partner's documents."""
MAX_BLOCKS = 1
"""The documents add their best span (under the line naming the partner) and no more."""
REPEATS = 0.8
"""A quoted sentence whose content words the registry's answer holds this share of repeats it."""


def with_documents(routed: Answer, found: Answer) -> Answer:
    """``routed`` followed by the blocks of ``found`` (an extractive answer to the same
    question) that add to it, their citations numbered after the routed ones."""
    if found.abstained or routed.abstained:
        return routed
    blocks = _new_blocks(found.text, routed.text)
    if not blocks:
        return routed
    citations = list(routed.citations)
    index = {hit.chunk_id: n for n, hit in enumerate(citations, start=1)}
    mapping = merge_citations(citations, index, found.citations)
    text = "\n\n".join([routed.text, *(renumber(b, mapping) for b in blocks)])
    return replace(
        routed,
        text=text,
        citations=citations,
        withheld=[*routed.withheld, *(w for w in found.withheld if w not in routed.withheld)],
    )


def _new_blocks(text: str, said: str) -> list[str]:
    """The first :data:`MAX_BLOCKS` blocks of ``text`` with a sentence that ``said`` does not
    already hold, each under the line naming the partner it is about, if any."""
    kept: list[str] = []
    label: str | None = None
    for block in text.split("\n\n"):
        if is_particulars_line(block):
            label = block
            continue
        claims = [CITATION.sub("", s).strip() for s in sentences(block)]
        if not any(c and word_share(c, said) < REPEATS for c in claims):
            continue
        if label is not None:
            kept.append(label)
            label = None
        kept.append(block)
        if sum(not is_particulars_line(b) for b in kept) == MAX_BLOCKS:
            break
    return kept
