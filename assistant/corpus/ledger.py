"""The exchange ledger: what the Service gave each partner and what it received (do ut des).

``ledger.yaml`` sits at the corpus root beside ``partners.yaml`` (docs/corpus-format.md,
"Exchange ledger"). It carries a handling block like every corpus document; each row records
one exchange. A bad row is reported with its line, and then the whole file is refused (the
store keeps the ledger it had), as for the termbase: a balance computed from part of a ledger
would mislead. :func:`balance` turns the rows of one partner into the numbers a brief shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from assistant.corpus.markings import Handling, Level, partner_code
from assistant.corpus.partners import Registry
from assistant.errors import BadInput, invalid
from assistant.files import TextFileError, read_text_file
from assistant.limits import MAX_DATA_FILE, MAX_LINE
from assistant.yamlsafe import YamlProblem, safe_load

LEDGER_FILE = "ledger.yaml"
LOPSIDED_RATIO = 2.0
"""One side at least twice the other (or nothing at all on one side) is lopsided..."""
LOPSIDED_MINIMUM = 4
"""...once there are at least this many exchanges to judge by."""


class Direction(StrEnum):
    GIVEN = "given"
    """The Service gave the partner something."""
    RECEIVED = "received"
    """The partner gave the Service something."""


class Exchange(BaseModel):
    """One row of the ledger."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    date: dt.date
    partner: str
    direction: Direction
    topic: str
    classification: Level
    document: str | None = None
    """The id of the corpus document exchanged, when there is one."""

    @field_validator("partner", mode="before")
    @classmethod
    def _partner(cls, value: object) -> str:
        return partner_code(value)

    @field_validator("direction", mode="before")
    @classmethod
    def _direction(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("classification", mode="before")
    @classmethod
    def _level(cls, value: object) -> Level:
        return Level.parse(value)

    @field_validator("topic")
    @classmethod
    def _topic(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("topic is empty")
        return value.strip().lower()


class Ledger(BaseModel):
    """The whole ledger: its handling (the banner every row shares) and the rows."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    handling: Handling
    exchanges: tuple[Exchange, ...] = ()

    def of(self, partner: str) -> list[Exchange]:
        return sorted((e for e in self.exchanges if e.partner == partner), key=lambda e: e.date)


class LedgerError(BadInput):
    """A ledger that cannot be used, with every bad row's line."""

    def __init__(self, path: Path | str, problems: list[tuple[int, str]]) -> None:
        first_line, first_reason = problems[0]
        super().__init__(f"{path}:{first_line}: {first_reason}")
        self.path = str(path)
        self.problems = problems


def load_ledger(path: Path, registry: Registry | None, documents: Iterable[str] = ()) -> Ledger:
    """Read and check ``ledger.yaml``. Raises :class:`LedgerError` listing every bad row."""
    try:
        text = read_text_file(path, limit=MAX_DATA_FILE, max_line=MAX_LINE)
    except TextFileError as exc:
        raise LedgerError(path, [(exc.line, exc.reason)]) from None
    except OSError as exc:
        raise LedgerError(path, [(0, f"cannot read: {exc.strerror or exc}")]) from None
    return parse_ledger(text, path, registry, set(documents))


def parse_ledger(
    text: str, path: Path | str, registry: Registry | None, documents: set[str]
) -> Ledger:
    try:
        data = safe_load(text, dates=False)
    except YamlProblem as exc:
        raise LedgerError(path, [(exc.line, f"bad YAML: {exc.reason}")]) from None
    if not isinstance(data, dict) or "handling" not in data:
        raise LedgerError(path, [(1, "expected a 'handling:' block and an 'exchanges:' list")])
    lines = _row_lines(text)
    problems: list[tuple[int, str]] = []
    try:
        handling = Handling.model_validate(data.get("handling"))
    except ValidationError as exc:
        bad = invalid(exc)
        problems.append((_key_line(text, "handling"), f"handling.{bad.where}: {bad.message}"))
        handling = Handling()
    rows = data.get("exchanges") or []
    if not isinstance(rows, list):
        raise LedgerError(path, [(_key_line(text, "exchanges"), "exchanges must be a list")])
    exchanges: list[Exchange] = []
    for i, raw in enumerate(rows):
        line = lines[i] if i < len(lines) else 0
        problem = _row_problem(raw, registry, documents, exchanges)
        if isinstance(problem, Exchange):
            exchanges.append(problem)
        else:
            problems.append((line, problem))
    extra = set(data) - {"handling", "exchanges"}
    if extra:
        problems.append((_key_line(text, sorted(extra)[0]), f"{sorted(extra)[0]}: unknown field"))
    if problems:
        raise LedgerError(path, problems)
    return Ledger(handling=handling, exchanges=tuple(exchanges))


def _row_problem(
    raw: Any, registry: Registry | None, documents: set[str], seen: list[Exchange]
) -> Exchange | str:
    if not isinstance(raw, dict):
        return "an exchange must be a mapping (date, partner, direction, topic, classification)"
    try:
        row = Exchange.model_validate(raw)
    except ValidationError as exc:
        bad = invalid(exc)
        return f"exchange {bad.where}: {bad.message}"
    if registry is not None and row.partner not in registry:
        return f"partner {row.partner} is not in partners.yaml"
    if row.document is not None and documents and row.document not in documents:
        return f"document {row.document!r} is not a document in the corpus"
    if row in seen:
        return "the same exchange is recorded twice"
    return row


def _row_lines(text: str) -> list[int]:
    """The 1-based line of each item of the top-level ``exchanges:`` list."""
    import yaml

    from assistant.yamlsafe import LOADER

    try:
        root = yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if getattr(key, "value", None) == "exchanges" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _key_line(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    return 1


def find_ledger(roots: Iterable[Path]) -> tuple[Path | None, Path | None]:
    """``(ledger file, corpus root)`` for the roots being synced (the corpus root is the nearest
    folder with a partners.yaml, and is returned even without a ledger, so that a ledger
    deleted from the corpus is dropped from the store too)."""
    corpus_root: Path | None = None
    for root in roots:
        here = root.expanduser()
        here = here if here.is_dir() else here.parent
        for candidate in [here, *here.parents][:4]:
            if (candidate / LEDGER_FILE).is_file():
                return candidate / LEDGER_FILE, candidate
            if (candidate / "partners.yaml").is_file():
                corpus_root = corpus_root or candidate
                break
    return None, corpus_root


# -- the balance --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Quarter:
    label: str
    """``2026-Q2``"""
    given: int
    received: int


@dataclass(frozen=True)
class Balance:
    """The exchanges with one partner up to a date, in numbers."""

    partner: str
    as_of: dt.date
    given: int
    received: int
    quarters: tuple[Quarter, ...]
    """The last eight quarters up to ``as_of``, oldest first."""
    last_year: tuple[int, int]
    year_before: tuple[int, int]
    """(given, received) in the four quarters up to ``as_of`` and in the four before them."""
    first: dt.date | None
    last: dt.date | None

    @property
    def total(self) -> int:
        return self.given + self.received

    @property
    def lopsided(self) -> str | None:
        """``"takes"`` (the partner receives far more than it gives), ``"gives"`` (the other
        way round), or None when balanced or too few exchanges to judge."""
        if self.total < LOPSIDED_MINIMUM:
            return None
        if self.received == 0 or self.given >= LOPSIDED_RATIO * self.received:
            return "takes"
        if self.given == 0 or self.received >= LOPSIDED_RATIO * self.given:
            return "gives"
        return None

    @property
    def trend(self) -> str:
        """How the last four quarters compare with the four before them, in words."""
        (g1, r1), (g0, r0) = self.last_year, self.year_before
        if g1 + r1 == 0:
            return "no exchanges in the last four quarters"
        if g0 + r0 == 0:
            return "exchanges began within the last four quarters"
        if r1 == r0 == 0:
            return "still nothing received from the partner"
        if g1 == g0 == 0:
            return "still nothing given to the partner"
        tilt_now, tilt_then = abs(g1 / (g1 + r1) - 0.5), abs(g0 / (g0 + r0) - 0.5)
        if abs(tilt_now - tilt_then) < 0.05:
            return "as balanced as in the four quarters before"
        if tilt_now < tilt_then:
            return "more balanced than in the four quarters before"
        side = "the Service giving more" if g1 > r1 else "the partner giving more"
        return f"less balanced than in the four quarters before, with {side}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "partner": self.partner,
            "as_of": self.as_of.isoformat(),
            "given": self.given,
            "received": self.received,
            "lopsided": self.lopsided,
            "trend": self.trend,
            "last_four_quarters": {"given": self.last_year[0], "received": self.last_year[1]},
            "four_quarters_before": {
                "given": self.year_before[0],
                "received": self.year_before[1],
            },
            "quarters": [
                {"quarter": q.label, "given": q.given, "received": q.received}
                for q in self.quarters
            ],
        }


def balance(ledger: Ledger, partner: str, as_of: dt.date) -> Balance:
    rows = [e for e in ledger.of(partner) if e.date <= as_of]
    given = sum(e.direction is Direction.GIVEN for e in rows)
    quarters = _quarters(as_of, 8)
    counts = {label: [0, 0] for label, _, _ in quarters}
    for e in rows:
        label = _label(e.date)
        if label in counts:
            counts[label][0 if e.direction is Direction.GIVEN else 1] += 1
    shown = tuple(Quarter(label, *counts[label]) for label, _, _ in quarters)

    def total(qs: tuple[Quarter, ...]) -> tuple[int, int]:
        return sum(q.given for q in qs), sum(q.received for q in qs)

    return Balance(
        partner=partner,
        as_of=as_of,
        given=given,
        received=len(rows) - given,
        quarters=shown,
        last_year=total(shown[4:]),
        year_before=total(shown[:4]),
        first=rows[0].date if rows else None,
        last=rows[-1].date if rows else None,
    )


def _label(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _quarters(as_of: dt.date, n: int) -> list[tuple[str, int, int]]:
    """The ``n`` calendar quarters ending with the one holding ``as_of``, oldest first."""
    year, q = as_of.year, (as_of.month - 1) // 3 + 1
    out = []
    for _ in range(n):
        out.append((f"{year}-Q{q}", year, q))
        q -= 1
        if q == 0:
            year, q = year - 1, 4
    return out[::-1]
