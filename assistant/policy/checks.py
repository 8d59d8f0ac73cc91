"""Document-level release decisions from the catalogue (``liaison check``, SPEC section 4).

A document's decision is the most restrictive of its portions' decisions
(:func:`assistant.policy.most_restrictive`). Everything here reads the manifest only: no model,
no vector store, so ``check`` answers in a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from assistant.corpus.catalogue import Catalogue, DocEntry
from assistant.corpus.markings import Handling, Level
from assistant.corpus.partners import Registry
from assistant.errors import BadInput, NotFound
from assistant.policy.rules import Decision, Outcome, decide, most_restrictive, within_clearance

BANNER = "(banner)"
"""The section name the manifest gives a document's front-matter handling."""

CONSENT_PROCEDURE = "requesting-originator-consent"


@dataclass(frozen=True)
class PortionCheck:
    """One portion's decision. ``section`` is masked when the portion is above the clearance."""

    section: str
    handling: Handling
    decision: Decision
    reason: str
    """The decision's reason as a sentence (see :func:`sentence`)."""
    above_clearance: bool = False

    @property
    def is_banner(self) -> bool:
        return self.section == BANNER

    def as_dict(self) -> dict[str, str]:
        return {
            "section": self.section,
            "decision": self.decision.outcome.value,
            "rule": self.decision.rule,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ConsentRecord:
    """A consent on record in the document's handling; expired ones are kept, marked."""

    to: str
    expires: dt.date
    expired: bool

    def as_dict(self) -> dict[str, Any]:
        return {"to": self.to, "expires": self.expires.isoformat(), "expired": self.expired}

    def describe(self) -> str:
        state = "expired" if self.expired else "valid"
        return f"{self.to} until {self.expires.isoformat()} ({state})"


@dataclass(frozen=True)
class DocumentCheck:
    """The release decision for one document to one recipient on one day."""

    doc_id: str
    title: str
    to: str
    today: dt.date
    decision: Decision
    portions: tuple[PortionCheck, ...]
    originator: str | None
    consents: tuple[ConsentRecord, ...] = ()
    recipient_name: str | None = None
    originator_name: str | None = None
    known_partners: tuple[str, ...] = field(default=())
    basis: str = ""
    """The deciding portion's reason alone, without its section name (for answers that must not
    name sections the recipient may not have)."""

    @property
    def outcome(self) -> Outcome:
        return self.decision.outcome

    @property
    def known_recipient(self) -> bool:
        return self.recipient_name is not None

    @property
    def sections(self) -> tuple[PortionCheck, ...]:
        """The document's real sections (the banner is not something one passes on its own)."""
        return tuple(p for p in self.portions if not p.is_banner)

    def sections_with(self, outcome: Outcome) -> list[PortionCheck]:
        return [p for p in self.sections if p.decision.outcome is outcome]

    @property
    def ask(self) -> str | None:
        """The originator to ask for consent, when some portion needs it."""
        if self.originator and any(
            p.decision.outcome is Outcome.NEEDS_CONSENT for p in self.portions
        ):
            return self.originator
        return None

    @property
    def recipient_consents(self) -> list[ConsentRecord]:
        return [c for c in self.consents if c.to == self.to]

    @property
    def hint(self) -> str | None:
        """What to do about an unknown recipient: the partners that are known."""
        if self.known_recipient:
            return None
        known = ", ".join(self.known_partners) or "none (ingest a corpus with partners.yaml)"
        return f"{self.to} is not a known partner; known partners: {known}"

    def recipient_label(self) -> str:
        return f"{self.to} ({self.recipient_name})" if self.recipient_name else self.to

    def verdict(self) -> str:
        """One plain sentence an officer can act on (no markup)."""
        to = self.recipient_label()
        sections = self.sections
        allowed = self.sections_with(Outcome.ALLOW)
        consent = self.sections_with(Outcome.NEEDS_CONSENT)
        if not self.known_recipient:
            return (
                f"Not releasable: {self.to} is not in the partner registry, so nothing goes to it."
            )
        if self.outcome is Outcome.ALLOW:
            return f"Releasable to {to}: every portion may be passed, with its markings kept."
        if self.outcome is Outcome.NEEDS_CONSENT:
            text = (
                f"Releasable to {to} only once {self.originator}, the originator, has consented "
                "and the consent is recorded."
            )
            if allowed:
                text += f" {_count(len(allowed), len(sections))} may be passed now."
            return text
        text = f"Not releasable to {to} as a whole."
        if allowed:
            text += (
                f" {_count(len(allowed), len(sections))} may be passed on their own, "
                "with their markings kept."
            )
        if consent:
            verb = "needs" if len(consent) == 1 else "need"
            text += (
                f" {_plural(len(consent), 'section')} {verb} the consent of "
                f"{self.originator}, the originator."
            )
        if not allowed and not consent:
            text += " No portion may be passed."
        return text

    def as_dict(self) -> dict[str, Any]:
        """The ``check --json`` object of SPEC section 4, plus ``originator`` and ``consents``."""
        return {
            "doc_id": self.doc_id,
            "to": self.to,
            "decision": self.outcome.value,
            "rule": self.decision.rule,
            "reason": self.decision.reason,
            "portions": [p.as_dict() for p in self.portions],
            "originator": self.originator,
            "consents": [c.as_dict() for c in self.consents],
        }


def check_document(
    manifest: Catalogue,
    doc_id: str,
    recipient: str,
    today: dt.date,
    *,
    clearance: Level | None = None,
) -> DocumentCheck:
    """The release decision for document ``doc_id`` to ``recipient`` (a code, service or country
    name) on ``today``. An unknown document is :class:`NotFound`; an unknown recipient is not an
    error but the ``unknown-recipient`` DENY. With ``clearance``, the names of sections above it
    are masked (their decisions still count)."""
    key, entry = find_document(manifest, doc_id)
    registry = manifest.registry()
    code = resolve_recipient(registry, recipient)
    portions = tuple(
        _portion(p.section, p.handling, registry, code, today, clearance) for p in entry.portions
    )
    if not portions:
        # A document the manifest holds no handling for: judge its banner (unmarked: DENY).
        portions = (_portion(BANNER, entry.banner, registry, code, today, clearance),)
    worst = most_restrictive(p.decision for p in portions)
    deciding = next(p for p in portions if p.decision == worst)
    reason = deciding.reason
    if not deciding.is_banner and worst.outcome is not Outcome.ALLOW:
        reason = f'Section "{deciding.section}": {reason}'
    partner = registry.get(code)
    origin = registry.get(entry.banner.originator)
    return DocumentCheck(
        doc_id=key,
        title=entry.title,
        to=code,
        today=today,
        decision=Decision(worst.outcome, worst.rule, reason),
        portions=portions,
        originator=entry.banner.originator,
        consents=_consents(entry, today),
        recipient_name=partner.name if partner else None,
        originator_name=origin.name if origin else None,
        known_partners=tuple(registry.codes()),
        basis=deciding.reason,
    )


def find_document(manifest: Catalogue, doc_id: str) -> tuple[str, DocEntry]:
    """The id and catalogue entry for ``doc_id``; :class:`NotFound` with a hint otherwise."""
    key = doc_id.strip().lower()
    if not key:
        raise BadInput("the document id is empty")
    entry = manifest.documents.get(key)
    if entry is not None:
        return key, entry
    if not manifest.documents:
        raise NotFound(f"no document {doc_id!r}: the store is empty", "run: liaison ingest")
    close = difflib.get_close_matches(key, list(manifest.documents), n=3, cutoff=0.6)
    hint = (
        "did you mean " + " or ".join(close) + "?"
        if close
        else "ids are shown with every search hit: liaison search WORDS"
    )
    raise NotFound(f"no document {doc_id!r} in the store", hint)


def resolve_recipient(registry: Registry, recipient: str) -> str:
    """A partner code from a code, service name or country; anything else stays as given (upper
    case), and the rules then deny it as an unknown recipient."""
    text = " ".join(recipient.split())
    if not text:
        raise BadInput("the recipient is empty", "give a partner code, e.g. --to XBO")
    return registry.resolve(text) or text.upper()


_GENERIC = (
    "document documents doc docs file files material materials information info paper papers "
    "note notes text copy details stuff thing things item items"
)


def documents_named(manifest: Catalogue, registry: Registry, text: str) -> list[str]:
    """The documents ``text`` names: by id, or by every content word of ``text`` appearing in
    the title or id (a partner named in ``text`` must be the document's partner or originator).
    """
    from assistant.text import tokenize

    lowered = text.lower()
    by_id = [
        doc_id
        for doc_id in manifest.documents
        if re.search(rf"(?<![a-z0-9-]){re.escape(doc_id)}(?![a-z0-9-])", lowered)
    ]
    if by_id:
        return by_id
    mentioned = set(registry.find_in_text(text))
    generic = set(tokenize(_GENERIC))
    words = {w for w in tokenize(text) if w not in generic and not registry.find_in_text(w)}
    out = []
    for doc_id, entry in manifest.documents.items():
        partners = {entry.partner, entry.banner.originator} & set(registry.codes())
        if mentioned and not mentioned & partners:
            continue
        if not words:
            if mentioned and entry.partner in mentioned:
                out.append(doc_id)
            continue
        if words <= set(tokenize(f"{entry.title} {doc_id.replace('-', ' ')}")):
            out.append(doc_id)
    return out


def doc_within_clearance(entry: DocEntry, clearance: Level) -> bool:
    """May this user see the document at all? Its banner bounds every portion."""
    return within_clearance(entry.banner, clearance)


def sentence(reason: str, recipient: str | None = None) -> str:
    """A policy reason as a sentence: capital first letter, full stop, and a few phrasings
    smoothed (they are no-ops once :mod:`assistant.policy` words them this way itself)."""
    text = reason.strip()
    for pattern, repl in _SMOOTHING:
        text = pattern.sub(repl, text)
    if recipient:
        text = re.sub(r"; none on record$", f"; no consent for {recipient} is on record", text)
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


_SMOOTHING: tuple[tuple[re.Pattern[str], str], ...] = (
    # rel-to / orcon-own on material whose REL TO is empty.
    (
        re.compile(r"released only to no partner; (\w+) is not (?:in REL TO|among them)"),
        r"with no REL TO is not released to any partner, \1 included",
    ),
    (re.compile(r"is not in REL TO \(no partner\)"), "is not in REL TO, which names no partner"),
)


def _portion(
    section: str,
    handling: Handling,
    registry: Registry,
    code: str,
    today: dt.date,
    clearance: Level | None,
) -> PortionCheck:
    above = clearance is not None and not within_clearance(handling, clearance)
    if above:
        section = (
            "(section withheld: unmarked, treated as above your clearance)"
            if not handling.is_marked
            else "(section withheld: above your clearance)"
        )
    decision = decide(handling, registry, code, today)
    reason = sentence(decision.reason, code)
    return PortionCheck(section, handling, decision, reason, above_clearance=above)


def _consents(entry: DocEntry, today: dt.date) -> tuple[ConsentRecord, ...]:
    seen: dict[tuple[str, dt.date], ConsentRecord] = {}
    for handling in [entry.banner, *(p.handling for p in entry.portions)]:
        for consent in handling.consents:
            seen.setdefault(
                (consent.to, consent.expires),
                ConsentRecord(consent.to, consent.expires, consent.expires < today),
            )
    return tuple(sorted(seen.values(), key=lambda c: (c.to, c.expires)))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _count(part: int, whole: int) -> str:
    if part == whole:
        return "Every section" if whole != 1 else "Its one section"
    return f"{part} of {whole} sections"
