"""``liaison brief P [--topics a,b] [--date D] [--out FILE] [--format md|html|json]``: the
brief an officer takes into a meeting with partner P, the release rules applied as of D."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from assistant.cli.options import StoreOpt

Format = Literal["md", "html", "json"]
TopicsOpt = Annotated[
    str | None,
    typer.Option("--topics", help="Comma-separated topics (default: the partner's own topics)."),
]
DateOpt = Annotated[
    str | None,
    typer.Option("--date", help="The meeting date (ISO); the release rules apply as of it."),
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", help="Write the brief to FILE (format from its suffix).")
]
FormatOpt = Annotated[str | None, typer.Option("--format", help="md (default), html or json.")]
_SUFFIX = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}


def brief(
    partner: Annotated[str, typer.Argument(help="Partner code, service or country name.")],
    topics: TopicsOpt = None,
    date: DateOpt = None,
    out: OutOpt = None,
    fmt: FormatOpt = None,
    store: StoreOpt = None,
) -> None:
    """A meeting brief: the partner at a glance, etiquette, language plan, what may be shared,
    what needs consent, reciprocity and talking points, each paragraph marked, the banner
    computed."""
    from assistant.brief.html import to_html
    from assistant.brief.markdown import to_markdown
    from assistant.cli.query import parse_date, settings
    from assistant.cli.render import emit_json, notice
    from assistant.files import write_atomic
    from assistant.service import make_assistant

    chosen = _format(fmt, out)
    assistant = make_assistant(settings(store))
    built = assistant.brief(
        partner,
        topics=[t for t in (topics or "").split(",") if t.strip()],
        meeting=parse_date(date) if date else None,
        fmt=chosen,
    )
    if chosen == "json":
        if out is None:
            emit_json(built.as_dict())
            return
        import json

        text = json.dumps(built.as_dict(), ensure_ascii=False, indent=1) + "\n"
    else:
        text = to_html(built) if chosen == "html" else to_markdown(built)
    if out is None:
        sys.stdout.write(text)
        return
    write_atomic(out, text)
    notice(f"wrote the {chosen} brief for {built.partner.code} to {out} ({built.banner_line})")


def _format(given: str | None, out: Path | None) -> Format:
    from assistant.errors import BadInput

    if given is None:
        return _SUFFIX.get(out.suffix.lower(), "md") if out is not None else "md"  # type: ignore[return-value]
    value = given.strip().lower()
    if value not in ("md", "html", "json"):
        raise BadInput(f"unknown brief format {given!r}", "use md, html or json")
    return value  # type: ignore[return-value]


def register(app: typer.Typer) -> None:
    app.command(name="brief")(brief)
