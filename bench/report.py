"""The Markdown report of a bench run: both pipelines side by side, the ratios against the
speed issue's targets, and how each of liaison's costs grows with the corpus."""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

TARGETS = {
    "ingest": "liaison >= 2x faster (>= 2.5x at 10k chunks)",
    "cold_ask": "<= 0.4x the naive cold query",
    "cold_search": "<= 0.4x the naive cold query",
    "batch": "<= 1.0x (stretch 0.5x)",
}


def _ratio(mine: dict[str, Any] | None, theirs: dict[str, Any] | None) -> str:
    if not mine or not theirs:
        return "-"
    return f"{mine['seconds'] / theirs['seconds']:.2f}x"


def _row(cells: list[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _secs(figure: dict[str, Any] | None) -> str:
    return f"{figure['seconds']:.2f} s" if figure else "-"


def _rss(figure: dict[str, Any] | None) -> str:
    return f"{figure['rss_mb']:.0f} MB" if figure else "-"


def size_table(name: str, out: dict[str, Any]) -> list[str]:
    rows = [
        f"### {name}: {out['chunks']} chunks (naive: {out.get('naive_chunks') or '-'})",
        "",
        "| figure | liaison | naive | liaison/naive | target | liaison RSS | naive RSS |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    pairs = [
        ("full ingest", "ingest", "naive_ingest", TARGETS["ingest"]),
        ("cold `ask`", "cold_ask", "naive_cold_search", TARGETS["cold_ask"]),
        ("cold `search`", "cold_search", "naive_cold_search", TARGETS["cold_search"]),
        (
            f"{out['batch']['queries']} searches, `--batch`",
            "batch",
            "naive_batch",
            TARGETS["batch"],
        ),
    ]
    for label, mine, theirs, target in pairs:
        a, b = out.get(mine), out.get(theirs)
        cells = [label, _secs(a), _secs(b), _ratio(a, b), target, _rss(a), _rss(b)]
        rows.append(_row(cells))
    unchanged, full = out["unchanged_ingest"], out["ingest"]
    share = f"{unchanged['seconds'] / full['seconds']:.1%} of a full ingest"
    rows.append(
        _row(["unchanged re-ingest", _secs(unchanged), "-", share, "<= 5%", _rss(unchanged), "-"])
    )
    ws, wa, nw = out["warm_search"], out["warm_ask"], out.get("naive_warm_search")
    naive_warm = f"{nw['p50_ms']} / {nw['p95_ms']} ms" if nw else "-"
    rows.append(
        _row(
            [
                "warm search p50 / p95",
                f"{ws['p50_ms']} / {ws['p95_ms']} ms",
                naive_warm,
                "-",
                "-",
                "-",
                "-",
            ]
        )
    )
    rows.append(
        _row(
            [
                "warm ask p50 / p95",
                f"{wa['p50_ms']} / {wa['p95_ms']} ms",
                "-",
                "-",
                "p95 <= 50 ms at 10k, <= 150 ms at 100k",
                "-",
                "-",
            ]
        )
    )
    naive_hit = out.get("naive_hit_at_5")
    rows.append(
        _row(
            [
                "hit@5 on the batch",
                out["hit_at_5"],
                "-" if naive_hit is None else naive_hit,
                "-",
                "equal",
                "-",
                "-",
            ]
        )
    )
    return [*rows, ""]


def growth_table(sizes: dict[str, dict[str, Any]]) -> list[str]:
    """The log-log slope of each cost between consecutive sizes: 1.0 grows linearly with the
    corpus, 0 not at all."""
    names = sorted(sizes, key=lambda n: sizes[n]["chunks"])
    if len(names) < 2:
        return []
    figures = [
        ("full ingest", lambda o: o["ingest"]["seconds"]),
        ("unchanged re-ingest", lambda o: o["unchanged_ingest"]["seconds"]),
        ("cold ask", lambda o: o["cold_ask"]["seconds"]),
        ("warm ask p95", lambda o: o["warm_ask"]["p95_ms"]),
        ("warm search p95", lambda o: o["warm_search"]["p95_ms"]),
        ("cold ask peak RSS", lambda o: o["cold_ask"]["rss_mb"]),
        ("ingest peak RSS", lambda o: o["ingest"]["rss_mb"]),
    ]
    steps = list(itertools.pairwise(names))
    rows = [
        "### How the costs grow (log-log slope between sizes)",
        "",
        "| figure | " + " | ".join(f"{a} -> {b}" for a, b in steps) + " |",
        "| --- | " + " | ".join("---" for _ in steps) + " |",
    ]
    for label, get in figures:
        cells = []
        for a, b in steps:
            x = math.log(sizes[b]["chunks"] / sizes[a]["chunks"])
            y = math.log(max(get(sizes[b]), 1e-9) / max(get(sizes[a]), 1e-9))
            cells.append(f"{y / x:.2f}")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return [*rows, ""]


def write_report(results: dict[str, Any], target: Path) -> str:
    lines = [
        "# liaison against the tutorial LangChain pipeline",
        "",
        f"Medians of {results['repeat']} runs, each a new process, alternating between the two "
        f"pipelines; {results['machine']['cpus']} CPUs, Python {results['machine']['python']}. "
        "Written by `make bench` (bench/run.py).",
        "",
    ]
    for name, out in results["sizes"].items():
        lines += size_table(name, out)
    lines += growth_table(results["sizes"])
    paint = results.get("first_paint")
    if paint:
        lines += [
            f"`liaison chat` first paint: {paint['seconds']:.2f} s (target <= 1 s), "
            f"peak RSS {paint['rss_mb']:.0f} MB.",
            "",
        ]
    text = "\n".join(lines)
    target.write_text(text, "utf-8")
    return text
