"""Benchmarks: each measurement is reported as a ratio to a baseline measured in the same run,
so a noisy 2-core machine still gives comparable numbers. ``make bench`` prints the table and
writes benchmarks/results.json. Budgets are generous ratios, never absolute seconds."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.corpus.loader import load_corpus
from assistant.index.sync import sync
from assistant.service import Assistant

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
QUESTIONS = [
    "What is the lowest level of cooperation?",
    "Which gifts must be declared?",
    "Do I need an interpreter for Lumeria?",
    "What does TLP:AMBER+STRICT allow?",
    "Who sits opposite the head of the guest delegation?",
]
RESULTS: dict[str, dict[str, float]] = {}


def _median(fn: Callable[[], object], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _record(name: str, measured: float, baseline: float, budget: float) -> None:
    ratio = measured / baseline
    RESULTS[name] = {"seconds": measured, "baseline_seconds": baseline, "ratio": ratio}
    print(f"{name:<40} {measured * 1000:9.1f} ms  ratio {ratio:6.2f}  (budget {budget})")
    assert ratio < budget, f"{name}: ratio {ratio:.2f} over budget {budget}"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(store=str(tmp_path_factory.mktemp("bench") / "store"), corpus=CORPUS)
    sync(settings)
    return settings


def test_unchanged_ingest_vs_parsing_the_corpus(store: Settings) -> None:
    """An unchanged ingest should cost little more than reading the corpus once."""
    baseline = _median(lambda: load_corpus([CORPUS]))
    measured = _median(lambda: sync(store))
    _record("unchanged ingest / corpus parse", measured, baseline, budget=3.0)


def test_search_and_ask_vs_embedding_one_query(store: Settings) -> None:
    assistant = Assistant(store)
    assistant.warm()
    baseline = _median(lambda: assistant.embedder.encode([QUESTIONS[0]]), repeat=15)
    search = statistics.median(
        _median(lambda q=q: assistant.search(q), repeat=3) for q in QUESTIONS
    )
    ask = statistics.median(_median(lambda q=q: assistant.ask(q), repeat=3) for q in QUESTIONS)
    _record("search / one query embedding", search, baseline, budget=15.0)
    _record("ask / one query embedding", ask, baseline, budget=40.0)


def teardown_module() -> None:
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(RESULTS, indent=1))
