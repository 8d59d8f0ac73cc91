"""Compound questions: "How should I receive a delegation from Borealia, and what gifts are
acceptable?" asks two things. Each part is found, asked on its own and answered under its own
line, so that no part is silently dropped.

A question splits at a second question mark, at "also", and at "and" (und, et, és...) when a
question word follows it ("and what", "und wie", "et comment", "és hogyan"). A plain "and"
between nouns ("gifts and hospitality") never splits. A part that names no partner is asked
about the partner another part names ("what gifts are acceptable" → "... for XBO").
"""

from __future__ import annotations

import re

from assistant.corpus.partners import Registry
from assistant.text import fold_chars

_QUESTION_WORDS = (
    # en
    "what|how|who|whom|whose|which|when|where|why|do|does|did|is|are|can|could|may|might|"
    "should|must|shall|will|would|am|have|has|"
    # de
    "was|wie|wer|wem|wen|welche|welcher|welches|wann|wo|woher|wohin|warum|weshalb|muss|"
    "musst|darf|kann|soll|sollte|brauche|braucht|gibt|ist|sind|"
    # fr
    "que|qu|quel|quelle|quels|quelles|comment|qui|quand|ou|pourquoi|combien|est-ce|faut-il|"
    "dois-je|puis-je|peut-on|doit-on|"
    # hu (accents folded)
    "mi|mit|mik|milyen|melyik|hogyan|hogy|ki|kit|kinek|mikor|hol|hova|miert|mennyi|kell|"
    "lehet|szabad|szukseg"
)
_CONJUNCTIONS = "and|also|and also|und|und auch|et|et aussi|es|es hogy|valamint|illetve|tovabba"
_PREPOSITIONS = "to|for|with|from|by|in|on|at|of|an|fur|mit|von|bei|a|pour|avec|de|chez|par"
"""A question word may follow one ("and to whom is it sent", "und an wen", "et à qui")."""
_SPLIT = re.compile(
    rf"(?:,\s*|\s+)(?:{_CONJUNCTIONS})\s*,?\s+"
    rf"(?=(?:(?:{_PREPOSITIONS})\s+)?(?:{_QUESTION_WORDS})\b)",
    re.IGNORECASE,
)
_ALSO_START = re.compile(r"^(?:also|and also|auch|aussi|továbbá|is)\s*,?\s+", re.IGNORECASE)
MIN_WORDS = 3
"""A part has at least this many words; shorter pieces stay with the part before them."""
MAX_PARTS = 4


def split_question(question: str) -> list[str]:
    """The parts of ``question``, each as a question of its own (its own question mark); a
    simple question is one part, returned as asked."""
    pieces: list[str] = []
    for sentence in re.split(r"(?<=\?)\s+", question.strip()):
        for raw in _split_sentence(sentence):
            piece = _ALSO_START.sub("", raw).strip(" ,;")
            if not piece:
                continue
            if pieces and len(piece.split()) < MIN_WORDS:
                pieces[-1] = f"{pieces[-1].rstrip('?')} {piece}"
            else:
                pieces.append(piece)
    if len(pieces) < 2 or len(pieces) > MAX_PARTS:
        return [question]
    if any(len(p.split()) < MIN_WORDS for p in pieces):
        return [question]
    return [_as_question(p) for p in pieces]


def _split_sentence(sentence: str) -> list[str]:
    """Split at a conjunction followed by a question word. The match is made on the text with
    its accents folded (same length, so positions carry over)."""
    folded = fold_chars(sentence)
    if len(folded) != len(sentence):
        folded = sentence
    out: list[str] = []
    start = 0
    for m in _SPLIT.finditer(folded):
        out.append(sentence[start : m.start()])
        start = m.end()
    out.append(sentence[start:])
    return out


def _as_question(part: str) -> str:
    part = part.strip()
    part = part[0].upper() + part[1:] if part else part
    return part if part.endswith(("?", ".", "!")) else part + "?"


_ANAPHORA = re.compile(
    r"\b(they|them|their|theirs|themselves|it|its|this|these|those|that one|such|there|"
    r"sie|ihnen|ihre|ihr|es|dies|diese|ils|elles|leur|leurs|eux|cela|ceci|"
    r"ok|oket|azt|ezt|ezek|azok)\b",
    re.IGNORECASE,
)


def carry_topic(parts: list[str], topics: list[tuple[str, ...]]) -> list[str]:
    """A part that refers back ("what do they keep to themselves?") is asked with the content
    words of the part before it, in brackets, so that it retrieves what it refers to."""
    out = [parts[0]]
    for i in range(1, len(parts)):
        part = parts[i]
        if _ANAPHORA.search(fold_chars(part)) and topics[i - 1]:
            stem = part.rstrip(" ?!.")
            part = f"{stem} ({' '.join(topics[i - 1])}){part[len(stem) :] or '?'}"
        out.append(part)
    return out


def carry_partner(parts: list[str], registry: Registry) -> list[str]:
    """Each part that names no partner, asked about the partner named by the nearest part
    before it (or, for the first parts, after it)."""
    from assistant.answer.followup import add_partner
    from assistant.language.detect import detect_language

    named = [registry.find_in_text(p) for p in parts]
    if not any(named):
        return parts
    out: list[str] = []
    for i, part in enumerate(parts):
        if named[i]:
            out.append(part)
            continue
        before = [codes for codes in named[:i] if codes]
        after = [codes for codes in named[i + 1 :] if codes]
        codes = before[-1] if before else after[0]
        out.append(add_partner(part, codes[0], detect_language(part)))
    return out
