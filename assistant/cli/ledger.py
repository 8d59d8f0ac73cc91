"""``liaison ledger P``: the exchange balance with partner P, given and received (do ut des).

It reads the store's copy of the ledger only: no model, no vector store.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from assistant.cli.options import JsonOpt, StoreOpt

DateOpt = Annotated[
    str | None, typer.Option("--date", help="Count exchanges up to this ISO date (default today).")
]


def ledger(
    partner: Annotated[str, typer.Argument(help="Partner code, service or country name.")],
    date: DateOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The exchange balance with a partner: given, received, by quarter, the trend."""
    from assistant.cli.query import parse_date
    from assistant.cli.query import settings as load_settings
    from assistant.corpus.ledger import balance
    from assistant.errors import NotFound
    from assistant.index.manifest import load_manifest
    from assistant.index.snapshot import load_ledger_snapshot

    settings = load_settings(store)
    code = load_manifest(settings.store_location()).registry().require(partner)
    book = load_ledger_snapshot(settings.store_location())
    if book is None:
        raise NotFound(
            "the store has no exchange ledger",
            "add ledger.yaml to the corpus, then run: liaison ingest",
        )
    as_of = parse_date(date) if date else settings.rules_date()
    result = balance(book, code, as_of)
    if as_json:
        obj = result.as_dict() | {
            "exchanges": [e.model_dump(mode="json") for e in book.of(code) if e.date <= as_of]
        }
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        return
    show(result, book.of(code))


def show(result, rows) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    from assistant.cli.render import out, safe

    flag = {
        "takes": "[bold red]lopsided: the partner takes far more than it gives[/]",
        "gives": "[bold yellow]lopsided: the partner gives far more than it receives[/]",
    }.get(result.lopsided or "", "[green]balanced[/]")
    out.print(
        f"[bold]{result.partner}[/] as of {result.as_of}: given {result.given}, "
        f"received {result.received} — {flag}"
    )
    (g1, r1), (g0, r0) = result.last_year, result.year_before
    out.print(
        f"Last four quarters: given {g1}, received {r1}; the four before: given {g0}, "
        f"received {r0} ({safe(result.trend)})."
    )
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("date", "direction", "topic", "classification", "document"):
        table.add_column(column)
    for e in rows:
        if e.date <= result.as_of:
            table.add_row(
                e.date.isoformat(),
                e.direction.value,
                safe(e.topic),
                e.classification.value,
                safe(e.document or ""),
            )
    out.print()
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command()(ledger)
