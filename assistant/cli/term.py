"""``liaison term TEXT [--to LANG]``: the termbase entry for a term, in one or every language;
and ``liaison termbase export|import`` for TBX exchange with terminologists' tools.

Both read the termbase only (the corpus file or the store's snapshot): no model, no Chroma.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli.options import CorpusOpt, JsonOpt, StoreOpt

if TYPE_CHECKING:
    from assistant.language.termbase import Lookup, Termbase

ToLangOpt = Annotated[
    str | None,
    typer.Option("--to", help="Only this language: a code (hu) or a name (Hungarian, magyar)."),
]

termbase_app = typer.Typer(
    name="termbase",
    help="Exchange the termbase with terminology tools (TBX-Basic, ISO 30042).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


def term(
    text: Annotated[
        str, typer.Argument(help="A term in any language (case, accents, typos tolerated).")
    ],
    to: ToLangOpt = None,
    store: StoreOpt = None,
    corpus: CorpusOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The termbase entry for a term: its definition and its terms in every language, or in
    the one asked for with --to."""
    from assistant.language.termbase import lookup_term

    result = lookup_term(_termbase(store, corpus), text, to)
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
        return
    show(result)


@termbase_app.command("export")
def export(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="TBX file to write (default: stdout).")
    ] = None,
    store: StoreOpt = None,
    corpus: CorpusOpt = None,
) -> None:
    """Write the termbase as TBX-Basic."""
    from assistant.language.tbx import export_tbx, write_tbx

    termbase = _termbase(store, corpus)
    if out is None or str(out) == "-":
        sys.stdout.write(export_tbx(termbase))
        return
    write_tbx(termbase, out)
    sys.stderr.write(f"liaison: {len(termbase)} concepts written to {out}\n")


@termbase_app.command("import")
def import_(
    source: Annotated[Path, typer.Argument(help="A TBX file (TBX-Basic v3, or v2 martif).")],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="termbase.yaml to write (default: stdout)."),
    ] = None,
) -> None:
    """Convert a TBX file into termbase.yaml (then run liaison ingest)."""
    from assistant.files import write_atomic
    from assistant.language.tbx import read_tbx

    result = read_tbx(source)
    for item in result.skipped:
        sys.stderr.write(f"liaison: skipped {item}\n")
    text = result.termbase.to_yaml()
    if out is None or str(out) == "-":
        sys.stdout.write(text)
        return
    write_atomic(out, text)
    sys.stderr.write(f"liaison: {len(result.termbase)} concepts written to {out}\n")


def _termbase(store: str | None, corpus: Path | None) -> Termbase:
    from assistant.cli.query import settings as load_settings
    from assistant.index.snapshot import open_termbase

    settings = load_settings(store)
    return open_termbase(settings.store_location(), corpus, settings.corpus_path())


def show(result: Lookup) -> None:
    """The entry for people: the concept and definition, then one row per language."""
    from rich.console import Console
    from rich.table import Table

    from assistant.cli.render import safe
    from assistant.language.names import language_name

    out = Console(highlight=False)
    concept = result.concept
    subject = f" · {concept.subject}" if concept.subject else ""
    out.print(f"[bold]{safe(concept.label)}[/] [dim]({safe(concept.id)}{safe(subject)})[/]")
    if not result.exact:
        matched = result.matched
        out.print(
            f"[dim]matched {safe(repr(matched.text))} ({matched.language}) "
            f"for {safe(repr(result.query))}[/]"
        )
    out.print(safe(concept.definition))
    table = Table(header_style="bold", box=None, pad_edge=False, expand=False)
    table.add_column("language")
    table.add_column("preferred term", style="bold")
    table.add_column("admitted", style="dim")
    languages = [result.language] if result.language else list(concept.terms)
    for lang in languages:
        texts = concept.terms.get(lang, ())
        preferred = safe(texts[0]) if texts else "[dim]no term yet[/]"
        table.add_row(f"{lang} {language_name(lang)}", preferred, safe(", ".join(texts[1:])))
    out.print()
    out.print(table)
    if result.alternatives:
        others = "; ".join(f"{c.id} ({t.text})" for c, t in result.alternatives)
        out.print(f"\n[dim]Also close: {safe(others)}[/]")


def register(app: typer.Typer) -> None:
    app.command()(term)
    app.add_typer(termbase_app, name="termbase")
