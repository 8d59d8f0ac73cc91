"""Evaluation: run a set of questions through the real pipeline and measure it.

Retrieval is measured per mode (dense, lexical, hybrid) on the expected documents; answers
(from :meth:`assistant.pipeline.Assistant.ask`) on key facts, citations, abstention and latency.
The metric functions are pure, so they can be tested on hand-made answers; :func:`run_eval`
does the I/O. Presentation lives in :mod:`assistant.commands.eval`.
"""

from __future__ import annotations

import itertools
import re
import time
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.errors import BadInput, StoreError

if TYPE_CHECKING:
    from assistant.pipeline import Assistant
    from assistant.retrieve import Mode

MODES: tuple[Mode, ...] = ("dense", "lexical", "hybrid")
RANKING = ("hit_at_1", "hit_at_5", "mrr")
ANSWERING = (
    "fact_recall",
    "abstention_precision",
    "abstention_recall",
    "abstention_f1",
    "citation_precision",
)
LATENCY = ("latency_p50_ms", "latency_p95_ms")
SUPPORT_OVERLAP = 0.6
"""A cited sentence is supported when this share of its content words is in the passage."""

Language = Literal["en", "hu", "de", "fr"]
Category = Literal["doctrine", "protocol", "sharing", "translation", "officer", "out-of-scope"]
Progress = Callable[[int, int, str], None]


# -- the evaluation set ----------------------------------------------------------------------
class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    question: str = Field(min_length=1, max_length=2000)
    language: Language = "en"
    category: Category
    expected: list[str] = Field(default_factory=list)
    """Document ids that answer the question; [] when it is out of scope."""
    facts: list[str] = Field(default_factory=list)
    """Phrases a good answer contains (matched case-insensitively)."""
    abstain: bool = False
    """True when the right behaviour is to abstain (the corpus does not cover it)."""
    audience: str | None = None
    """Optional partner audience the question is asked for."""

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        if self.category == "out-of-scope" and not self.abstain:
            raise ValueError("category out-of-scope needs abstain: true")
        if self.abstain and self.expected:
            raise ValueError("a question with abstain: true must have expected: []")
        if not self.abstain and not self.expected:
            raise ValueError("expected is empty: list the answering documents or set abstain: true")
        return self


class EvalSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    questions: list[Question] = Field(min_length=1)
    thresholds: dict[str, float] = Field(default_factory=dict)
    """Minimum scores (maximum for latency): ``hit_at_5: 0.9``, ``dense.mrr: 0.6``..."""

    @field_validator("questions")
    @classmethod
    def _unique(cls, questions: list[Question]) -> list[Question]:
        seen: set[str] = set()
        for q in questions:
            if q.id in seen:
                raise ValueError(f"duplicate question id {q.id!r}")
            seen.add(q.id)
        return questions

    @field_validator("thresholds")
    @classmethod
    def _known(cls, thresholds: dict[str, float]) -> dict[str, float]:
        for key, value in thresholds.items():
            metric = parse_threshold_key(key)[1]
            if metric not in LATENCY and not 0 <= value <= 1:
                raise ValueError(f"threshold {key} must be between 0 and 1")
            if metric in LATENCY and value <= 0:
                raise ValueError(f"threshold {key} must be a positive number of milliseconds")
        return thresholds


def parse_threshold_key(key: str) -> tuple[Mode | None, str]:
    """``hit_at_5`` -> (None, "hit_at_5"); ``dense.mrr`` -> ("dense", "mrr")."""
    mode, _, metric = key.rpartition(".")
    if mode and (mode not in MODES or metric not in RANKING):
        raise ValueError(f"unknown threshold {key!r}: a mode prefix takes {', '.join(RANKING)}")
    if metric not in (*RANKING, *ANSWERING, *LATENCY):
        known = ", ".join((*RANKING, *ANSWERING, *LATENCY))
        raise ValueError(f"unknown threshold {key!r} (known: {known}, or MODE.{RANKING[0]})")
    return (mode or None), metric


