"""The ``liaison`` command line: parses arguments, calls the core, prints. Nothing else.

Exit codes (SPEC section 4): 0 success, 1 runtime failure, 2 bad input.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from typer.core import TyperGroup

from assistant.errors import EXIT_BAD_INPUT, EXIT_RUNTIME, LiaisonError

if TYPE_CHECKING:
    from assistant.retrieval.hybrid import Filters
    from assistant.service import Assistant


class _Group(TyperGroup):
    """Turns our errors into one line on stderr and SPEC's exit code, for every command."""

    def invoke(self, ctx: typer.Context) -> object:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except LiaisonError as exc:
            typer.echo(f"liaison: {exc.one_line()}", err=True)
            ctx.exit(exc.exit_code)


app = typer.Typer(
    cls=_Group,
    name="liaison",
    help="Offline assistant for liaison officers: cited answers, release-safe by construction.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

StoreOpt = Annotated[
    str | None,
    typer.Option("--store", envvar="LIAISON_STORE", help="Store folder or http://host:port."),
]
CorpusOpt = Annotated[
    Path | None, typer.Option("--corpus", help="Corpus folder (default: the shipped corpus).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AudienceOpt = Annotated[
    str | None,
    typer.Option("--audience", "-a", help="Partner code or name the answer is for."),
]
KOpt = Annotated[int | None, typer.Option("--k", min=1, max=50, help="Number of passages.")]
BatchOpt = Annotated[
    str | None,
    typer.Option("--batch", help="File with one query a line ('-' = stdin); JSON lines out."),
]
PartnerF = Annotated[str | None, typer.Option("--partner", help="Only documents about P.")]
KindF = Annotated[str | None, typer.Option("--kind", help="Only documents of this kind.")]
TopicF = Annotated[str | None, typer.Option("--topic", help="Only documents with this topic.")]


def main() -> None:
    """Console entry point: run the app and turn our errors into one line and an exit code."""
    from assistant.offline import go_offline

    go_offline()
    try:
        app()
    except LiaisonError as exc:
        _fail(exc.one_line(), exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", EXIT_RUNTIME)


def _fail(message: str, code: int) -> NoReturn:
    sys.stderr.write(f"liaison: {message}\n")
    raise SystemExit(code)


def _settings(store: str | None, corpus: Path | None = None):  # type: ignore[no-untyped-def]
    from assistant.config import load_settings

    return load_settings(store=store, corpus=corpus)


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Corpus folders or files.")] = None,
    store: StoreOpt = None,
    corpus: CorpusOpt = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Re-embed everything.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Sync the corpus into the store (incremental: unchanged documents are skipped)."""
    from assistant.cli import render
    from assistant.index.sync import sync

    settings = _settings(store, corpus)
    with render.ingest_progress(enabled=not as_json) as progress:
        report = sync(settings, paths or None, rebuild=rebuild, progress=progress)
    render.ingest_report(report, as_json=as_json)
    if report.rejected:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def search(
    query: Annotated[str | None, typer.Argument(help="What to look for.")] = None,
    audience: AudienceOpt = None,
    k: KOpt = None,
    partner: PartnerF = None,
    kind: KindF = None,
    topic: TopicF = None,
    batch: BatchOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ranked passages for a query."""
    from assistant.cli import render

    assistant, filters = _open(store, partner, kind, topic)

    def one(q: str) -> dict[str, object]:
        return render.search_dict(assistant.search(q, audience=audience, k=k, filters=filters))

    query = _single_or_batch(query, "QUERY", batch, one)
    result = assistant.search(query, audience=audience, k=k, filters=filters)
    render.search_result(result, as_json=as_json)


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="The question.")] = None,
    audience: AudienceOpt = None,
    k: KOpt = None,
    partner: PartnerF = None,
    kind: KindF = None,
    topic: TopicF = None,
    batch: BatchOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A cited answer, or an abstention with the closest sources."""
    from assistant.cli import render

    assistant, filters = _open(store, partner, kind, topic)

    def one(q: str) -> dict[str, object]:
        return assistant.ask(q, audience=audience, k=k, filters=filters).as_dict()

    question = _single_or_batch(question, "QUESTION", batch, one)
    if as_json:
        render.answer(
            assistant.ask(question, audience=audience, k=k, filters=filters), as_json=True
        )
        return
    events = assistant.ask_stream(question, audience=audience, k=k, filters=filters)
    render.answer(render.follow_stream(events), as_json=False)


@app.command()
def status(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """What the store holds: documents, chunks, corpus path, model, last sync."""
    from assistant.cli import render
    from assistant.index.manifest import load_manifest

    settings = _settings(store)
    manifest = load_manifest(settings.store_location())
    render.status(settings, manifest, as_json=as_json)


@app.command()
def chat(
    store: StoreOpt = None,
    audience: AudienceOpt = None,
) -> None:
    """Open the terminal UI."""
    from assistant.tui.app import make_app

    make_app(_settings(store), audience=audience).run()


def _open(
    store: str | None, partner: str | None, kind: str | None, topic: str | None
) -> tuple[Assistant, Filters]:
    """The assistant and the search filters shared by ``search`` and ``ask``."""
    from assistant.retrieval.hybrid import Filters
    from assistant.service import make_assistant

    return make_assistant(_settings(store)), Filters(partner=partner, kind=kind, topic=topic)


def _single_or_batch(
    text: str | None, name: str, batch: str | None, one: Callable[[str], dict[str, object]]
) -> str:
    """With ``--batch``, run ``one`` per line and exit; otherwise the single query, required."""
    from assistant.cli import render
    from assistant.errors import BadInput

    if batch is not None:
        raise typer.Exit(render.run_batch(batch, one))
    if text is None:
        raise BadInput(f"missing argument {name}", "or give --batch FILE")
    return text


# Commands kept in their own modules register themselves on import (after ``app`` exists).
from assistant.cli import check as _check  # noqa: E402, F401
from assistant.cli import eval as _eval  # noqa: E402, F401
from assistant.cli import term as _term  # noqa: E402, F401
