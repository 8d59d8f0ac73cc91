"""Evaluation: run a set of questions through the real pipeline and measure it.

Retrieval is measured per mode (dense, lexical, hybrid) on the expected documents; answers
(from :meth:`assistant.pipeline.Assistant.ask`) on key facts, citations, abstention and latency.
:func:`run_eval` does the I/O; :func:`summarise` turns a run into scores and checks the set's
thresholds. The set is :mod:`assistant.evalset`, the pure metric functions are
:mod:`assistant.metrics`, and presentation lives in :mod:`assistant.commands.eval`.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, cast

from assistant.errors import StoreError
from assistant.eval.evalset import (
    AT_MOST,
    CROSS_LINGUAL,
    FOREIGN,
    LATENCY,
    MODES,
    RANKING,
    EvalSet,
    Question,
    parse_threshold_key,
)
from assistant.eval.metrics import (
    Abstention,
    CrossLingual,
    MarkCheck,
    abstention_scores,
    agrees,
    check_citations,
    citation_precision,
    cross_lingual,
    facts_found,
    first_rank,
    hit_at,
    is_fragment,
    mean_reciprocal_rank,
    pair_agreement,
    parts_covered,
    percentile,
)

if TYPE_CHECKING:
    from assistant.retrieval.types import Mode
    from assistant.service import Assistant

Progress = Callable[[int, int, str], None]


# -- one question's outcome ------------------------------------------------------------------
@dataclass
class QuestionResult:
    question: Question
    retrieved: dict[str, list[str]]
    """Doc ids of the passages each retrieval mode returned, best first."""
    answer: str
    abstained: bool
    evidence: float | None
    """The answerer's evidence score; None when min_evidence did not decide (a routed answer)."""
    latency_ms: float
    marks: list[MarkCheck] = field(default_factory=list)
    main_doc: str | None = None
    """The first cited document (None when the answer cites nothing)."""
    main_kind: str | None = None
    """Its kind (doctrine, etiquette, partner-note...)."""
    names_partner: bool = False
    """Whether the question names a partner."""

    @property
    def fragment(self) -> bool:
        return not self.abstained and is_fragment(self.answer)

    @property
    def parts(self) -> list[bool]:
        """Whether each part of a compound question was covered ([] for a simple one)."""
        if not self.question.parts:
            return []
        if self.abstained:
            return [False] * len(self.question.parts)
        return parts_covered(self.answer, [p.facts for p in self.question.parts])

    @property
    def outcome(self) -> tuple[bool, str | None]:
        return (self.abstained, None if self.abstained else self.main_doc)

    def rank(self, mode: str) -> int | None:
        return first_rank(self.retrieved.get(mode, []), self.question.expected)

    @property
    def found(self) -> list[str]:
        # An abstention quotes source titles, which must not count as facts.
        return [] if self.abstained else facts_found(self.answer, self.question.facts)

    @property
    def fact_recall(self) -> float | None:
        facts = self.question.facts
        return len(self.found) / len(facts) if facts and not self.question.abstain else None


def calibrate_abstention(results: Sequence[QuestionResult], current: float = 0.42) -> float:
    """The ``min_evidence`` that maximises abstention F1 on these results.

    Candidates lie midway between neighbouring evidence scores; among equal F1 the widest gap
    wins (the most robust cut), then the one nearest ``current``. Without out-of-scope questions
    or evidence scores there is nothing to learn and ``current`` is returned."""
    governed = sorted({r.evidence for r in results if r.evidence is not None})
    if not governed or not any(r.question.abstain for r in results):
        return current
    cuts = [(governed[0] - 0.01, 0.01), (governed[-1] + 0.01, 0.01)]
    cuts += [((a + b) / 2, (b - a) / 2) for a, b in itertools.pairwise(governed)]

    def key(cut: tuple[float, float]) -> tuple[float, float, float]:
        t, margin = cut
        f1 = abstention_at(results, t).f1 or 0.0
        return (round(f1, 9), margin, -abs(t - current))

    best = max(cuts, key=key)[0]
    return round(min(max(best, 0.0), 1.0), 3)


def abstention_at(results: Sequence[QuestionResult], min_evidence: float) -> Abstention:
    """Abstention scores had the answerer used ``min_evidence``."""
    pairs = [
        (r.question.abstain, r.abstained if r.evidence is None else r.evidence < min_evidence)
        for r in results
    ]
    return abstention_scores(pairs)


# -- running the set -------------------------------------------------------------------------
@dataclass
class Run:
    """Everything one evaluation produced; :func:`summarise` turns it into scores."""

    set_path: str
    store: str
    k: int
    depth: int
    modes: list[str]
    min_evidence: float
    results: list[QuestionResult]
    thresholds: dict[str, float]
    warnings: list[str] = field(default_factory=list)
    general_docs: set[str] = field(default_factory=set)
    """The store's documents that are not about one partner (generic-question precision)."""


