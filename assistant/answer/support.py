"""Which sentences of a cited passage support an answer: what the UI highlights when the officer
opens a source.

An answer sentence that carries ``[n]`` is supported by passage ``n``. The extractive answerer
quotes its sentences, so they are found verbatim (after the marks and the claimed marking are
stripped); a language model paraphrases, so a passage sentence also counts when it holds most of
the answer sentence's content words. Spans are character offsets into the passage text, in
order, never overlapping.
"""

from __future__ import annotations

import re

from assistant.answer.types import Answer
from assistant.text import CITATION, cited_numbers, sentences, strip_marking, word_share

PARAPHRASE_SHARE = 0.6
"""A passage sentence supports a paraphrase when it holds this share of its content words."""


def claims(answer: Answer, n: int) -> list[str]:
    """The sentences of ``answer`` that cite passage ``n``, without their marks."""
    out: list[str] = []
    for sentence in sentences(answer.text):
        if n in cited_numbers(sentence):
            plain = strip_marking(CITATION.sub("", sentence)).strip()
            if plain:
                out.append(plain)
    return out


def supporting_spans(passage: str, answer: Answer, n: int) -> list[tuple[int, int]]:
    """Where in ``passage`` (the text of citation ``n``) the sentences citing it are found."""
    spans: list[tuple[int, int]] = []
    found = _sentence_spans(passage)
    for claim in claims(answer, n):
        exact = _find(passage, claim)
        if exact is not None:
            spans.append(exact)
            continue
        best = max(found, key=lambda s: word_share(claim, passage[s[0] : s[1]]), default=None)
        if best is not None and word_share(claim, passage[best[0] : best[1]]) >= PARAPHRASE_SHARE:
            spans.append(best)
    return _merge(spans)


def _find(passage: str, claim: str) -> tuple[int, int] | None:
    """``claim`` in ``passage``, whatever the line breaks and spacing between its words."""
    words = claim.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    m = re.search(pattern, passage)
    return (m.start(), m.end()) if m else None


def _sentence_spans(passage: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for sentence in sentences(passage):
        span = _find(passage, sentence)
        if span is not None:
            out.append(span)
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
