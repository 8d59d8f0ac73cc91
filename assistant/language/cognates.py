"""Cognates: a word of a question in another language that the lexicon does not know, matched
to a word of the corpus that is spelt almost the same ("quarantaine" and "quarantine",
"konszekutív" and "consecutive"). International words travel between languages; a corpus
the lexicon was not built from still shares them with the questions asked about it.

The match is strict (same first two letters, a similar length, a high similarity of the
accent-folded spelling), so that an unknown word is rather left unknown than misread.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from assistant.text import fold

MIN_LENGTH = 6
"""Shorter words are too often alike by chance."""
MIN_SIMILARITY = 0.82
"""difflib's ratio between the folded spellings."""


def cognate(word: str, vocabulary: Iterable[str]) -> str | None:
    """The corpus word spelt most like ``word``, or None when none is close enough."""
    folded = fold(word.lower())
    if len(folded) < MIN_LENGTH or not folded.isalpha():
        return None
    best: tuple[float, str] | None = None
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(folded)
    for candidate in vocabulary:
        if candidate[:2] != folded[:2] or abs(len(candidate) - len(folded)) > 3:
            continue
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() < MIN_SIMILARITY or matcher.quick_ratio() < MIN_SIMILARITY:
            continue
        ratio = matcher.ratio()
        if ratio >= MIN_SIMILARITY and (best is None or (ratio, candidate) > best):
            best = (ratio, candidate)
    return best[1] if best else None
