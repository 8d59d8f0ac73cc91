"""The exchange ledger: every bad row reported with its line, the balance and the flag."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.corpus.ledger import Direction, LedgerError, balance, parse_ledger
from assistant.index.snapshot import load_ledger_snapshot
from assistant.index.sync import sync
from tests.conftest import make_corpus, registry_of
from tests.fakes import FakeEmbedder, MemoryStore

HEAD = "handling: {classification: U, originator: OWN, rel_to: [XBO]}\nexchanges:\n"


def _row(date: str, partner: str = "XBO", direction: str = "given", **extra: str) -> str:
    more = "".join(f", {k}: {v}" for k, v in extra.items())
    return (
        f"  - {{date: {date}, partner: {partner}, direction: {direction}, topic: cyber, "
        f"classification: R{more}}}\n"
    )


def test_every_bad_row_is_reported_with_its_line() -> None:
    text = (
        HEAD
        + _row("2026-01-05")
        + _row("2026-13-40")  # line 4: no such date
        + _row("2026-02-01", direction="lent")  # line 5
        + _row("2026-02-02", partner="XQQ")  # line 6: not in the registry
        + _row("2026-02-03", document="no-such-doc")  # line 7
        + _row("2026-01-05")  # line 8: the same exchange again
    )
    with pytest.raises(LedgerError) as caught:
        parse_ledger(text, "ledger.yaml", registry_of("XBO", "XMA"), {"a-doc"})
    problems = dict(caught.value.problems)
    assert sorted(problems) == [4, 5, 6, 7, 8]
    assert "date" in problems[4] and "direction" in problems[5]
    assert "XQQ is not in partners.yaml" in problems[6]
    assert "no-such-doc" in problems[7] and "twice" in problems[8]
    assert caught.value.one_line().startswith("ledger.yaml:4:")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("exchanges: []\n", 1, "handling"),
        (HEAD.replace("U,", "Q,"), 1, "handling.classification"),
        ("handling: {classification: U, originator: OWN}\nexchanges: {a: 1}\n", 2, "a list"),
        (HEAD + "  - *alias\n", 3, "aliases"),
        (HEAD + _row("2026-01-01") + "extra: 1\n", 4, "unknown field"),
    ],
)
def test_a_ledger_that_cannot_be_read(text: str, line: int, words: str) -> None:
    with pytest.raises(LedgerError) as caught:
        parse_ledger(text, "ledger.yaml", registry_of("XBO"), set())
    assert caught.value.problems[0][0] == line and words in caught.value.problems[0][1]


def test_balance_quarters_trend_and_the_lopsided_flag() -> None:
    rows = [
        _row("2025-01-10"), _row("2025-04-10"), _row("2025-07-10", direction="received"),
        _row("2026-01-10"), _row("2026-02-10"), _row("2026-04-10"), _row("2026-05-10"),
        _row("2027-01-10"),  # after the day asked about: not counted
    ]  # fmt: skip
    book = parse_ledger(HEAD + "".join(rows), "l", registry_of("XBO"), set())
    result = balance(book, "XBO", dt.date(2026, 6, 30))
    assert (result.given, result.received) == (6, 1)
    assert result.lopsided == "takes"
    assert [q.label for q in result.quarters][-1] == "2026-Q2" and len(result.quarters) == 8
    assert result.last_year == (4, 1) and result.year_before == (2, 0)
    assert result.trend == "more balanced than in the four quarters before"
    assert balance(book, "XMA", dt.date(2026, 6, 30)).lopsided is None  # nothing to judge
    gives = parse_ledger(
        HEAD + "".join(_row(f"2026-0{m}-01", direction="received") for m in range(1, 5)),
        "l", registry_of("XBO"), set(),
    )  # fmt: skip
    assert balance(gives, "XBO", dt.date(2026, 6, 1)).lopsided == "gives"
    assert book.of("XBO")[0].direction is Direction.GIVEN


def test_sync_keeps_the_ledger_and_refuses_a_broken_one(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "c")
    (corpus / "ledger.yaml").write_text(HEAD + _row("2026-01-05"), encoding="utf-8")
    settings = Settings(store=str(tmp_path / "s"), model="fake")
    store, embedder = MemoryStore(), FakeEmbedder()
    assert sync(settings, [corpus], store=store, embedder=embedder).rejected == []
    kept = load_ledger_snapshot(settings.store_location())
    assert kept is not None and len(kept.exchanges) == 1
    (corpus / "ledger.yaml").write_text(HEAD + _row("2026-01-05", direction="lent"))
    report = sync(settings, [corpus], store=store, embedder=embedder)
    (problem,) = report.rejected
    assert problem.path.endswith("ledger.yaml") and problem.line == 3
    assert load_ledger_snapshot(settings.store_location()) == kept  # the old one stays
    (corpus / "ledger.yaml").unlink()
    sync(settings, [corpus], store=store, embedder=embedder)
    assert load_ledger_snapshot(settings.store_location()) is None
