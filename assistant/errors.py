"""One error hierarchy. The core raises these; the CLI prints one line, the UI a notification."""

from __future__ import annotations

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
