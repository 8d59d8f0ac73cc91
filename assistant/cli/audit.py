"""``liaison audit verify | path | head | show``: the audit log, for the officer and the auditor.

``verify`` exits 1 when the chain or a head is broken, naming the first broken line. Nothing
here loads the model or opens the store.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated, Any

import typer

from assistant.cli.options import AudienceOpt, JsonOpt, StoreOpt
from assistant.errors import EXIT_RUNTIME, BadInput

audit_app = typer.Typer(
    name="audit",
    help="The tamper-evident audit log: verify its chain, print its head, list its entries.",
    no_args_is_help=True,
    add_completion=False,
)

SinceOpt = Annotated[
    str | None, typer.Option("--since", help="Only entries on or after this ISO date.")
]
UserOpt = Annotated[str | None, typer.Option("--user", help="Only entries of this OS user.")]


def _log(store: str | None):  # type: ignore[no-untyped-def]
    from assistant.audit.factory import open_audit
    from assistant.cli.query import settings

    log = open_audit(settings(store), even_if_off=True)
    assert log is not None
    return log


@audit_app.command("verify")
def verify(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Check the hash chain and the head (beside the log and in the store); exit 1 if broken."""
    log = _log(store)
    verdict = log.verify()
    if as_json:
        sys.stdout.write(
            json.dumps(
                {
                    "ok": verdict.ok,
                    "lines": verdict.lines,
                    "last": verdict.last,
                    "broken_at": verdict.broken_at,
                    "reason": verdict.reason or None,
                    "path": str(log.path),
                }
            )
            + "\n"
        )
    else:
        stream = sys.stdout if verdict.ok else sys.stderr
        stream.write(f"liaison: {verdict.describe()} ({log.path})\n")
    if not verdict.ok:
        raise typer.Exit(EXIT_RUNTIME)


@audit_app.command("path")
def path(store: StoreOpt = None) -> None:
    """Where the audit log lives."""
    sys.stdout.write(f"{_log(store).path}\n")


@audit_app.command("head")
def head(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """The head (line count and last hash), for an auditor to note down and compare later."""
    recorded = _log(store).read_head()
    if as_json:
        sys.stdout.write(recorded.model_dump_json() + "\n")
    else:
        sys.stdout.write(f"{recorded.lines} {recorded.last}\n")


@audit_app.command("show")
def show(
    since: SinceOpt = None,
    user: UserOpt = None,
    audience: AudienceOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List entries, oldest first, filtered by date, user and audience."""
    start = _date(since)
    wanted_audience = audience.strip().upper() if audience else None
    rows = [
        e
        for e in _log(store).entries()
        if (start is None or str(e.get("time", ""))[:10] >= start.isoformat())
        and (user is None or e.get("user") == user)
        and (wanted_audience is None or e.get("audience") == wanted_audience)
    ]
    if as_json:
        for entry in rows:
            sys.stdout.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return
    _table(rows)


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"invalid --since {value!r}", "use an ISO date, e.g. 2026-11-30") from None


def _table(rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from assistant.text import printable

    console = Console(highlight=False)
    if not rows:
        console.print("No audit entries match.")
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("time (UTC)", no_wrap=True)
    for column in ("user", "command", "audience", "what", "shown", "decisions"):
        table.add_column(column)
    for e in rows:
        decisions = ", ".join(
            f"{d.get('decision')} {d.get('rule')}" for d in e.get("decisions", [])[:3]
        )
        table.add_row(
            escape(str(e.get("time", ""))[:16].replace("T", " ")),
            escape(printable(f"{e.get('user')}@{e.get('host')}")),
            escape(str(e.get("command"))),
            escape(str(e.get("audience") or "-")),
            escape(printable(str(e.get("question") or "")[:60])),
            str(len(e.get("chunks", []))),
            escape(decisions),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
