"""The partner registry (SPEC section 3) and resolving partner names in free text."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.corpus.markings import Level, partner_code
from assistant.errors import BadInput, invalid
from assistant.files import TextFileError, read_text_file
from assistant.limits import MAX_DATA_FILE
from assistant.text import fold_chars
from assistant.yamlsafe import YamlProblem, safe_load


class Interpreter(StrEnum):
    NOT_NEEDED = "not-needed"
    ON_REQUEST = "on-request"
    NEEDED = "needed"


class Partner(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    name: str
    country: str | None = None
    agreement_level: Level
    communities: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    interpreter: Interpreter = Interpreter.NEEDED

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, value: object) -> str:
        return partner_code(value)

    @field_validator("agreement_level", mode="before")
    @classmethod
    def _level(cls, value: object) -> Level:
        return Level.parse(value)

    @field_validator("communities", mode="before")
    @classmethod
    def _communities(cls, value: object) -> object:
        if value is None:
            return ()
        if isinstance(value, list | tuple):
            return tuple(str(v).strip().upper() for v in value)
        raise ValueError("communities must be a list")

    @field_validator("languages", mode="before")
    @classmethod
    def _languages(cls, value: object) -> object:
        if value is None:
            return ()
        if isinstance(value, list | tuple):
            return tuple(str(v).strip() for v in value)
        raise ValueError("languages must be a list of BCP 47 tags")

    @field_validator("interpreter", mode="before")
    @classmethod
    def _interpreter(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def working_language(self) -> str | None:
        return self.languages[0] if self.languages else None


class Registry(BaseModel):
    """All known partners, by code. Any other recipient is denied (rule ``unknown-recipient``)."""

    model_config = ConfigDict(frozen=True)

    partners: dict[str, Partner] = Field(default_factory=dict)

    @field_validator("partners", mode="after")
    @classmethod
    def _by_code(cls, value: dict[str, Partner]) -> dict[str, Partner]:
        return {p.code: p for p in value.values()}

    def get(self, code: str | None) -> Partner | None:
        if not code:
            return None
        return self.partners.get(code.strip().upper())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.strip().upper() in self.partners

    def codes(self) -> list[str]:
        return sorted(self.partners)

    def resolve(self, text: str) -> str | None:
        """Resolve a partner code, service name or country name to its code, or None."""
        code = text.strip().upper()
        if code in self.partners:
            return code
        found = self.find_in_text(text)
        return found[0] if found else None

    def require(self, text: str) -> str:
        """Like :meth:`resolve`, but a name that is no registered partner is bad input."""
        code = self.resolve(text)
        if code is None:
            known = ", ".join(self.codes()) or "none: ingest a corpus with partners.yaml"
            raise BadInput(f"unknown partner {text!r}", f"known partners: {known}")
        return code

    def matching(self, text: str) -> list[str]:
        """The partners whose code, service name or country holds every word of ``text``
        (case and accents ignored), as one types: a code that starts with it first, then a
        name or country with a word that starts with it."""
        words = fold_chars(text).split()
        if not words:
            return self.codes()

        def haystack(code: str) -> str:
            partner = self.partners[code]
            return fold_chars(f"{code} {partner.name} {partner.country or ''}")

        def rank(code: str) -> int:
            if code.lower().startswith(words[0]):
                return 0
            return 1 if any(w.startswith(words[0]) for w in haystack(code).split()) else 2

        found = [c for c in self.codes() if all(w in haystack(c) for w in words)]
        return sorted(found, key=rank)

    def find_in_text(self, text: str) -> list[str]:
        """Every partner mentioned in ``text`` by code, service name or country (incl. simple
        adjectival forms such as 'Borealian'), in order of first mention."""
        folded = fold_chars(text)
        found: list[tuple[int, str]] = []
        for code, partner in self.partners.items():
            positions = [m.start() for m in re.finditer(rf"\b{code}\b", text)]
            positions += [m.start() for m in re.finditer(rf"\b{code.lower()}\b", folded)]
            for name in _names(partner):
                positions += [m.start() for m in re.finditer(rf"\b{re.escape(name)}", folded)]
            if positions:
                found.append((min(positions), code))
        return [code for _, code in sorted(found)]


def _names(partner: Partner) -> list[str]:
    names = [fold_chars(partner.name)]
    if partner.country:
        country = fold_chars(partner.country)
        names.append(country)
        # Adjectival and inflected forms share the stem: Borealia -> Borealian, Borealiá...
        if len(country) > 5:
            names.append(country[:-1])
    return [n for n in names if len(n) >= 4]


def load_registry(path: Path) -> Registry:
    """Read ``partners.yaml``. Raises :class:`BadInput` with the file and reason when broken."""
    try:
        raw = safe_load(read_text_file(path, limit=MAX_DATA_FILE))
    except FileNotFoundError:
        raise BadInput(f"{path}: partners.yaml not found", "every corpus needs one") from None
    except TextFileError as exc:
        raise BadInput(f"{path}:{exc.line}: cannot read partners.yaml: {exc.reason}") from None
    except YamlProblem as exc:
        raise BadInput(f"{path}:{exc.line}: cannot read partners.yaml: {exc.reason}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("partners"), dict):
        raise BadInput(f"{path}: expected a top-level 'partners:' mapping")
    partners: dict[str, Partner] = {}
    for code, body in raw["partners"].items():
        try:
            partner = Partner.model_validate({"code": code, **(body or {})})
        except ValidationError as exc:
            bad = invalid(exc)
            raise BadInput(f"{path}: partner {code}: {bad.where}: {bad.message}") from None
        partners[partner.code] = partner
    return Registry(partners=partners)
