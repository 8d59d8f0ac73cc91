"""``liaison eval``: run an evaluation set through the real pipeline and report its scores.

Retrieval modes are columns side by side; ``--json`` prints one object; ``--out FILE`` writes
the JSON to FILE and a Markdown report next to it. Exits 1 when a threshold of the set is missed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.cli.options import JsonOpt, StoreOpt

if TYPE_CHECKING:
    from assistant.eval.metrics import Abstention, CrossLingual
    from assistant.eval.run import Group, Progress, QuestionResult, Summary
    from assistant.retrieval.types import Mode

DEFAULT_SET = Path("tests/eval/questions.yaml")
MODE_NAMES = {"dense": "dense", "lexical": "BM25", "hybrid": "fused"}
SHOW_MISSES = 30

SetOpt = Annotated[
    Path | None,
    typer.Option("--set", help=f"Evaluation set (YAML). Default: {DEFAULT_SET}."),
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="Write the JSON report here and a Markdown table next to it (.md)."),
]
EvalKOpt = Annotated[
    int | None,
    typer.Option("--k", min=1, max=50, help="Passages per answer (ranking uses at least 5)."),
]
ModeOpt = Annotated[
    list[str] | None,
    typer.Option("--mode", help="Retrieval mode to score: dense, lexical, hybrid (repeatable)."),
]
LimitOpt = Annotated[
    int | None, typer.Option("--limit", min=1, help="Only the first N questions of the set.")
]


def evaluate(
    eval_set: SetOpt = None,
    store: StoreOpt = None,
    k: EvalKOpt = None,
    mode: ModeOpt = None,
    limit: LimitOpt = None,
    out: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Score retrieval (hit@1, hit@5, MRR per mode) and answers (key facts, citations,
    abstention, latency) on an evaluation set; exit 1 when a threshold of the set is missed."""
    from rich.markup import escape

    from assistant.cli.query import settings as load_settings
    from assistant.cli.render import emit_json, err
    from assistant.eval.evalset import load_set
    from assistant.eval.run import run_eval, summarise
    from assistant.service import make_assistant

    path = _set_path(eval_set)
    modes = _modes(mode)
    json_out, md_out = _out_paths(out)
    questions = load_set(path)
    assistant = make_assistant(load_settings(store), audited=False)
    with _progress(enabled=not as_json) as progress:
        run = run_eval(
            assistant,
            questions,
            set_path=str(path),
            modes=modes,
            k=k,
            limit=limit,
            progress=progress,
        )
    summary = summarise(run)
    report = report_dict(summary)
    if as_json:
        emit_json(report)
    else:
        show(summary)
    if json_out is not None and md_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
        md_out.write_text(markdown(summary), "utf-8")
        if not as_json:
            err.print(f"[dim]wrote {escape(str(json_out))} and {escape(str(md_out))}[/]")
    for warning in run.warnings:
        err.print(f"[yellow]warning[/] {escape(warning)}")
    skipped = [c for c in summary.checks if c.status == "n/a"]
    for check in skipped:
        err.print(f"[yellow]threshold skipped[/] {escape(check.describe())}")
    missed = [c for c in summary.checks if c.status == "fail"]
    for check in missed:
        err.print(f"[red]threshold missed[/] {escape(check.describe())}")
    if missed:
        raise typer.Exit(1)


def _set_path(given: Path | None) -> Path:
    from assistant import paths
    from assistant.errors import BadInput

    if given is not None:
        return given
    for candidate in (DEFAULT_SET, paths.project_root() / DEFAULT_SET):
        if candidate.is_file():
            return candidate
    raise BadInput(f"no evaluation set at {DEFAULT_SET}", "give one with --set FILE")


def _modes(given: list[str] | None) -> list[Mode]:
    from assistant.errors import BadInput
    from assistant.eval.evalset import MODES

    if not given:
        return list(MODES)
    chosen: list[Mode] = []
    for name in given:
        mode = {"bm25": "lexical", "fused": "hybrid"}.get(name.lower(), name.lower())
        if mode not in MODES:
            raise BadInput(f"unknown mode {name!r}", "use dense, lexical or hybrid")
        if mode not in chosen:
            chosen.append(mode)
    return [m for m in MODES if m in chosen]  # keep the columns in their usual order


