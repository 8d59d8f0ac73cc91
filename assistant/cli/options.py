"""Options shared by several commands, declared once (SPEC section 4 names them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
