"""The ``liaison`` command line: parses arguments, calls the core, prints. Nothing else.

Every command lives in a module of its own with a ``register(app)`` function; :func:`build`
registers them here explicitly, so no command module imports this one.

Exit codes (SPEC section 4): 0 success, 1 runtime failure, 2 bad input.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import typer
from typer.core import TyperGroup

from assistant.cli import (
    ask,
    audit,
    brief,
    chat,
    check,
    doctor,
    ingest,
    ledger,
    onboard,
    search,
    status,
    term,
)
from assistant.cli import eval as eval_command
from assistant.errors import EXIT_RUNTIME, LiaisonError

COMMANDS = (
    ingest, search, ask, check, brief, onboard, term, ledger, status, chat, eval_command, audit,
    doctor,
)  # fmt: skip


class _Group(TyperGroup):
    """Turns our errors into one line on stderr and SPEC's exit code, for every command."""

    def invoke(self, ctx: typer.Context) -> object:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except LiaisonError as exc:
            typer.echo(f"liaison: {exc.one_line()}", err=True)
            ctx.exit(exc.exit_code)


def build() -> typer.Typer:
    """The ``liaison`` app with every command registered."""
    cli = typer.Typer(
        cls=_Group,
        name="liaison",
        help="Offline assistant for liaison officers: cited answers, release-safe by construction.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    for module in COMMANDS:
        module.register(cli)
    return cli


app = build()


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
