"""Handling markings: levels, TLP labels, the handling block and portion markings (SPEC section 1).

Everything here is pure: parsing and normalising values, never deciding a release. Decisions
live in :mod:`assistant.policy`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

OWN = "OWN"
_CODE = re.compile(r"^[A-Z]{3}$")


class Level(StrEnum):
    UNCLASSIFIED = "UNCLASSIFIED"
    RESTRICTED = "RESTRICTED"
    CONFIDENTIAL = "CONFIDENTIAL"
    SECRET = "SECRET"
    TOP_SECRET = "TOP SECRET"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def short(self) -> str:
        return _SHORT[self]

    @classmethod
    def parse(cls, value: object) -> Level:
        """Accept a level in any case, its short form (U, R, C, S, TS) or ``TOP_SECRET``."""
        if isinstance(value, Level):
            return value
        if not isinstance(value, str):
            raise ValueError(f"classification must be text, not {value!r}")
        text = " ".join(value.replace("_", " ").split()).upper()
        if text in _BY_SHORT:
            return _BY_SHORT[text]
        try:
            return cls(text)
        except ValueError:
            allowed = ", ".join(level.value for level in cls)
            raise ValueError(
                f"unknown classification {value!r} (expected one of {allowed})"
            ) from None


_RANK = {level: i for i, level in enumerate(Level)}
_SHORT = {
    Level.UNCLASSIFIED: "U",
    Level.RESTRICTED: "R",
    Level.CONFIDENTIAL: "C",
    Level.SECRET: "S",
    Level.TOP_SECRET: "TS",
}
_BY_SHORT = {short: level for level, short in _SHORT.items()}


class Tlp(StrEnum):
    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    AMBER_STRICT = "AMBER+STRICT"
    RED = "RED"

    @classmethod
    def parse(cls, value: object) -> Tlp:
        if isinstance(value, Tlp):
            return value
        if not isinstance(value, str):
            raise ValueError(f"tlp must be text, not {value!r}")
        text = value.strip().upper()
        text = text.removeprefix("TLP:").strip()
        try:
            return cls(text)
        except ValueError:
            allowed = ", ".join(t.value for t in cls)
            raise ValueError(f"unknown TLP label {value!r} (expected one of {allowed})") from None


def partner_code(value: object, field: str = "partner code") -> str:
    """Normalise a partner code: three letters, upper case."""
    if not isinstance(value, str):
        raise ValueError(f"{field} must be text, not {value!r}")
    code = value.strip().upper()
    if not _CODE.match(code) or code == OWN:
        raise ValueError(f"{field} {value!r} is not a three-letter partner code")
    return code


def originator_code(value: object) -> str:
    if isinstance(value, str) and value.strip().upper() == OWN:
        return OWN
    return partner_code(value, "originator")


class Consent(BaseModel):
    """A consent given by a foreign originator for one recipient, until ``expires`` (inclusive)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    to: str
    expires: dt.date

    @field_validator("to", mode="before")
    @classmethod
    def _code(cls, value: object) -> str:
        return partner_code(value, "consent recipient")


class Handling(BaseModel):
    """The handling of a document or portion. ``classification``/``originator`` may be missing:
    such handling is *unmarked* and every decision on it is DENY."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    classification: Level | None = None
    originator: str | None = None
    rel_to: tuple[str, ...] = ()
    tlp: Tlp | None = None
    community: str | None = None
    orcon: bool = False
    consents: tuple[Consent, ...] = ()

    @field_validator("classification", mode="before")
    @classmethod
    def _level(cls, value: object) -> Level | None:
        return None if value is None else Level.parse(value)

    @field_validator("originator", mode="before")
    @classmethod
    def _originator(cls, value: object) -> str | None:
        return None if value is None else originator_code(value)

    @field_validator("rel_to", mode="before")
    @classmethod
    def _rel_to(cls, value: object) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [part for part in re.split(r"[,\s]+", value) if part]
        if not isinstance(value, list | tuple):
            raise ValueError(f"rel_to must be a list of partner codes, not {value!r}")
        codes = [partner_code(v, "rel_to entry") for v in value]
        return tuple(dict.fromkeys(codes))

    @field_validator("tlp", mode="before")
    @classmethod
    def _tlp(cls, value: object) -> Tlp | None:
        return None if value is None else Tlp.parse(value)

    @field_validator("community", mode="before")
    @classmethod
    def _community(cls, value: object) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"community must be a name, not {value!r}")
        return value.strip().upper()

    @field_validator("orcon", mode="before")
    @classmethod
    def _orcon(cls, value: object) -> bool:
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        raise ValueError(f"orcon must be true or false, not {value!r}")

    @field_validator("consents", mode="before")
    @classmethod
    def _consents(cls, value: object) -> object:
        return () if value is None else value

    @model_validator(mode="after")
    def _green_needs_community(self) -> Handling:
        if self.tlp is Tlp.GREEN and not self.community:
            raise ValueError("tlp GREEN requires a community")
        return self

    @property
    def is_marked(self) -> bool:
        return self.classification is not None and self.originator is not None

    def effective_level(self) -> Level:
        """The level used against clearance: unmarked counts as TOP SECRET (SPEC section 4)."""
        if not self.is_marked or self.classification is None:
            return Level.TOP_SECRET
        return self.classification

    def banner(self) -> str:
        """A compact banner line, e.g. ``C//REL TO XBO, XMA//ORCON`` or ``UNMARKED``."""
        if not self.is_marked:
            return "UNMARKED"
        assert self.classification is not None
        parts = [self.classification.value]
        if self.rel_to:
            parts.append("REL TO " + ", ".join(self.rel_to))
        if self.orcon:
            parts.append("ORCON")
        if self.tlp is not None:
            parts.append(f"TLP:{self.tlp.value}")
        if self.originator and self.originator != OWN:
            parts.append(f"ORIG {self.originator}")
        return "//".join(parts)

    def key(self) -> str:
        """A stable short hash of the handling: chunks with equal handling share it, so a whole
        audience decision can be pushed into the vector store as one ``$in`` filter."""
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def public_dict(self) -> dict[str, Any]:
        """The shape SPEC shows in citations."""
        return {
            "classification": self.classification.value if self.classification else None,
            "originator": self.originator,
            "rel_to": list(self.rel_to),
            "tlp": self.tlp.value if self.tlp else None,
        }


