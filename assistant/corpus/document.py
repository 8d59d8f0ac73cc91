"""What a document is: its front matter (SPEC section 1), its marked sections and the document."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from assistant.corpus.markings import UNMARKED, Handling, partner_code

_ID = re.compile(r"^[a-z0-9-]+$")


class Kind(StrEnum):
    DOCTRINE = "doctrine"
    PROCEDURE = "procedure"
    ETIQUETTE = "etiquette"
    PARTNER_NOTE = "partner-note"
    GLOSSARY = "glossary"
    LESSON = "lesson"


class QuizItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    question: str
    choices: tuple[str, ...]
    answer: str
    source: str

    @model_validator(mode="after")
    def _answer_is_a_choice(self) -> QuizItem:
        if len(self.choices) < 2:
            raise ValueError("a quiz question needs at least two choices")
        if self.answer not in self.choices:
            raise ValueError(f"quiz answer {self.answer!r} is not one of its choices")
        return self


class FrontMatter(BaseModel):
    """The front matter of one document (SPEC section 1)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str = Field(min_length=1)
    kind: Kind
    partner: str | None = None
    topics: tuple[str, ...] = ()
    language: str = "en"
    reviewed: dt.date
    handling: Handling | None = None
    order: int | None = Field(None, ge=1)
    quiz: tuple[QuizItem, ...] = ()

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"id {value!r} must be lower-case letters, digits and '-'")
        return value

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        hidden = next((c for c in value if unicodedata.category(c) in ("Cc", "Cf")), None)
        if hidden is not None:
            raise ValueError(
                f"the title holds an invisible or control character (U+{ord(hidden):04X}), "
                "which can disguise it; remove it"
            )
        return value

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("partner", mode="before")
    @classmethod
    def _partner(cls, value: object) -> str | None:
        return None if value is None else partner_code(value, "partner")

    @field_validator("topics", mode="before")
    @classmethod
    def _topics(cls, value: object) -> object:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            raise ValueError("topics must be a list")
        return tuple(str(v).strip().lower() for v in value)

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: object) -> object:
        if isinstance(value, str) and re.fullmatch(r"[A-Za-z]{2}", value.strip()):
            return value.strip().lower()
        raise ValueError(f"language {value!r} must be a two-letter ISO 639-1 code")


@dataclass(frozen=True)
class Section:
    """A run of text under one heading. ``path`` holds the titles from the top heading down;
    ``handling`` is the portion's full handling (banner plus the heading's marking)."""

    path: tuple[str, ...]
    handling: Handling
    text: str
    line: int

    @property
    def title(self) -> str:
        return " > ".join(self.path)


@dataclass(frozen=True)
class Document:
    meta: FrontMatter
    path: Path
    source: str  # the path shown to users, e.g. "corpus/doctrine/levels.md"
    sections: tuple[Section, ...]
    digest: str

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def banner(self) -> Handling:
        return self.meta.handling or UNMARKED

    def portions(self) -> list[tuple[str, Handling]]:
        """Distinct (section title, handling) of the document, banner first."""
        out: list[tuple[str, Handling]] = [("(banner)", self.banner)]
        out += [(s.title or "(untitled)", s.handling) for s in self.sections]
        return out
