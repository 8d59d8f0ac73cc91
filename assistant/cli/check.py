"""``liaison check DOC_ID --to P``: the release decision for a document and each of its portions.

It reads the manifest only, never the model or the vector store, so it answers at once.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli.options import JsonOpt, StoreOpt

if TYPE_CHECKING:
    from assistant.policy.checks import DocumentCheck

ToOpt = Annotated[
    str,
    typer.Option(
        "--to", help="The recipient: partner code, service or country name (e.g. XBO, Borealia)."
    ),
]

_STYLE = {"ALLOW": "bold green", "NEEDS_CONSENT": "bold yellow", "DENY": "bold red"}
_LABEL = {"ALLOW": "ALLOW", "NEEDS_CONSENT": "NEEDS CONSENT", "DENY": "DENY"}


def check(
    doc_id: Annotated[str, typer.Argument(help="The document id, as shown with every hit.")],
    to: ToOpt,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The release decision for a document and each of its portions (DENY > NEEDS_CONSENT >
    ALLOW)."""
    from assistant.audit.entries import for_check
    from assistant.audit.factory import open_audit
    from assistant.cli.query import settings as load_settings
    from assistant.index.manifest import load_manifest
    from assistant.policy.checks import check_document

    settings = load_settings(store)
    manifest = load_manifest(settings.store_location())
    result = check_document(
        manifest, doc_id, to, settings.rules_date(), clearance=settings.clearance
    )
    audit = open_audit(settings)
    if audit is not None:
        audit.append(for_check(result, settings.clearance.value))
    if result.hint:
        sys.stderr.write(f"liaison: hint: {result.hint}\n")
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
        return
    show(result)


def show(result: DocumentCheck) -> None:
    """The check for people: the verdict first, then the reason, the consent route, the portions."""
    from rich.console import Console
    from rich.table import Table

    from assistant.cli.render import safe

    out = Console(highlight=False)
    outcome = result.outcome.value
    out.print(f"[bold]{safe(result.title)}[/] [dim]({safe(result.doc_id)})[/]")
    out.print(f"[{_STYLE[outcome]}]{_LABEL[outcome]}:[/] {safe(result.verdict())}")
    out.print(f"[dim]Why (rule {result.decision.rule}):[/] {safe(result.decision.reason)}")
    if result.ask:
        name = f" ({result.originator_name})" if result.originator_name else ""
        out.print(
            f"[bold]Ask the originator[/] {safe(result.ask + name)} through the liaison "
            "channel; the steps are in requesting-originator-consent."
        )
    if result.consents:
        shown = "; ".join(c.describe() for c in result.consents)
        out.print(f"[dim]Consents on record:[/] {safe(shown)}")
    table = Table(header_style="bold", box=None, pad_edge=False, expand=False)
    table.add_column("portion")
    table.add_column("handling", style="cyan")
    table.add_column("decision")
    table.add_column("rule", style="dim")
    table.add_column("reason")
    said = result.decision.reason
    for portion in result.portions:
        value = portion.decision.outcome.value
        # The reason that decided the document is printed above; repeating it on every row
        # would bury the rows that differ.
        reason = "[dim]as above[/]" if said.endswith(portion.reason) else safe(portion.reason)
        table.add_row(
            safe(portion.section),
            safe(portion.handling.banner()),
            f"[{_STYLE[value]}]{_LABEL[value]}[/]",
            portion.decision.rule,
            reason,
        )
    out.print()
    out.print(table)
    out.print(f"[dim]Rules applied on {result.today.isoformat()}.[/]")


def register(app: typer.Typer) -> None:
    app.command()(check)
