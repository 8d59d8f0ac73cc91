"""How the CLI presents core results: Rich for people, JSON for programs (SPEC section 4).

The core returns data; only this module and the UI decide how it looks.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assistant.answer.types import Answer, AnswerEvent, DoneEvent, TokenEvent
from assistant.config import Settings
from assistant.errors import EXIT_BAD_INPUT, EXIT_OK, BadInput, LiaisonError
from assistant.index.manifest import Manifest
from assistant.index.sync import Progress, SyncReport
from assistant.limits import MAX_BATCH, MAX_QUESTION
from assistant.retrieval.types import Hit, SearchResult
from assistant.text import printable

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)


def safe(text: str) -> str:
    """Document text for Rich: control and bidi characters shown escaped, markup escaped."""
    return escape(printable(text))


def notice(text: str) -> None:
    """One line for the user on stderr, beside the results (never mixed into JSON)."""
    err.print(f"[yellow]liaison:[/] {safe(text)}")


def emit_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


@contextmanager
def ingest_progress(enabled: bool = True) -> Iterator[Progress | None]:
    """A progress bar on stderr while documents are embedded; silent when nothing changes."""
    if not enabled or not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
    from rich.progress import Progress as Bar

    bar = Bar(
        TextColumn("[bold]ingest[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
    )
    task = None

    def update(stage: str, done: int, total: int) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task("loading model", total=total)
        bar.update(task, completed=done, description=safe(stage))

    try:
        yield update
    finally:
        bar.stop()


def ingest_report(report: SyncReport, *, as_json: bool) -> None:
    if as_json:
        emit_json(report.as_dict())
        return
    for warning in report.warnings:
        err.print(f"[yellow]warning[/] {safe(str(warning))}")
    for problem in report.rejected:
        err.print(f"[red]rejected[/] {safe(str(problem))}")
    out.print(
        f"{report.documents} documents, {report.chunks} chunks in store "
        f"({report.added} added, {report.updated} updated, {report.removed} removed, "
        f"{report.unchanged} unchanged"
        + (f", {len(report.rejected)} rejected" if report.rejected else "")
        + ")"
    )


def _handling_label(hit: Hit) -> str:
    return hit.handling.banner()


def search_dict(result: SearchResult) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "query": result.query,
        "audience": result.audience,
        "hits": [hit.as_dict() for hit in result.hits],
    }
    if result.withheld:
        obj["withheld"] = [w.as_dict() for w in result.withheld]
    if result.notice:
        obj["notice"] = result.notice
    return obj


def search_result(result: SearchResult, *, as_json: bool) -> None:
    if as_json:
        emit_json(search_dict(result))
        return
    if result.notice:
        err.print(f"[yellow]{safe(result.notice)}[/]")
    if not result.hits:
        out.print(
            "No passage matches" + (f" for audience {result.audience}." if result.audience else ".")
        )
    for i, hit in enumerate(result.hits, start=1):
        out.print(
            f"[bold]{i}. {safe(hit.title)}[/] [dim]› {safe(hit.section)}[/]  "
            f"[cyan]{safe(_handling_label(hit))}[/]  [dim]as of {hit.reviewed} · "
            f"{safe(str(hit.meta.get('source', '')))} · score {hit.score:.3f}[/]"
        )
        out.print("   " + safe(_clip(hit.text, 400)))
    _withheld(result.withheld)


def answer(ans: Answer, *, as_json: bool) -> None:
    if as_json:
        emit_json(ans.as_dict())
        return
    if ans.notice:
        err.print(f"[yellow]{safe(ans.notice)}[/]")
    header = f"[dim]for audience {ans.audience}[/]\n" if ans.audience else ""
    out.print(header + safe(ans.text))
    if ans.citations:
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("#", justify="right")
        table.add_column("source")
        table.add_column("handling", style="cyan")
        table.add_column("as of")
        for n, hit in enumerate(ans.citations, start=1):
            where = f"{hit.title} › {hit.section}" if hit.section else hit.title
            table.add_row(f"[{n}]", safe(where), safe(_handling_label(hit)), hit.reviewed)
        out.print()
        out.print(table)
    _withheld(ans.withheld)


def follow_stream(events: Iterable[AnswerEvent]) -> Answer:
    """Show a language model's draft as it streams (dim, transient), return the final answer,
    which replaces the draft: only the post-checked, cited text stays on screen."""
    from rich.live import Live
    from rich.text import Text

    draft = Text(style="dim")
    final: Answer | None = None
    with Live(draft, console=err, transient=True, auto_refresh=False) as live:
        for event in events:
            if isinstance(event, DoneEvent):
                final = event.answer
            elif isinstance(event, TokenEvent) and err.is_terminal:
                draft.append(event.text)
                live.refresh()
    if final is None:
        raise LiaisonError("the answerer finished without an answer")
    return final


def _withheld(items: list[Any]) -> None:
    if not items:
        return
    out.print("\n[bold yellow]Withheld, consent needed[/] (named, not quoted):")
    for w in items:
        out.print(f"  - {safe(w.title)} [dim]({w.doc_id}, originator {w.originator})[/]")


def status(settings: Settings, manifest: Manifest, *, as_json: bool) -> None:
    obj = {
        "documents": len(manifest.documents),
        "chunks": manifest.chunk_count,
        "store": settings.store_location(),
        "corpus": manifest.roots,
        "model": manifest.signature.get("model", settings.model),
        "last_sync": manifest.last_sync.isoformat() if manifest.last_sync else None,
        "partners": sorted(manifest.partners),
        "clearance": settings.clearance.value,
    }
    if as_json:
        emit_json(obj)
        return
    if not manifest.documents:
        out.print(f"The store at {obj['store']} is empty. Run: liaison ingest")
        return
    for key, value in obj.items():
        shown = ", ".join(value) if isinstance(value, list) else value
        out.print(f"[bold]{key:>10}[/] {safe(str(shown))}")


def run_batch(source: str, one: Callable[[str], dict[str, Any]]) -> int:
    """One query a line in, one JSON object a line out. A bad line (not UTF-8, too long, or
    refused by ``one``) is reported in place (``{"query": ..., "error": ...}``) and the rest
    still run; the exit code is 2 if any was bad. At most :data:`MAX_BATCH` queries are run."""
    try:
        stream = sys.stdin.buffer if source == "-" else Path(source).open("rb")  # noqa: SIM115
    except OSError as exc:
        raise LiaisonError(f"cannot read batch file {source}: {exc.strerror}") from None
    code = EXIT_OK
    count = 0
    with stream:
        for number, raw in enumerate(_lines(stream), start=1):
            query, problem = _batch_line(raw, number)
            if not query and not problem:
                continue
            count += 1
            if count > MAX_BATCH:
                emit_json({"error": f"batch too large: only the first {MAX_BATCH:,} queries run"})
                return EXIT_BAD_INPUT
            try:
                if problem:
                    raise BadInput(problem)
                emit_json(one(query))
            except LiaisonError as exc:
                if exc.exit_code != EXIT_BAD_INPUT:
                    raise
                emit_json({"query": query, "error": exc.one_line()})
                code = EXIT_BAD_INPUT
    return code


_LONGEST = MAX_QUESTION * 4 + 2
"""Bytes read of one batch line at the most (UTF-8 takes up to four a character)."""


def _lines(stream: Any) -> Iterator[bytes]:
    """The lines of a byte stream, each cut at :data:`_LONGEST` bytes (the rest of an overlong
    line is read and dropped, never held whole)."""
    while True:
        line = stream.readline(_LONGEST)
        if not line:
            return
        if len(line) == _LONGEST and not line.endswith(b"\n"):
            while True:  # drain the rest of the line
                rest = stream.readline(_LONGEST)
                if not rest or rest.endswith(b"\n"):
                    break
            yield line + b"\0overlong"
            continue
        yield line


def _batch_line(raw: bytes, number: int) -> tuple[str, str | None]:
    """(the query, or a reason it is refused) for one batch line."""
    if raw.endswith(b"\0overlong"):
        return "", f"batch line {number} is too long (over {MAX_QUESTION} characters)"
    try:
        return raw.decode("utf-8").strip(), None
    except UnicodeDecodeError:
        return "", f"batch line {number} is not UTF-8 text"


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
