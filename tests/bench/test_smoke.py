"""The bench's smoke run, as CI makes it: the shipped corpus, one repeat, every figure taken
and written (results.json and the Markdown table). Timings are not judged here: speed is
measured by ``make bench`` as ratios in one run, never by timed assertions in tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.report import growth_table, write_report
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

FIGURES = ("ingest", "unchanged_ingest", "cold_ask", "cold_search", "batch")


def test_the_smoke_run_takes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--smoke",
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(out),
            "--naive",
            str(tmp_path / "no-naive-here"),
        ],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((out / "results.json").read_text())
    shipped = results["sizes"]["shipped"]
    assert shipped["chunks"] > 300
    for name in FIGURES:
        figure = shipped[name]
        assert figure["seconds"] > 0 and figure["rss_mb"] > 0 and len(figure["runs"]) == 1
    assert shipped["warm_ask"]["p95_ms"] >= shipped["warm_ask"]["p50_ms"] > 0
    assert shipped["hit_at_5"] >= 0.9  # the batch found what the evaluation set expects
    assert results["first_paint"]["seconds"] > 0
    assert results["naive"] is False and shipped["naive_ingest"] is None
    table = (out / "results.md").read_text()
    assert "| full ingest |" in table and "first paint" in table
    assert "no naive pipeline" in done.stderr


def _figure(seconds: float, rss: float = 100.0) -> dict[str, object]:
    return {"seconds": seconds, "rss_mb": rss, "runs": [seconds]}


def _size(chunks: int, scale: float) -> dict[str, object]:
    return {
        "chunks": chunks,
        "naive_chunks": chunks,
        "ingest": _figure(10 * scale),
        "naive_ingest": _figure(30 * scale),
        "unchanged_ingest": _figure(0.5),
        "cold_ask": _figure(2.0),
        "cold_search": _figure(1.8),
        "naive_cold_search": _figure(6.0),
        "batch": {**_figure(3.0), "queries": 60},
        "naive_batch": _figure(6.0),
        "warm_search": {"p50_ms": 10.0, "p95_ms": 20.0 * scale},
        "warm_ask": {"p50_ms": 50.0, "p95_ms": 80.0 * scale},
        "naive_warm_search": {"p50_ms": 9.0, "p95_ms": 12.0},
        "hit_at_5": 0.98,
        "naive_hit_at_5": 0.9,
    }


def test_the_report_shows_ratios_and_growth(tmp_path: Path) -> None:
    results = {
        "repeat": 3,
        "machine": {"cpus": 2, "python": "3.11"},
        "naive": True,
        "sizes": {"1k": _size(1000, 1.0), "10k": _size(10000, 10.0)},
    }
    text = write_report(results, tmp_path / "r.md")
    assert "| full ingest | 10.00 s | 30.00 s | 0.33x |" in text
    assert "| cold `ask` | 2.00 s | 6.00 s | 0.33x |" in text
    growth = "\n".join(growth_table(results["sizes"]))  # type: ignore[arg-type]
    assert "| full ingest | 1.00 |" in growth  # ten times the chunks, ten times the time
    assert "| unchanged re-ingest | 0.00 |" in growth
