"""One error hierarchy. The core raises these; the CLI prints one line, the UI a notification."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_BAD_INPUT = 2


class LiaisonError(Exception):
    """Base of every error a user may see. ``hint`` says what to do about it."""

    exit_code = EXIT_RUNTIME
    title = "Error"

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class BadInput(LiaisonError):
    """An argument, value or file the user gave is invalid (exit 2)."""

    exit_code = EXIT_BAD_INPUT
    title = "Bad input"


class NotFound(BadInput):
    """A document, partner or term that was asked for is not there (exit 2)."""

    title = "Not found"


class ConfigError(BadInput):
    title = "Configuration"


class StoreError(LiaisonError):
    """The vector store could not be opened, read or written."""

    title = "Store"


class ModelError(LiaisonError):
    """The embedding model could not be loaded."""

    title = "Model"


class BackendError(LiaisonError):
    """An optional language-model backend failed or is unreachable."""

    title = "Language model"


@dataclass(frozen=True)
class Invalid:
    """The first problem of a pydantic ``ValidationError``, worded for a user.

    ``loc`` is the path to the bad value (``("handling", "tlp")``), ``where`` the same joined
    with dots, and ``message`` the reason without pydantic's "Value error, " prefix; an
    unknown key reads "unknown field" and a missing one "required field is missing"."""

    loc: tuple[str | int, ...]
    message: str
    kind: str

    @property
    def where(self) -> str:
        return ".".join(str(p) for p in self.loc)

    @property
    def keys(self) -> list[str]:
        """The mapping keys of ``loc`` (list positions left out), to find the line in a file."""
        return [str(p) for p in self.loc if not isinstance(p, int)]


def invalid(exc: ValidationError) -> Invalid:
    """The first error of ``exc``, as :class:`Invalid`."""
    first = exc.errors()[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown field"
    elif first["type"] == "missing":
        message = "required field is missing"
    loc = tuple(p for p in first["loc"] if isinstance(p, str | int))
    return Invalid(loc, message, str(first["type"]))