UNMARKED = Handling()


class PortionMarking(BaseModel):
    """The fields a heading's portion marking sets; ``None``/unset fields inherit the banner."""

    model_config = ConfigDict(frozen=True)

    classification: Level
    rel_to: tuple[str, ...] | None = None
    orcon: bool | None = None
    tlp: Tlp | None = None

    def apply(self, banner: Handling) -> Handling:
        update: dict[str, Any] = {"classification": self.classification}
        if self.rel_to is not None:
            update["rel_to"] = self.rel_to
        if self.orcon is not None:
            update["orcon"] = self.orcon
        if self.tlp is not None:
            update["tlp"] = self.tlp
        merged = banner.model_dump()
        merged.update(update)
        return Handling.model_validate(merged)


# A heading's marking: "(" LEVEL ["//" CONTROL]* ")" then the title.
_PORTION = re.compile(r"^\(\s*(?P<body>(?:TS|[URCS])\b[^)]*)\)\s*(?P<title>.*)$", re.IGNORECASE)
_REL_TO = re.compile(r"^REL(?:\s+TO)?\s+(?P<codes>.+)$", re.IGNORECASE)


class MarkingError(ValueError):
    """A portion marking that looks like one but cannot be read."""


def parse_portion(heading: str) -> tuple[PortionMarking | None, str]:
    """Split ``(C//REL TO XBO, XMA) Liaison contacts`` into its marking and its title.

    A heading without a leading parenthesised level has no marking. A heading that starts with
    a level but has an unreadable control raises :class:`MarkingError` (bad input, never a guess).
    """
    match = _PORTION.match(heading.strip())
    if not match:
        return None, heading.strip()
    parts = [p.strip() for p in match.group("body").split("//")]
    try:
        level = Level.parse(parts[0])
    except ValueError as exc:
        raise MarkingError(str(exc)) from None
    fields: dict[str, Any] = {"classification": level}
    for control in parts[1:]:
        if not control:
            raise MarkingError(f"empty control in portion marking {heading.strip()!r}")
        upper = control.upper()
        rel = _REL_TO.match(control)
        if rel:
            codes = [c for c in re.split(r"[,\s]+", rel.group("codes")) if c]
            try:
                fields["rel_to"] = tuple(partner_code(c, "REL TO entry") for c in codes)
            except ValueError as exc:
                raise MarkingError(str(exc)) from None
        elif upper == "ORCON":
            fields["orcon"] = True
        elif upper.startswith("TLP:"):
            try:
                fields["tlp"] = Tlp.parse(upper)
            except ValueError as exc:
                raise MarkingError(str(exc)) from None
        else:
            raise MarkingError(f"unknown control {control!r} in portion marking")
    return PortionMarking(**fields), match.group("title").strip()


# Flattened handling for vector-store metadata (scalar values only).
def to_metadata(handling: Handling) -> dict[str, str | int | bool]:
    return {
        "classification": handling.classification.value if handling.classification else "",
        "level": handling.effective_level().rank,
        "originator": handling.originator or "",
        "rel_to": ",".join(handling.rel_to),
        "tlp": handling.tlp.value if handling.tlp else "",
        "community": handling.community or "",
        "orcon": handling.orcon,
        "consents": json.dumps(
            [{"to": c.to, "expires": c.expires.isoformat()} for c in handling.consents]
        ),
        "handling_key": handling.key(),
        "marked": handling.is_marked,
    }


def from_metadata(meta: dict[str, Any]) -> Handling:
    """Rebuild handling from store metadata. Anything unreadable becomes UNMARKED (fail closed)."""
    try:
        if not meta.get("marked"):
            return UNMARKED
        return Handling(
            classification=meta.get("classification") or None,
            originator=meta.get("originator") or None,
            rel_to=[c for c in str(meta.get("rel_to", "")).split(",") if c],
            tlp=meta.get("tlp") or None,
            community=meta.get("community") or None,
            orcon=bool(meta.get("orcon", False)),
            consents=json.loads(str(meta.get("consents") or "[]")),
        )
    except (ValueError, TypeError):
        return UNMARKED
