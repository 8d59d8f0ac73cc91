"""Matching words across languages: folded (case and accents), tolerant of typos in a term
looked up on its own and of inflection in running text.

The stem-prefix rule tolerates inflection because Hungarian, German, French and Polish all
inflect at the end of the word (szint -> szintjei, Ebene -> Ebenen, współpraca -> współpracy).
"""

from __future__ import annotations

from assistant.text import ARTICLES, NON_WORD, fold

_VOWELS = set("aeiouyаеёиоуыэюяь")


# -- folding and matching --------------------------------------------------------------------
def strip_articles(folded: str) -> str:
    tokens = folded.split()
    while len(tokens) > 1 and tokens[0] in ARTICLES:
        tokens = tokens[1:]
    return " ".join(tokens)


def typo_budget(length: int) -> int:
    """Typos tolerated in a term of ``length`` characters: none in short acronyms."""
    if length <= 3:
        return 0
    if length <= 6:
        return 1
    if length <= 12:
        return 2
    return 3


def is_acronym_use(surface: str, term: str) -> bool:
    """A short term counts in running text only as written, or in capitals (LO, TLP)."""
    return surface == term or (surface.isupper() and len(surface) > 1)


def _stem(token: str) -> str:
    if len(token) >= 6 and token[-1] in _VOWELS:
        return token[:-1]
    return token


def token_matches(word: str, term_token: str) -> bool:
    """``word`` is ``term_token`` or an inflected form of it (folded forms).

    Short tokens (up to 3 letters) must be equal; longer ones may take an ending of up to
    seven letters after the stem (a final vowel of a long word may change: współpraca ->
    współpracy, Ebene -> Ebenen, szint -> szintjei).
    """
    if word == term_token:
        return True
    if len(term_token) < 4:
        return False
    stem = _stem(term_token)
    return word.startswith(stem) and len(word) - len(stem) <= 7


def match_tokens(
    tokens: list[str], start: int, term: tuple[str, ...], *, inflect: bool
) -> int | None:
    end = start + len(term)
    if end > len(tokens):
        return None
    for word, term_token in zip(tokens[start:end], term, strict=True):
        if not (token_matches(word, term_token) if inflect else word == term_token):
            return None
    return end


def surface_words(text: str) -> list[str]:
    """The words of ``text`` as written, one per token of ``fold(text).split()`` (a word that
    folds to two tokens, such as "l'officier", is repeated)."""
    words: list[str] = []
    for raw in NON_WORD.split(text):
        if raw:
            words += [raw] * len(fold(raw).split())
    return words
