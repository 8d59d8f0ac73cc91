"""The release rules engine (SPEC section 2). Pure: no I/O, no clock, no model.

Read it against the SPEC table: ``RULES`` lists the rules in their order, each a function that
returns a :class:`Decision` when it decides and ``None`` when it passes to the next rule.
Anything unknown denies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from assistant.corpus.markings import OWN, Handling, Level, Tlp
from assistant.corpus.partners import Partner, Registry


class Outcome(StrEnum):
    ALLOW = "ALLOW"
    NEEDS_CONSENT = "NEEDS_CONSENT"
    DENY = "DENY"

    @property
    def severity(self) -> int:
        return {"ALLOW": 0, "NEEDS_CONSENT": 1, "DENY": 2}[self.value]


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    rule: str
    reason: str

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOW


@dataclass(frozen=True)
class _Case:
    """What every rule looks at, computed once."""

    handling: Handling
    recipient: str
    partner: Partner | None
    registry: Registry
    today: dt.date

    @property
    def level(self) -> Level:
        assert self.handling.classification is not None
        return self.handling.classification

    @property
    def originator(self) -> str:
        assert self.handling.originator is not None
        return self.handling.originator

    @property
    def foreign(self) -> bool:
        return self.originator != OWN

    @property
    def in_rel_to(self) -> bool:
        return self.recipient in self.handling.rel_to

    def consents_on_record(self) -> str:
        mine = [c for c in self.handling.consents if c.to == self.recipient]
        if not mine:
            return f"no consent for {self.recipient} is on record"
        expired = ", ".join(f"expired {c.expires.isoformat()}" for c in mine)
        return f"the consent on record for {self.recipient} {expired}"


Rule = Callable[[_Case], Decision | None]


def _unmarked(case: _Case) -> Decision | None:
    h = case.handling
    missing = [name for name in ("classification", "originator") if getattr(h, name) is None]
    if missing:
        return Decision(
            Outcome.DENY,
            "unmarked",
            f"no {' or '.join(missing)} marking on record; unmarked material is never released",
        )
    if case.foreign and case.originator not in case.registry:
        return Decision(
            Outcome.DENY,
            "unmarked",
            f"originator {case.originator} is not a registered partner, so its conditions are "
            "unknown; not releasable",
        )
    return None


def _unknown_recipient(case: _Case) -> Decision | None:
    if case.partner is None:
        text = (
            f"{case.recipient} is not in the partner registry; nothing is released to it"
            if case.recipient
            else "no recipient was given; nothing is released without a registered partner"
        )
        return Decision(Outcome.DENY, "unknown-recipient", text)
    return None


def _agreement(case: _Case) -> Decision | None:
    assert case.partner is not None
    if case.level.rank > case.partner.agreement_level.rank:
        return Decision(
            Outcome.DENY,
            "agreement",
            f"{case.level.value} material is above the security agreement with "
            f"{case.recipient}, which covers up to {case.partner.agreement_level.value}; "
            "no consent can lift this",
        )
    return None


def _originator(case: _Case) -> Decision | None:
    if case.recipient == case.originator:
        return Decision(
            Outcome.ALLOW,
            "originator",
            f"{case.recipient} is the originator of this material",
        )
    return None


def _consent(case: _Case) -> Decision | None:
    if not case.foreign:
        return None
    valid = [
        c for c in case.handling.consents if c.to == case.recipient and c.expires >= case.today
    ]
    if valid:
        until = max(c.expires for c in valid)
        return Decision(
            Outcome.ALLOW,
            "consent",
            f"{case.originator} (originator) consented to release to {case.recipient} "
            f"until {until.isoformat()}",
        )
    return None


def _rel_to(case: _Case) -> Decision | None:
    if case.level is Level.UNCLASSIFIED or case.in_rel_to:
        return None
    listed = ", ".join(case.handling.rel_to) or "no partner"
    if not case.foreign:
        scope = (
            f"is releasable only to {listed}"
            if case.handling.rel_to
            else "carries no REL TO, so it goes to no partner"
        )
        return Decision(
            Outcome.DENY,
            "rel-to",
            f"our {case.level.value} material {scope}; {case.recipient} is not in REL TO",
        )
    return Decision(
        Outcome.NEEDS_CONSENT,
        "rel-to",
        f"needs consent from {case.originator} (originator): {case.recipient} is not in "
        f"REL TO ({listed}); {case.consents_on_record()}",
    )


def _third_party(case: _Case) -> Decision | None:
    if not case.foreign:
        return None
    h = case.handling
    if h.orcon:
        why = "originator control"
    elif not case.in_rel_to and h.tlp not in (Tlp.CLEAR, Tlp.GREEN):
        label = f"TLP:{h.tlp.value}" if h.tlp else "no TLP label"
        why = f"third-party rule, {label}, {case.recipient} not in REL TO"
    else:
        return None
    return Decision(
        Outcome.NEEDS_CONSENT,
        "third-party",
        f"needs consent from {case.originator} ({why}); {case.consents_on_record()}",
    )


def _tlp_green(case: _Case) -> Decision | None:
    h = case.handling
    if not case.foreign or h.tlp is not Tlp.GREEN or case.in_rel_to:
        return None
    assert case.partner is not None
    if h.community in case.partner.communities:
        return None
    return Decision(
        Outcome.NEEDS_CONSENT,
        "tlp-green",
        f"needs consent from {case.originator}: TLP:GREEN is limited to the {h.community} "
        f"community and {case.recipient} is not a member; {case.consents_on_record()}",
    )


def _orcon_own(case: _Case) -> Decision | None:
    h = case.handling
    if case.foreign or not h.orcon or case.in_rel_to:
        return None
    listed = ", ".join(h.rel_to)
    scope = f"is released only to {listed}" if listed else "is not released to any partner"
    return Decision(
        Outcome.DENY,
        "orcon-own",
        f"our originator-controlled (ORCON) material {scope}; {case.recipient} is not in REL TO",
    )


def _releasable(case: _Case) -> Decision:
    if case.level is Level.UNCLASSIFIED and not case.in_rel_to:
        why = "UNCLASSIFIED"
    else:
        why = f"{case.level.value}, REL TO {case.recipient}"
    if case.foreign:
        tlp = f", TLP:{case.handling.tlp.value}" if case.handling.tlp else ""
        why += f"{tlp}, from {case.originator}"
    return Decision(
        Outcome.ALLOW,
        "releasable",
        f"releasable to {case.recipient} ({why}; within the agreement)",
    )


RULES: tuple[tuple[str, Rule], ...] = (
    ("unmarked", _unmarked),
    ("unknown-recipient", _unknown_recipient),
    ("agreement", _agreement),
    ("originator", _originator),
    ("consent", _consent),
    ("rel-to", _rel_to),
    ("third-party", _third_party),
    ("tlp-green", _tlp_green),
    ("orcon-own", _orcon_own),
    ("releasable", _releasable),
)


def decide(
    handling: Handling | None, registry: Registry, recipient: str, today: dt.date
) -> Decision:
    """The release decision for one portion's handling to one recipient on ``today``."""
    code = (recipient or "").strip().upper()
    if handling is None:
        handling = Handling()
    case = _Case(handling, code, registry.get(code), registry, today)
    for _rule_id, rule in RULES:
        decision = rule(case)
        if decision is not None:
            return decision
    raise AssertionError("the last rule always decides")  # pragma: no cover


def most_restrictive(decisions: Iterable[Decision]) -> Decision:
    """A document's decision: the most restrictive of its portions (DENY > NEEDS_CONSENT > ALLOW).

    An empty document has nothing known about it, so it denies."""
    worst: Decision | None = None
    for decision in decisions:
        if worst is None or decision.outcome.severity > worst.outcome.severity:
            worst = decision
    return worst or Decision(Outcome.DENY, "unmarked", "no portions on record")


def within_clearance(handling: Handling, clearance: Level) -> bool:
    """Clearance bounds everything; unmarked material counts as TOP SECRET."""
    return handling.effective_level().rank <= clearance.rank


def visible(
    handling: Handling,
    *,
    clearance: Level,
    audience: str | None,
    registry: Registry,
    today: dt.date,
) -> bool:
    """May this portion be shown to this user for this audience? The predicate behind the gate."""
    if not within_clearance(handling, clearance):
        return False
    if audience is None:
        return True
    return decide(handling, registry, audience, today).allowed
