"""The evaluation set: questions with the documents and facts that answer them, and thresholds.

A set is a YAML file (docs/evaluation.md): every question says which documents answer it (or
that the right behaviour is to abstain), and the set may name minimum scores that the run must
reach. Loading it validates everything and names the question at fault.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.errors import BadInput, invalid

if TYPE_CHECKING:
    from assistant.retrieval.types import Mode

MODES: tuple[Mode, ...] = ("dense", "lexical", "hybrid")
RANKING = ("hit_at_1", "hit_at_5", "mrr")
CROSS_LINGUAL = ("cross_lingual_hit_at_5", "cross_lingual_min_hit_at_5")
"""hit@5 of the questions in :data:`FOREIGN` languages, pooled and of the worst language."""
PER_MODE = (*RANKING, *CROSS_LINGUAL)
FOREIGN = ("hu", "de", "fr")
ANSWERING = (
    "fact_recall",
    "fact_recall_min_language",
    "abstention_precision",
    "abstention_recall",
    "abstention_f1",
    "citation_precision",
    "part_coverage",
    "pair_agreement",
    "generic_precision",
    "fragment_rate",
)
LATENCY = ("latency_p50_ms", "latency_p95_ms")
AT_MOST = (*LATENCY, "fragment_rate")
"""Metrics whose threshold is a maximum (the others are minimums)."""

Language = Literal["en", "hu", "de", "fr"]
Category = Literal["doctrine", "protocol", "sharing", "translation", "officer", "out-of-scope"]


class Part(BaseModel):
    """One part of a compound question: it is covered when the answer holds one of its facts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    facts: list[str] = Field(min_length=1)


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
    parts: list[Part] = Field(default_factory=list)
    """For a compound question: its parts, each with the facts that show it was answered."""
    pair: str | None = Field(None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    """The same question asked in several languages shares a pair name (one of them in
    English): paired-language agreement compares each with its English twin."""

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        if self.category == "out-of-scope" and not self.abstain:
            raise ValueError("category out-of-scope needs abstain: true")
        if self.abstain and self.expected:
            raise ValueError("a question with abstain: true must have expected: []")
        if not self.abstain and not self.expected:
            raise ValueError("expected is empty: list the answering documents or set abstain: true")
        if len(self.parts) == 1:
            raise ValueError("a compound question has at least two parts")
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
        pairs: dict[str, list[str]] = {}
        for q in questions:
            if q.pair:
                pairs.setdefault(q.pair, []).append(q.language)
        for name, languages in pairs.items():
            if languages.count("en") != 1 or len(languages) < 2:
                raise ValueError(f"pair {name!r} needs one English question and at least one other")
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
    if mode and (mode not in MODES or metric not in PER_MODE):
        raise ValueError(f"unknown threshold {key!r}: a mode prefix takes {', '.join(PER_MODE)}")
    if metric not in (*PER_MODE, *ANSWERING, *LATENCY):
        known = ", ".join((*PER_MODE, *ANSWERING, *LATENCY))
        raise ValueError(f"unknown threshold {key!r} (known: {known}, or MODE.{RANKING[0]})")
    return (mode or None), metric


def load_set(path: Path) -> EvalSet:
    """Read and validate an evaluation set; any problem is :class:`BadInput` naming the file."""
    from assistant.yamlsafe import YamlProblem, safe_load

    try:
        raw = safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(f"cannot read evaluation set {path}: {exc.strerror}") from None
    except YamlProblem as exc:
        raise BadInput(f"{path} line {exc.line}: not valid YAML ({exc.reason})") from None
    try:
        return EvalSet.model_validate(raw)
    except ValidationError as exc:
        bad = invalid(exc)
        raise BadInput(f"{path}: {_where(raw, bad.loc)}: {bad.message}") from None


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