def run_eval(
    assistant: Assistant,
    eval_set: EvalSet,
    *,
    set_path: str = "",
    modes: Sequence[Mode] = MODES,
    k: int | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
) -> Run:
    """Run every question: a search per retrieval mode, then a timed :meth:`Assistant.ask`."""
    known = assistant.manifest.documents
    if not known:
        raise StoreError(
            f"the store at {assistant.location} is empty", "run: liaison ingest (or give --store)"
        )
    questions = eval_set.questions[:limit] if limit else eval_set.questions
    k = k or assistant.settings.retrieval.k
    depth = max(k, 5)  # hit@5 needs five passages whatever k the answers use
    warnings = [
        f"{q.id}: expected document {doc!r} is not in the store"
        for q in questions
        for doc in q.expected
        if doc not in known
    ]
    assistant.warm()
    assistant.ask(questions[0].question, audience=questions[0].audience, k=k)  # warm-up, untimed
    results: list[QuestionResult] = []
    for i, q in enumerate(questions):
        if progress:
            progress(i, len(questions), q.id)
        results.append(_run_one(assistant, q, modes, k, depth))
    if progress:
        progress(len(questions), len(questions), "done")
    return Run(
        set_path=set_path,
        store=assistant.location,
        k=k,
        depth=depth,
        modes=list(modes),
        min_evidence=assistant.settings.answer.min_evidence,
        results=results,
        thresholds=dict(eval_set.thresholds),
        warnings=warnings,
        general_docs={d for d, e in known.items() if not e.partner},
    )


def _run_one(
    assistant: Assistant, q: Question, modes: Sequence[Mode], k: int, depth: int
) -> QuestionResult:
    """One question: what each retrieval mode ranks, then the timed answer and its marks."""
    audience = assistant.audience(q.audience)
    # Measure what ``ask`` searches: a non-English question is carried to English first.
    question = " ".join(q.question.split())
    retrieved: dict[str, list[str]] = {
        mode: [h.doc_id for h in assistant.retrieve(question, audience, k=depth, mode=mode)[1].hits]
        for mode in modes
    }
    start = time.perf_counter()
    answer = assistant.ask(q.question, audience=q.audience, k=k)
    elapsed = (time.perf_counter() - start) * 1000
    marks = (
        [] if answer.abstained else check_citations(answer.text, [h.text for h in answer.citations])
    )
    main = answer.citations[0] if answer.citations else None
    return QuestionResult(
        question=q,
        retrieved=retrieved,
        answer=answer.text,
        abstained=answer.abstained,
        evidence=answer.evidence if answer.kind == "extractive" else None,
        latency_ms=elapsed,
        marks=marks,
        main_doc=main.doc_id if main else None,
        main_kind=str(main.meta.get("kind")) if main else None,
        names_partner=bool(assistant.registry.find_in_text(q.question)),
    )


# -- scores ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ranking:
    n: int
    hit_at_1: float | None
    hit_at_5: float | None
    mrr: float | None


@dataclass(frozen=True)
class Group:
    """Scores of one language or category."""

    n: int
    hit_at_5: dict[str, float | None]
    fact_recall: float | None
    abstention_accuracy: float | None


@dataclass(frozen=True)
class ThresholdCheck:
    key: str
    limit: float
    value: float | None
    status: Literal["pass", "fail", "n/a"]

    @property
    def op(self) -> str:
        return "<=" if parse_threshold_key(self.key)[1] in AT_MOST else ">="

    def describe(self) -> str:
        if self.value is None:
            return f"{self.key}: not measured on this run (wanted {self.op} {self.limit:g})"
        shown = f"{self.value:.1f}" if self.key in LATENCY else f"{self.value:.3f}"
        return f"{self.key} = {shown}, wanted {self.op} {self.limit:g}"


@dataclass
class Summary:
    run: Run
    ranking: dict[str, Ranking]
    cross_lingual: dict[str, CrossLingual]
    fact_recall: float | None
    citation_precision: float | None
    part_coverage: float | None
    pair_agreement: float | None
    generic_precision: float | None
    fragment_rate: float | None
    abstention: Abstention
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    suggested_min_evidence: float
    suggested_abstention: Abstention
    by_language: dict[str, Group]
    by_category: dict[str, Group]
    checks: list[ThresholdCheck] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.status != "fail" for c in self.checks)

    @property
    def fact_recall_min_language(self) -> float | None:
        """The key-fact recall of the language that does worst: a pooled score must not hide
        one language answered worse than the others."""
        scores = [g.fact_recall for g in self.by_language.values() if g.fact_recall is not None]
        return min(scores) if scores else None

    @property
    def fact_recall_worst_language(self) -> str | None:
        worst = self.fact_recall_min_language
        for name, group in self.by_language.items():
            if group.fact_recall is not None and group.fact_recall == worst:
                return name
        return None

    def metric(self, key: str) -> float | None:
        """A score by threshold key; None when this run did not measure it."""
        mode, name = parse_threshold_key(key)
        if name in RANKING:
            ranking = self.ranking.get(mode or "hybrid")
            return None if ranking is None else cast("float | None", getattr(ranking, name))
        if name in CROSS_LINGUAL:
            scores = self.cross_lingual.get(mode or "hybrid")
            attr = name.removeprefix("cross_lingual_")
            return None if scores is None else cast("float | None", getattr(scores, attr))
        if name.startswith("abstention_"):
            return cast("float | None", getattr(self.abstention, name.removeprefix("abstention_")))
        return cast("float | None", getattr(self, name))


