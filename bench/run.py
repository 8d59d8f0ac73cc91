"""``make bench``: liaison against the tutorial LangChain pipeline, in one run, alternating.

Every figure is the median of ``--repeat`` runs, each a new process as a user starts it, with
its own peak RSS. Results go to ``bench/results.json`` and ``bench/results.md``: the table of
both pipelines with their ratios and the targets of the speed issue, and how each cost grows
with the corpus (a log-log slope between sizes). ``--smoke`` is the tiny run CI makes to prove
the bench works: the shipped corpus only, one repeat, and the naive pipeline only if its
environment exists.

    python -m bench.run [--sizes shipped,1k,10k] [--repeat 3] [--naive bench/.naive/bin/python]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import synth
from bench.measure import Figure, first_paint, folder_mb, run
from bench.report import write_report

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"shipped": 0, "1k": 1_000, "10k": 10_000, "100k": 100_000}
LIAISON = str(Path(sys.executable).parent / "liaison")
NAIVE_SCRIPT = str(ROOT / "bench" / "naive.py")
READY = "Ask a question"


@dataclass
class Bench:
    work: Path
    repeat: int
    naive: str | None
    results: dict[str, Any] = field(default_factory=dict)

    def env(self, store: Path) -> dict[str, str]:
        # One home for every liaison run: the model's ONNX export is made once, as on a
        # user's machine; every ingest still starts from an empty store.
        return {
            **os.environ,
            "LIAISON_HOME": str(self.work / "home"),
            "LIAISON_STORE": str(store),
            "LIAISON_AUDIT__ENABLED": "true",
        }

    def liaison(self, store: Path, *args: str, ok: tuple[int, ...] = (0,)) -> Any:
        return run([LIAISON, *args], self.env(store), ok=ok)

    def naive_run(self, *args: str) -> Any:
        assert self.naive is not None
        return run([self.naive, NAIVE_SCRIPT, *args], dict(os.environ))


def questions(limit: int = 60) -> list[dict[str, Any]]:
    """English questions of the evaluation set that name the documents answering them."""
    import yaml

    data = yaml.safe_load((ROOT / "tests" / "eval" / "questions.yaml").read_text("utf-8"))
    items = data["questions"] if isinstance(data, dict) else data
    chosen = [q for q in items if q.get("language", "en") == "en" and q.get("expected")]
    return chosen[:limit]


def measure_size(bench: Bench, name: str, chunks: int, asked: list[dict[str, Any]]) -> None:
    corpus = synth.build(bench.work / f"corpus-{name}", chunks)
    qfile = bench.work / "questions.txt"
    qfile.write_text("\n".join(q["question"] for q in asked) + "\n", "utf-8")
    out: dict[str, Any] = {"corpus_mb": round(folder_mb(corpus), 2)}
    # Full ingest, alternating; the last stores are kept for the query figures.
    ingest, naive_ingest = Figure(), Figure()
    for i in range(bench.repeat):
        store = bench.work / f"store-{name}-{i}"
        shutil.rmtree(store, ignore_errors=True)
        ingest.runs.append(bench.liaison(store, "ingest", str(corpus), "--json", ok=(0, 2)))
        if bench.naive:
            nstore = bench.work / f"naive-{name}-{i}"
            shutil.rmtree(nstore, ignore_errors=True)
            naive_ingest.runs.append(bench.naive_run("ingest", str(corpus), str(nstore)))
    report = json.loads(ingest.runs[-1].stdout)
    out["chunks"] = report["chunks"]
    out["naive_chunks"] = int(naive_ingest.runs[-1].stdout) if naive_ingest.runs else None
    out["ingest"] = ingest.as_dict()
    out["naive_ingest"] = naive_ingest.as_dict() if naive_ingest.runs else None
    store = bench.work / f"store-{name}-{bench.repeat - 1}"
    nstore = bench.work / f"naive-{name}-{bench.repeat - 1}"
    unchanged = Figure([bench.liaison(store, "ingest", str(corpus)) for _ in range(bench.repeat)])
    out["unchanged_ingest"] = unchanged.as_dict()
    # Cold one-shot commands, a new process each, alternating with the naive cold query.
    ask, search, naive_search = Figure(), Figure(), Figure()
    for i in range(bench.repeat):
        question = asked[i % len(asked)]["question"]
        ask.runs.append(bench.liaison(store, "ask", question, "--json"))
        search.runs.append(bench.liaison(store, "search", question, "--json"))
        if bench.naive:
            naive_search.runs.append(bench.naive_run("search", str(nstore), question))
    out["cold_ask"], out["cold_search"] = ask.as_dict(), search.as_dict()
    out["naive_cold_search"] = naive_search.as_dict() if naive_search.runs else None
    # Batches of searches in one process, and the hit@5 each pipeline gets on them.
    batch, naive_batch = Figure(), Figure()
    for _ in range(bench.repeat):
        batch.runs.append(bench.liaison(store, "search", "--batch", str(qfile), "--json"))
        if bench.naive:
            naive_batch.runs.append(bench.naive_run("batch", str(nstore), str(qfile)))
    out["batch"] = {**batch.as_dict(), "queries": len(asked)}
    out["naive_batch"] = naive_batch.as_dict() if naive_batch.runs else None
    out["hit_at_5"] = _hit_rate(asked, _liaison_sources(batch.runs[-1].stdout))
    if naive_batch.runs:
        ids = synth.source_ids(corpus)
        found = [
            [ids.get(Path(s).resolve(), "") for s in json.loads(line)]
            for line in naive_batch.runs[-1].stdout.splitlines()
        ]
        out["naive_hit_at_5"] = _hit_rate(asked, found)
    # Warm latency: one process, model loaded, every question end to end.
    warm = run([sys.executable, "-m", "bench.warm", str(store), str(qfile)], bench.env(store))
    times = json.loads(warm.stdout)
    out["warm_search"] = _percentiles(times["search"])
    out["warm_ask"] = _percentiles(times["ask"])
    if bench.naive:
        naive_warm = json.loads(bench.naive_run("warm", str(nstore), str(qfile)).stdout)
        out["naive_warm_search"] = _percentiles(naive_warm["search"])
    bench.results["sizes"][name] = out
    print(f"bench: {name}: {json.dumps(_headline(out))}", flush=True)


def _liaison_sources(stdout: str) -> list[list[str]]:
    return [[h["doc_id"] for h in json.loads(line)["hits"]] for line in stdout.splitlines()]


def _hit_rate(asked: list[dict[str, Any]], found: list[list[str]]) -> float:
    hits = sum(bool(set(q["expected"]) & set(f[:5])) for q, f in zip(asked, found, strict=True))
    return round(hits / len(asked), 3)


def _percentiles(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 1), "p95_ms": round(p95 * 1000, 1)}


def _headline(out: dict[str, Any]) -> dict[str, Any]:
    return {k: out[k]["seconds"] for k in ("ingest", "cold_ask", "batch") if out.get(k)}


def measure_first_paint(bench: Bench) -> None:
    store = bench.work / "store-shipped-0"
    if not store.exists():
        return
    paint = Figure(
        [first_paint([LIAISON, "chat"], bench.env(store), READY) for _ in range(bench.repeat)]
    )
    bench.results["first_paint"] = paint.as_dict()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="shipped,1k,10k")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive", default=str(ROOT / "bench" / ".naive" / "bin" / "python"))
    parser.add_argument("--out", default=str(ROOT / "bench"))
    parser.add_argument("--work", default=None, help="scratch folder (default: a temp one)")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    sizes = ["shipped"] if args.smoke else args.sizes.split(",")
    repeat = 1 if args.smoke else args.repeat
    naive = args.naive if Path(args.naive).exists() else None
    work = Path(args.work or tempfile.mkdtemp(prefix="liaison-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(work, repeat, naive)
    bench.results = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "repeat": repeat,
        "naive": bool(naive),
        "sizes": {},
    }
    if naive is None:
        print(f"bench: no naive pipeline at {args.naive}; liaison only", file=sys.stderr)
    asked = questions(12 if args.smoke else 60)
    for name in sizes:
        measure_size(bench, name, SIZES[name], asked)
    measure_first_paint(bench)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(bench.results, indent=1) + "\n", "utf-8")
    table = write_report(bench.results, out / "results.md")
    print(table)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
