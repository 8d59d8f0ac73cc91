"""``liaison doctor``: check store, manifest, model, corpus, audit log, lock and config."""

from __future__ import annotations

import sys

import typer

from assistant.cli.options import CorpusOpt, JsonOpt, StoreOpt
from assistant.errors import EXIT_RUNTIME

_STYLE = {"ok": "green", "warn": "yellow", "fail": "bold red"}


def doctor(store: StoreOpt = None, corpus: CorpusOpt = None, as_json: JsonOpt = False) -> None:
    """Check everything liaison needs; print ok, warn or fail with what to do; exit 1 on fail."""
    from assistant.cli.render import out, safe
    from assistant.doctor import Status, diagnose, report_json

    findings = diagnose(store, corpus)
    if as_json:
        sys.stdout.write(report_json(findings) + "\n")
    else:
        for f in findings:
            line = (
                f"[{_STYLE[f.status.value]}]{f.status.value:>4}[/]  {f.name:<12} {safe(f.detail)}"
            )
            out.print(line)
            if f.fix:
                out.print(f"{'':18}[dim]→ {safe(f.fix)}[/]")
    if any(f.status is Status.FAIL for f in findings):
        raise typer.Exit(EXIT_RUNTIME)


def register(app: typer.Typer) -> None:
    app.command()(doctor)