def summarise(run: Run) -> Summary:
    """Scores of a run, and the verdict on the set's thresholds."""
    results = run.results
    answerable = [r for r in results if not r.question.abstain]
    ranking = {
        mode: Ranking(
            n=len(answerable),
            hit_at_1=hit_at([r.rank(mode) for r in answerable], 1),
            hit_at_5=hit_at([r.rank(mode) for r in answerable], 5),
            mrr=mean_reciprocal_rank([r.rank(mode) for r in answerable]),
        )
        for mode in run.modes
    }
    foreign = [r for r in answerable if r.question.language in FOREIGN]
    crossing = {
        mode: cross_lingual(
            {
                lang: [r.rank(mode) for r in foreign if r.question.language == lang]
                for lang in FOREIGN
            }
        )
        for mode in run.modes
    }
    latencies = [r.latency_ms for r in results]
    suggested = calibrate_abstention(results, run.min_evidence)
    summary = Summary(
        run=run,
        ranking=ranking,
        cross_lingual=crossing,
        fact_recall=_mean([r.fact_recall for r in results]),
        citation_precision=citation_precision([m for r in results for m in r.marks]),
        part_coverage=_mean([float(c) for r in results for c in r.parts]),
        pair_agreement=pair_agreement(_pairs(results)),
        generic_precision=_generic_precision(results, run.general_docs),
        fragment_rate=_mean([float(r.fragment) for r in results if not r.abstained]),
        abstention=abstention_scores([(r.question.abstain, r.abstained) for r in results]),
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
        suggested_min_evidence=suggested,
        suggested_abstention=abstention_at(results, suggested),
        by_language=_groups(results, run.modes, lambda r: r.question.language),
        by_category=_groups(results, run.modes, lambda r: r.question.category),
    )
    summary.checks = [
        _check(key, limit, summary.metric(key)) for key, limit in run.thresholds.items()
    ]
    return summary


def _check(key: str, limit: float, value: float | None) -> ThresholdCheck:
    if value is None:
        return ThresholdCheck(key, limit, None, "n/a")
    ok = value <= limit if parse_threshold_key(key)[1] in AT_MOST else value >= limit - 1e-9
    return ThresholdCheck(key, limit, value, "pass" if ok else "fail")


def _groups(
    results: Sequence[QuestionResult], modes: Sequence[str], by: Callable[[QuestionResult], str]
) -> dict[str, Group]:
    buckets: dict[str, list[QuestionResult]] = {}
    for r in results:
        buckets.setdefault(by(r), []).append(r)
    out: dict[str, Group] = {}
    for name in sorted(buckets):
        group = buckets[name]
        answerable = [r for r in group if not r.question.abstain]
        out[name] = Group(
            n=len(group),
            hit_at_5={m: hit_at([r.rank(m) for r in answerable], 5) for m in modes},
            fact_recall=_mean([r.fact_recall for r in group]),
            abstention_accuracy=sum(r.abstained == r.question.abstain for r in group) / len(group),
        )
    return out


def _pairs(
    results: Sequence[QuestionResult],
) -> list[tuple[tuple[bool, str | None], tuple[bool, str | None]]]:
    """(English outcome, other outcome) for every non-English question with an English twin."""
    english = {
        r.question.pair: r for r in results if r.question.pair and r.question.language == "en"
    }
    return [
        (english[r.question.pair].outcome, r.outcome)
        for r in results
        if r.question.pair in english and r.question.language != "en"
    ]


def pairs_disagreeing(results: Sequence[QuestionResult]) -> list[QuestionResult]:
    """The non-English questions whose outcome differs from their English twin's."""
    english = {
        r.question.pair: r for r in results if r.question.pair and r.question.language == "en"
    }
    return [
        r
        for r in results
        if r.question.pair in english
        and r.question.language != "en"
        and not agrees(english[r.question.pair].outcome, r.outcome)
    ]


def _generic_precision(results: Sequence[QuestionResult], general: set[str]) -> float | None:
    """Of the answered questions that name no partner and that a general document answers
    (one of its expected documents is doctrine, etiquette, a lesson or our own procedure),
    the share whose first cited source is not a partner note."""
    eligible = [
        r
        for r in results
        if not r.abstained
        and not r.names_partner
        and r.main_kind is not None
        and any(doc in general for doc in r.question.expected)
    ]
    if not eligible:
        return None
    return sum(r.main_kind != "partner-note" for r in eligible) / len(eligible)


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