def load_set(path: Path) -> EvalSet:
    """Read and validate an evaluation set; any problem is :class:`BadInput` naming the file."""
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(f"cannot read evaluation set {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise BadInput(f"{path}{where}: not valid YAML") from None
    try:
        return EvalSet.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise BadInput(f"{path}: {_where(raw, first['loc'])}: {first['msg']}") from None


def _where(raw: object, loc: tuple[int | str, ...]) -> str:
    """A readable location: ``questions[3] (doc-004).expected``."""
    parts: list[str] = []
    node = raw
    for part in loc:
        if isinstance(part, int):
            parts[-1] += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and "id" in node:
                parts[-1] += f" ({node['id']})"
        else:
            parts.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return ".".join(parts) or "file"


# -- metric functions ------------------------------------------------------------------------
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


_MARK = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


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
    from assistant.chunking import sentences

    checks: list[MarkCheck] = []
    pos, sentence = 0, ""
    for match in _MARK.finditer(answer):
        before = answer[pos : match.start()].strip().lstrip(".,;:!? ")
        if before:  # several marks in a row share the sentence before the first
            split = sentences(before)
            sentence = split[-1] if split else before
        pos = match.end()
        for number in match.group(1).split(","):
            n = int(number)
            exists = 1 <= n <= len(passages)
            overlap = support(sentence, passages[n - 1]) if exists else 0.0
            checks.append(MarkCheck(n, sentence, exists, overlap >= SUPPORT_OVERLAP, overlap))
    return checks


def support(sentence: str, passage: str) -> float:
    """1.0 when the passage contains the sentence, else the share of its content words in it."""
    from assistant.lexical import word_share

    claim = _norm(sentence).rstrip(".!?;: ")
    if claim and claim in _norm(passage):
        return 1.0
    return word_share(sentence, passage)


def citation_precision(checks: Sequence[MarkCheck]) -> float | None:
    if not checks:
        return None
    return sum(1 for c in checks if c.exists and c.supported) / len(checks)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


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
        audience = assistant.audience(q.audience)
        # Measure what ``ask`` searches: a non-English question is carried to English first.
        question = " ".join(q.question.split())
        retrieved: dict[str, list[str]] = {
            mode: [
                h.doc_id for h in assistant.retrieve(question, audience, k=depth, mode=mode)[1].hits
            ]
            for mode in modes
        }
        start = time.perf_counter()
        answer = assistant.ask(q.question, audience=q.audience, k=k)
        elapsed = (time.perf_counter() - start) * 1000
        marks = (
            []
            if answer.abstained
            else check_citations(answer.text, [h.text for h in answer.citations])
        )
        results.append(
            QuestionResult(
                question=q,
                retrieved=retrieved,
                answer=answer.text,
                abstained=answer.abstained,
                evidence=answer.evidence if answer.kind == "extractive" else None,
                latency_ms=elapsed,
                marks=marks,
            )
        )
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
        return "<=" if self.key in LATENCY else ">="

    def describe(self) -> str:
        if self.value is None:
            return f"{self.key}: not measured on this run (wanted {self.op} {self.limit:g})"
        shown = f"{self.value:.1f}" if self.key in LATENCY else f"{self.value:.3f}"
        return f"{self.key} = {shown}, wanted {self.op} {self.limit:g}"


@dataclass
class Summary:
    run: Run
    ranking: dict[str, Ranking]
    fact_recall: float | None
    citation_precision: float | None
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

    def metric(self, key: str) -> float | None:
        """A score by threshold key; None when this run did not measure it."""
        mode, name = parse_threshold_key(key)
        if name in RANKING:
            ranking = self.ranking.get(mode or "hybrid")
            return None if ranking is None else cast("float | None", getattr(ranking, name))
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
    latencies = [r.latency_ms for r in results]
    suggested = calibrate_abstention(results, run.min_evidence)
    summary = Summary(
        run=run,
        ranking=ranking,
        fact_recall=_mean([r.fact_recall for r in results]),
        citation_precision=citation_precision([m for r in results for m in r.marks]),
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
    ok = value <= limit if parse_threshold_key(key)[1] in LATENCY else value >= limit - 1e-9
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


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
