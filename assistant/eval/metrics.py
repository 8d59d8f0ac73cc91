"""Evaluation metrics: pure functions over ranks, answers and citations.

Ranking (hit@k, mean reciprocal rank), key facts found in an answer, abstention confusion
counts, whether each ``[n]`` citation mark is backed by its passage, and percentiles for
latency. Nothing here runs the pipeline, so each can be tested on hand-made answers.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

SUPPORT_OVERLAP = 0.6
"""A cited sentence is supported when this share of its content words is in the passage."""


def first_rank(retrieved: Sequence[str], expected: Collection[str]) -> int | None:
    """1-based rank of the first passage whose document is expected, or None."""
    for rank, doc_id in enumerate(retrieved, start=1):
        if doc_id in expected:
            return rank
    return None


def hit_at(ranks: Sequence[int | None], k: int) -> float | None:
    """Share of questions with an expected document in the top ``k`` (None: no questions)."""
    if not ranks:
        return None
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def mean_reciprocal_rank(ranks: Sequence[int | None]) -> float | None:
    if not ranks:
        return None
    return sum(1.0 / r for r in ranks if r is not None) / len(ranks)


@dataclass(frozen=True)
class CrossLingual:
    """Retrieval of the questions asked in other languages than the corpus's."""

    n: int
    hit_at_5: float | None
    """Pooled over every such question."""
    min_hit_at_5: float | None
    """The worst language's hit@5: a pooled score must not hide one language that fails."""
    worst: str | None
    by_language: dict[str, float | None]


def cross_lingual(ranks: Mapping[str, Sequence[int | None]], k: int = 5) -> CrossLingual:
    """hit@``k`` pooled and per language, from the ranks of each language's questions."""
    present = {lang: r for lang, r in ranks.items() if r}
    by_language = {lang: hit_at(r, k) for lang, r in sorted(present.items())}
    pooled = [rank for r in present.values() for rank in r]
    scored = {lang: v for lang, v in by_language.items() if v is not None}
    worst = min(scored, key=lambda lang: (scored[lang], lang)) if scored else None
    return CrossLingual(
        n=len(pooled),
        hit_at_5=hit_at(pooled, k),
        min_hit_at_5=None if worst is None else scored[worst],
        worst=worst,
        by_language=by_language,
    )


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def facts_found(answer: str, facts: Sequence[str]) -> list[str]:
    """The key-fact phrases present in the answer (case- and spacing-insensitive)."""
    text = _norm(answer)
    return [f for f in facts if _norm(f) in text]


@dataclass(frozen=True)
class Abstention:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if r is None:
            return None
        return 2 * p * r / (p + r) if p and r else 0.0


def abstention_scores(pairs: Sequence[tuple[bool, bool]]) -> Abstention:
    """Confusion counts from (should abstain, did abstain) pairs; positive = abstained."""
    tp = sum(1 for want, did in pairs if want and did)
    fp = sum(1 for want, did in pairs if not want and did)
    fn = sum(1 for want, did in pairs if want and not did)
    return Abstention(tp, fp, fn, len(pairs) - tp - fp - fn)


@dataclass(frozen=True)
class MarkCheck:
    """One ``[n]`` mark in an answer: the sentence it marks and whether citation n backs it."""

    n: int
    sentence: str
    exists: bool
    supported: bool
    overlap: float


def check_citations(answer: str, passages: Sequence[str]) -> list[MarkCheck]:
    """Check every ``[n]`` mark: citation n must exist (1-based) and its passage must contain the
    marked sentence, or at least :data:`SUPPORT_OVERLAP` of its content words."""
    from assistant.text import CITATION, citation_numbers, sentences

    checks: list[MarkCheck] = []
    pos, sentence = 0, ""
    for match in CITATION.finditer(answer):
        before = answer[pos : match.start()].strip().lstrip(".,;:!? ")
        if before:  # several marks in a row share the sentence before the first
            split = sentences(before)
            sentence = split[-1] if split else before
        pos = match.end()
        for n in citation_numbers(match.group(1)):
            exists = 1 <= n <= len(passages)
            overlap = support(sentence, passages[n - 1]) if exists else 0.0
            checks.append(MarkCheck(n, sentence, exists, overlap >= SUPPORT_OVERLAP, overlap))
    return checks


def support(sentence: str, passage: str) -> float:
    """1.0 when the passage contains the sentence, else the share of its content words in it."""
    from assistant.text import word_share

    claim = _norm(sentence).rstrip(".!?;: ")
    if claim and claim in _norm(passage):
        return 1.0
    return word_share(sentence, passage)


def citation_precision(checks: Sequence[MarkCheck]) -> float | None:
    if not checks:
        return None
    return sum(1 for c in checks if c.exists and c.supported) / len(checks)


def percentile(values: Sequence[float], q: int) -> float | None:
    """The ``q``-th percentile (1..99), linearly interpolated between the values."""
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    return float(statistics.quantiles(values, n=100, method="inclusive")[q - 1])


# -- what an officer reads -------------------------------------------------------------------
def is_fragment(answer: str) -> bool:
    """True when an answer reads unfinished: it ends on a colon, or a line ending on a colon
    (a lead-in) is not followed by its list or code. Citation marks are ignored."""
    from assistant.text import CITATION

    lines = [CITATION.sub("", line).rstrip() for line in answer.splitlines()]
    lines = [line for line in lines if line.strip()]
    for i, line in enumerate(lines):
        if not line.endswith(":"):
            continue
        after = lines[i + 1].lstrip() if i + 1 < len(lines) else ""
        if not (_LIST_LINE.match(after) or after.startswith("```")):
            return True
    return False


_LIST_LINE = re.compile(r"^([-*+]|\d+[.)])\s")


def parts_covered(answer: str, parts: Sequence[Sequence[str]]) -> list[bool]:
    """For each part (its facts), whether the answer holds at least one of them."""
    return [bool(facts_found(answer, facts)) for facts in parts]


Outcome = tuple[bool, str | None]
"""What a pair compares: whether the answer abstained, and its main (first cited) document."""


def agrees(english: Outcome, other: Outcome) -> bool:
    """Both abstain, or both answer with the same main document."""
    if english[0] != other[0]:
        return False
    return english[0] or english[1] == other[1]


def pair_agreement(pairs: Sequence[tuple[Outcome, Outcome]]) -> float | None:
    """The share of (English, other language) pairs that agree (:func:`agrees`)."""
    if not pairs:
        return None
    return sum(agrees(en, other) for en, other in pairs) / len(pairs)
