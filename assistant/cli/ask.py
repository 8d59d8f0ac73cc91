"""``liaison ask QUESTION [--audience P] [--k N]``: a cited answer, or an abstention."""

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
    from assistant.cli.query import open_assistant, single_or_batch

    assistant, filters = open_assistant(store, partner, kind, topic)

    def one(q: str) -> dict[str, object]:
        return assistant.ask(q, audience=audience, k=k, filters=filters).as_dict()

    question = single_or_batch(question, "QUESTION", batch, one)
    if as_json:
        render.answer(
            assistant.ask(question, audience=audience, k=k, filters=filters), as_json=True
        )
        return
    events = assistant.ask_stream(question, audience=audience, k=k, filters=filters)
    render.answer(render.follow_stream(events), as_json=False)


def register(app: typer.Typer) -> None:
    app.command()(ask)