def _out_paths(out: Path | None) -> tuple[Path | None, Path | None]:
    from assistant.errors import BadInput

    if out is None:
        return None, None
    md = out.with_suffix(".md")
    if md == out:
        raise BadInput(f"--out {out}: give the JSON file; the Markdown goes next to it")
    return out, md


@contextmanager
def _progress(*, enabled: bool) -> Iterator[Progress | None]:
    """A progress bar on stderr while the questions run; nothing when not on a terminal."""
    from assistant.cli.render import err

    if not enabled or not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    bar = Bar(
        TextColumn("[bold]eval[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
    )
    task = bar.add_task("loading model", total=None)

    def update(done: int, total: int, label: str) -> None:
        bar.update(task, completed=done, total=total, description=label)

    with bar:
        yield update


# -- presentation ----------------------------------------------------------------------------
def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"


def _rows(summary: Summary) -> tuple[list[str], list[list[str]]]:
    """The retrieval table: one column per mode."""
    modes = list(summary.ranking)
    header = ["metric", *(MODE_NAMES[m] for m in modes)]
    rows = [
        [label, *(_pct(getattr(summary.ranking[m], name)) for m in modes)]
        for label, name in (("hit@1", "hit_at_1"), ("hit@5", "hit_at_5"), ("MRR", "mrr"))
    ]
    crossing = [summary.cross_lingual[m] for m in modes if m in summary.cross_lingual]
    if crossing and crossing[0].n:
        langs = "/".join(crossing[0].by_language)
        rows.append([f"hit@5 {langs} ({crossing[0].n})", *(_pct(c.hit_at_5) for c in crossing)])
        rows.append(
            [
                "hit@5 worst language",
                *(f"{_pct(c.min_hit_at_5)} {c.worst or ''}".rstrip() for c in crossing),
            ]
        )
    return header, rows


def _worst_recall(summary: Summary) -> str:
    shown = _pct(summary.fact_recall_min_language)
    worst = summary.fact_recall_worst_language
    return f"{shown} {worst}" if worst else shown


def _answer_rows(summary: Summary) -> list[list[str]]:
    a = summary.abstention
    s = summary.suggested_abstention
    return [
        ["key-fact recall", _pct(summary.fact_recall)],
        ["key-fact recall worst language", _worst_recall(summary)],
        ["citation precision", _pct(summary.citation_precision)],
        ["part coverage (compound questions)", _pct(summary.part_coverage)],
        ["paired-language agreement", _pct(summary.pair_agreement)],
        ["generic-question precision", _pct(summary.generic_precision)],
        ["fragment rate", _pct(summary.fragment_rate)],
        ["abstention precision", _pct(a.precision)],
        ["abstention recall", _pct(a.recall)],
        ["abstention F1", _pct(a.f1)],
        ["latency p50 (ask)", _ms(summary.latency_p50_ms)],
        ["latency p95 (ask)", _ms(summary.latency_p95_ms)],
        ["min_evidence (current)", f"{summary.run.min_evidence:g}"],
        [
            "suggested min_evidence",
            f"{summary.suggested_min_evidence:g} (abstention P {_pct(s.precision)}, "
            f"R {_pct(s.recall)}, F1 {_pct(s.f1)})",
        ],
    ]


def _group_rows(groups: dict[str, Group], modes: list[str]) -> list[list[str]]:
    return [
        [
            name,
            str(g.n),
            *(_pct(g.hit_at_5.get(m)) for m in modes),
            _pct(g.fact_recall),
            _pct(g.abstention_accuracy),
        ]
        for name, g in groups.items()
    ]


def _misses(summary: Summary) -> list[list[str]]:
    """Questions that went wrong in the answer pipeline, with what went wrong."""
    rows = []
    fused = "hybrid" if "hybrid" in summary.ranking else next(iter(summary.ranking), None)
    from assistant.eval.run import pairs_disagreeing

    disagreeing = {id(r) for r in pairs_disagreeing(summary.run.results)}
    for r in summary.run.results:
        problems = _problems(r, fused)
        if id(r) in disagreeing:
            problems.append(f"disagrees with its English twin ({r.question.pair})")
        if problems:
            rows.append([r.question.id, r.question.language, "; ".join(problems)])
    return rows


def _problems(r: QuestionResult, mode: str | None) -> list[str]:
    q = r.question
    out = []
    if q.abstain != r.abstained:
        out.append("abstained" if r.abstained else "answered out-of-scope question")
    if not q.abstain and mode is not None and (r.rank(mode) or 99) > 5:
        out.append(f"no expected document in top 5 ({MODE_NAMES[mode]})")
    missing = [f for f in q.facts if f not in r.found] if not q.abstain else []
    if missing and not r.abstained:
        out.append("missing facts: " + ", ".join(repr(f) for f in missing))
    uncovered = [str(n) for n, ok in enumerate(r.parts, start=1) if not ok]
    if uncovered:
        out.append("part " + ", ".join(uncovered) + " not covered")
    if r.fragment:
        out.append("reads as a fragment (a lead-in without its list)")
    bad = sorted({m.n for m in r.marks if not (m.exists and m.supported)})
    if bad:
        out.append("unsupported citation " + ", ".join(f"[{n}]" for n in bad))
    return out


def show(summary: Summary) -> None:
    """Rich tables for a person at a terminal."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from assistant.cli.render import out

    run = summary.run
    modes = list(summary.ranking)
    out.print(
        f"[bold]Evaluation[/] of {escape(run.set_path)}: {len(run.results)} questions, "
        f"k={run.k} (ranking depth {run.depth}), store {escape(run.store)}"
    )

    def table(title: str, header: list[str], rows: list[list[str]], text: int = 1) -> None:
        """``text``: how many leading columns hold text (left-aligned); the rest are numbers."""
        out.print(f"\n[bold]{escape(title)}[/]")
        t = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
        for i, name in enumerate(header):
            t.add_column(name, justify="left" if i < text else "right", no_wrap=i == 0)
        for row in rows:
            t.add_row(*(escape(c) for c in row))
        out.print(t)

    header, rows = _rows(summary)
    n = next(iter(summary.ranking.values())).n if summary.ranking else 0
    table(f"Retrieval ({n} answerable questions)", header, rows)
    table("Answers (pipeline)", ["metric", "value"], _answer_rows(summary), text=2)
    group_header = ["", "n", *(f"hit@5 {MODE_NAMES[m]}" for m in modes), "facts", "abst. acc."]
    table("By language", group_header, _group_rows(summary.by_language, modes))
    table("By category", group_header, _group_rows(summary.by_category, modes))
    misses = _misses(summary)
    if misses:
        more = len(misses) - SHOW_MISSES
        title = (
            f"Misses ({len(misses)} questions"
            + (f", first {SHOW_MISSES} shown" if more > 0 else "")
            + ")"
        )
        table(title, ["id", "lang", "what went wrong"], misses[:SHOW_MISSES], text=3)
        if more > 0:
            out.print(f"[dim]... and {more} more: see --json or the --out report[/]")
    if summary.checks:
        out.print()
        verdict = {"pass": "[green]pass[/]", "fail": "[red]FAIL[/]", "n/a": "[yellow]n/a[/]"}
        out.print("[bold]Thresholds[/]")
        for c in summary.checks:
            out.print(f"  {verdict[c.status]}  {escape(c.describe())}")


def markdown(summary: Summary) -> str:
    """The report as Markdown tables (written next to the JSON by ``--out``)."""
    run = summary.run
    modes = list(summary.ranking)

    def table(header: list[str], rows: list[list[str]]) -> str:
        cells = [header, ["---"] * len(header), *rows]
        return "\n".join("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in cells)

    header, rows = _rows(summary)
    group_header = ["group", "n", *(f"hit@5 {MODE_NAMES[m]}" for m in modes), "facts", "abst. acc."]
    parts = [
        "# Evaluation results",
        f"Set `{run.set_path}`, {len(run.results)} questions, k={run.k} "
        f"(ranking depth {run.depth}).",
        "## Retrieval",
        table(header, rows),
        "## Answers",
        table(["metric", "value"], _answer_rows(summary)),
        "## By language",
        table(group_header, _group_rows(summary.by_language, modes)),
        "## By category",
        table(group_header, _group_rows(summary.by_category, modes)),
    ]
    if summary.checks:
        parts += [
            "## Thresholds",
            table(
                ["metric", "wanted", "value", "status"],
                [[c.key, f"{c.op} {c.limit:g}", _pct(c.value), c.status] for c in summary.checks],
            ),
        ]
    misses = _misses(summary)
    if misses:
        parts += ["## Misses", table(["id", "lang", "what went wrong"], misses)]
    return "\n\n".join(parts) + "\n"


def report_dict(summary: Summary) -> dict[str, Any]:
    """The ``liaison eval --json`` object."""
    run = summary.run
    return {
        "set": run.set_path,
        "store": run.store,
        "questions": len(run.results),
        "k": run.k,
        "depth": run.depth,
        "retrieval": {
            m: {"n": r.n, "hit_at_1": _r(r.hit_at_1), "hit_at_5": _r(r.hit_at_5), "mrr": _r(r.mrr)}
            for m, r in summary.ranking.items()
        },
        "cross_lingual": {m: _crossing(c) for m, c in summary.cross_lingual.items()},
        "answers": {
            "fact_recall": _r(summary.fact_recall),
            "fact_recall_min_language": _r(summary.fact_recall_min_language),
            "fact_recall_worst_language": summary.fact_recall_worst_language,
            "citation_precision": _r(summary.citation_precision),
            "part_coverage": _r(summary.part_coverage),
            "pair_agreement": _r(summary.pair_agreement),
            "generic_precision": _r(summary.generic_precision),
            "fragment_rate": _r(summary.fragment_rate),
            **_abstention(summary.abstention),
            "latency_p50_ms": _r(summary.latency_p50_ms),
            "latency_p95_ms": _r(summary.latency_p95_ms),
        },
        "min_evidence": run.min_evidence,
        "suggested_min_evidence": summary.suggested_min_evidence,
        "at_suggested_min_evidence": _abstention(summary.suggested_abstention),
        "by_language": {k: _group(g) for k, g in summary.by_language.items()},
        "by_category": {k: _group(g) for k, g in summary.by_category.items()},
        "thresholds": [
            {
                "metric": c.key,
                "op": c.op,
                "limit": c.limit,
                "value": _r(c.value),
                "status": c.status,
            }
            for c in summary.checks
        ],
        "passed": summary.passed,
        "warnings": run.warnings,
        "results": [_result(r) for r in run.results],
    }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _abstention(a: Abstention) -> dict[str, Any]:
    return {
        "abstention_precision": _r(a.precision),
        "abstention_recall": _r(a.recall),
        "abstention_f1": _r(a.f1),
        "abstention_counts": {"tp": a.tp, "fp": a.fp, "fn": a.fn, "tn": a.tn},
    }


def _crossing(c: CrossLingual) -> dict[str, Any]:
    return {
        "n": c.n,
        "hit_at_5": _r(c.hit_at_5),
        "min_hit_at_5": _r(c.min_hit_at_5),
        "worst_language": c.worst,
        "by_language": {lang: _r(v) for lang, v in c.by_language.items()},
    }


def _group(g: Group) -> dict[str, Any]:
    return {
        "n": g.n,
        "hit_at_5": {m: _r(v) for m, v in g.hit_at_5.items()},
        "fact_recall": _r(g.fact_recall),
        "abstention_accuracy": _r(g.abstention_accuracy),
    }


def _result(r: QuestionResult) -> dict[str, Any]:
    q = r.question
    return {
        "id": q.id,
        "question": q.question,
        "language": q.language,
        "category": q.category,
        "expected": q.expected,
        "ranks": {m: r.rank(m) for m in r.retrieved},
        "retrieved": r.retrieved,
        "should_abstain": q.abstain,
        "abstained": r.abstained,
        "evidence": _r(r.evidence),
        "facts": q.facts,
        "facts_found": r.found,
        "citations": [
            {"n": m.n, "sentence": m.sentence, "exists": m.exists, "supported": m.supported}
            for m in r.marks
        ],
        "latency_ms": round(r.latency_ms, 1),
        "answer": r.answer,
    }


def register(app: typer.Typer) -> None:
    app.command(name="eval")(evaluate)
