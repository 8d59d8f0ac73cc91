"""What to do about material that needs the originator's consent: whom to ask, through which
channel, and a drafted request the officer can send.

The request names the document by title and id, the recipient, and the sections that need the
consent (never one above the officer's clearance); it quotes no text of the document. It carries
the document's own banner, since even a title may not travel further than the document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from assistant.corpus.markings import Handling
from assistant.policy.checks import CONSENT_PROCEDURE, ConsentRecord, DocumentCheck
from assistant.policy.rules import Outcome

CHANNEL = "the liaison channel"


@dataclass(frozen=True)
class ConsentRequest:
    doc_id: str
    title: str
    originator: str
    originator_name: str | None
    to: str
    to_name: str | None
    sections: tuple[str, ...]
    """The sections that need the consent (a document-level banner: empty)."""
    expired: ConsentRecord | None
    """The latest consent on record for ``to`` that has expired, if any."""
    today: dt.date
    banner: Handling

    @property
    def whom(self) -> str:
        name = f" ({self.originator_name})" if self.originator_name else ""
        return f"{self.originator}{name}, the originator"

    @property
    def channel(self) -> str:
        return CHANNEL

    @property
    def procedure(self) -> str:
        """The doctrine document that gives the steps."""
        return CONSENT_PROCEDURE

    def action(self) -> str:
        """One clause an officer acts on: ``ask XCA (...), the originator, through ...``."""
        record = (
            f"; the consent on record expired on {self.expired.expires.isoformat()}"
            if self.expired
            else ""
        )
        return (
            f"ask {self.whom}, through {self.channel} for consent to pass it to {self.to}{record}"
        )

    def text(self) -> str:
        """The request to send, ready to paste into a message on the liaison channel."""
        to = f"{self.to} ({self.to_name})" if self.to_name else self.to
        lines = [
            self.banner.banner(),
            "",
            f"To: {self.whom}",
            f"Channel: {self.channel}",
            f"Subject: request for consent to release {self.doc_id} to {self.to}",
            "",
            f'We request your consent to pass "{self.title}" ({self.doc_id}), which your '
            f"service originated, to {to}.",
        ]
        if self.sections:
            lines.append("The consent is needed for: " + "; ".join(self.sections) + ".")
        if self.expired:
            lines.append(
                f"The consent on record for {self.to} expired on "
                f"{self.expired.expires.isoformat()}; we ask to renew it."
            )
        lines += [
            "The material would go with its markings kept and would not be passed further "
            "without your agreement. Please state any conditions and the period the consent runs.",
            "",
            f"Prepared {self.today.isoformat()}, following {self.procedure}.",
            "",
            self.banner.banner(),
        ]
        return "\n".join(lines)


def consent_request(check: DocumentCheck, banner: Handling) -> ConsentRequest | None:
    """The request for ``check``'s document, or None when no portion needs consent (then
    there is nobody to ask: the material either goes, or does not go at all)."""
    if check.ask is None:
        return None
    sections = tuple(
        p.section for p in check.sections_with(Outcome.NEEDS_CONSENT) if not p.above_clearance
    )
    expired = [c for c in check.recipient_consents if c.expired]
    return ConsentRequest(
        doc_id=check.doc_id,
        title=check.title,
        originator=check.ask,
        originator_name=check.originator_name,
        to=check.to,
        to_name=check.recipient_name,
        sections=sections,
        expired=expired[-1] if expired else None,
        today=check.today,
        banner=banner,
    )
