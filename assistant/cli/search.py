"""``liaison search QUERY [--audience P] [--k N]``: ranked passages."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli.options import (
    AudienceOpt,
    BatchOpt,
    JsonOpt,
    KindF,
    KOpt,
    PartnerF,
    StoreOpt,
    TopicF,
)


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
    from assistant.cli.query import open_assistant, single_or_batch

    assistant, filters = open_assistant(store, partner, kind, topic)

    def one(q: str) -> dict[str, object]:
        return render.search_dict(assistant.search(q, audience=audience, k=k, filters=filters))

    query = single_or_batch(query, "QUERY", batch, one)
    result = assistant.search(query, audience=audience, k=k, filters=filters)
    render.search_result(result, as_json=as_json)


def register(app: typer.Typer) -> None:
    app.command()(search)
