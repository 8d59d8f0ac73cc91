"""The release rules engine against SPEC section 2 (and the handling rules of section 1).

Every ``decide`` case is one row of a table: a handling block (as front matter would give it),
a recipient, and the outcome AND rule id SPEC requires. The registry is built here, so the
tests do not depend on the shipped corpus.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from assistant.corpus.markings import Handling, Level, parse_portion
from assistant.corpus.partners import Partner, Registry
from assistant.policy.rules import (
    Decision,
    Outcome,
    decide,
    most_restrictive,
    visible,
    within_clearance,
)
from tests.spec import SPEC_RULE_IDS

TODAY = dt.date(2026, 10, 1)
YESTERDAY = TODAY - dt.timedelta(days=1)
TOMORROW = TODAY + dt.timedelta(days=1)
NEXT_YEAR = TODAY + dt.timedelta(days=365)

# XBO: SECRET agreement, NORDIC-CT     XMA: CONFIDENTIAL, no community
# XRE: RESTRICTED, BALTIC-CT           XUN: UNCLASSIFIED only      XTS: TOP SECRET, NORDIC-CT
# XQQ is a well-formed code that is NOT registered.
REGISTRY = Registry(
    partners={
        "XBO": Partner(
            code="XBO",
            name="Borealian Security Service",
            agreement_level=Level.SECRET,
            communities=("NORDIC-CT",),
        ),
        "XMA": Partner(code="XMA", name="Marenian Service", agreement_level="CONFIDENTIAL"),
        "XRE": Partner(
            code="XRE",
            name="Restrian Service",
            agreement_level="RESTRICTED",
            communities=["baltic-ct"],
        ),
        "XUN": Partner(code="XUN", name="Unclassian Service", agreement_level="UNCLASSIFIED"),
        "XTS": Partner(
            code="XTS",
            name="Topsian Service",
            agreement_level="TOP SECRET",
            communities=["NORDIC-CT"],
        ),
    }
)

ALLOW, DENY, NC = Outcome.ALLOW, Outcome.DENY, Outcome.NEEDS_CONSENT
RULE_IDS = SPEC_RULE_IDS


def H(**fields: Any) -> dict[str, Any]:
    """A handling block as front matter would give it (validated later, in the test)."""
    return fields


def c(to: str, expires: dt.date | str) -> dict[str, Any]:
    return {"to": to, "expires": expires}


def case(id_: str, handling: dict[str, Any] | None, to: str, outcome: Outcome, rule: str) -> Any:
    return pytest.param(handling, to, outcome, rule, id=id_)


CASES = [
    # --- unmarked: fail closed before anything else -------------------------------------------
    case("unmarked/no-handling", None, "XBO", DENY, "unmarked"),
    case("unmarked/empty-handling", H(), "XBO", DENY, "unmarked"),
    case("unmarked/missing-classification", H(originator="OWN"), "XBO", DENY, "unmarked"),
    case("unmarked/missing-originator", H(classification="U"), "XBO", DENY, "unmarked"),
    case(
        "unmarked/missing-originator-even-with-rel-to",
        H(classification="U", rel_to=["XBO"]),
        "XBO",
        DENY,
        "unmarked",
    ),
    case(
        "unmarked/originator-not-registered",
        H(classification="U", originator="XQQ", rel_to=["XBO"], tlp="CLEAR"),
        "XBO",
        DENY,
        "unmarked",
    ),
    case("unmarked/beats-unknown-recipient", None, "XQQ", DENY, "unmarked"),
    case(
        "unmarked/beats-originator",
        H(originator="XBO"),
        "XBO",
        DENY,
        "unmarked",
    ),
    case(
        "unmarked/unregistered-originator-beats-unknown-recipient",
        H(classification="U", originator="XQQ"),
        "XQQ",
        DENY,
        "unmarked",
    ),
    # --- unknown-recipient -----------------------------------------------------------------------
    case(
        "unknown-recipient/own-unclassified",
        H(classification="U", originator="OWN"),
        "XQQ",
        DENY,
        "unknown-recipient",
    ),
    case(
        "unknown-recipient/listed-in-rel-to-but-unregistered",
        H(classification="U", originator="OWN", rel_to=["XQQ"]),
        "XQQ",
        DENY,
        "unknown-recipient",
    ),
    case(
        "unknown-recipient/valid-consent-does-not-help",
        H(classification="C", originator="XBO", consents=[c("XQQ", NEXT_YEAR)]),
        "XQQ",
        DENY,
        "unknown-recipient",
    ),
    case(
        "unknown-recipient/OWN-is-not-a-partner",
        H(classification="U", originator="OWN"),
        "OWN",
        DENY,
        "unknown-recipient",
    ),
    case(
        "unknown-recipient/empty-code",
        H(classification="U", originator="OWN"),
        "",
        DENY,
        "unknown-recipient",
    ),
    # --- agreement -------------------------------------------------------------------------------
    case(
        "agreement/own-secret-to-confidential-partner",
        H(classification="S", originator="OWN", rel_to=["XMA"]),
        "XMA",
        DENY,
        "agreement",
    ),
    case(
        "agreement/restricted-to-unclassified-only-partner",
        H(classification="R", originator="OWN", rel_to=["XUN"]),
        "XUN",
        DENY,
        "agreement",
    ),
    case(
        "agreement/beats-originator-above-its-own-agreement",
        H(classification="TS", originator="XBO", rel_to=["XBO"]),
        "XBO",
        DENY,
        "agreement",
    ),
    case(
        "agreement/consent-never-lifts-it",
        H(classification="S", originator="XBO", consents=[c("XMA", NEXT_YEAR)]),
        "XMA",
        DENY,
        "agreement",
    ),
    case(
        "agreement/tlp-clear-does-not-lift-it",
        H(classification="C", originator="XBO", tlp="CLEAR", rel_to=["XRE"]),
        "XRE",
        DENY,
        "agreement",
    ),
    case(
        "agreement/beats-rel-to",
        H(classification="C", originator="OWN"),
        "XRE",
        DENY,
        "agreement",
    ),
    case(
        "agreement/level-equal-to-agreement-passes",
        H(classification="C", originator="OWN", rel_to=["XMA"]),
        "XMA",
        ALLOW,
        "releasable",
    ),
    # --- originator ------------------------------------------------------------------------------
    case(
        "originator/own-material-back-to-its-owner",
        H(classification="S", originator="XBO"),
        "XBO",
        ALLOW,
        "originator",
    ),
    case(
        "originator/beats-orcon",
        H(classification="C", originator="XBO", orcon=True, tlp="RED"),
        "XBO",
        ALLOW,
        "originator",
    ),
    case(
        "originator/beats-consent",
        H(classification="C", originator="XMA", consents=[c("XMA", NEXT_YEAR)]),
        "XMA",
        ALLOW,
        "originator",
    ),
    case(
        "originator/beats-tlp-green-outside-community",
        H(classification="U", originator="XMA", tlp="GREEN", community="NORDIC-CT"),
        "XMA",
        ALLOW,
        "originator",
    ),
    # --- consent ---------------------------------------------------------------------------------
    case(
        "consent/valid-lifts-rel-to",
        H(classification="C", originator="XBO", consents=[c("XMA", NEXT_YEAR)]),
        "XMA",
        ALLOW,
        "consent",
    ),
    case(
        "consent/expires-today-still-valid",
        H(classification="C", originator="XBO", consents=[c("XMA", TODAY)]),
        "XMA",
        ALLOW,
        "consent",
    ),
    case(
        "consent/expired-yesterday-ignored",
        H(classification="C", originator="XBO", consents=[c("XMA", YESTERDAY)]),
        "XMA",
        NC,
        "rel-to",
    ),
    case(
        "consent/for-another-recipient-ignored",
        H(classification="C", originator="XBO", consents=[c("XRE", NEXT_YEAR)]),
        "XMA",
        NC,
        "rel-to",
    ),
    case(
        "consent/one-expired-one-valid",
        H(
            classification="R",
            originator="XBO",
            consents=[c("XRE", YESTERDAY), c("XRE", TOMORROW)],
        ),
        "XRE",
        ALLOW,
        "consent",
    ),
    case(
        "consent/lifts-foreign-orcon",
        H(classification="U", originator="XBO", orcon=True, consents=[c("XMA", TOMORROW)]),
        "XMA",
        ALLOW,
        "consent",
    ),
    case(
        "consent/lifts-tlp-red",
        H(classification="U", originator="XBO", tlp="RED", consents=[c("XUN", TODAY)]),
        "XUN",
        ALLOW,
        "consent",
    ),
    case(
        "consent/on-own-material-does-not-decide-rel-to",
        H(classification="C", originator="OWN", consents=[c("XMA", NEXT_YEAR)]),
        "XMA",
        DENY,
        "rel-to",
    ),
    case(
        "consent/on-own-material-does-not-decide-orcon",
        H(classification="U", originator="OWN", orcon=True, consents=[c("XMA", NEXT_YEAR)]),
        "XMA",
        DENY,
        "orcon-own",
    ),
    # --- rel-to ----------------------------------------------------------------------------------
    case(
        "rel-to/own-restricted-not-listed-deny",
        H(classification="R", originator="OWN", rel_to=["XBO"]),
        "XRE",
        DENY,
        "rel-to",
    ),
    case(
        "rel-to/own-confidential-empty-rel-to-deny",
        H(classification="C", originator="OWN"),
        "XBO",
        DENY,
        "rel-to",
    ),
    case(
        "rel-to/own-tlp-clear-does-not-decide",
        H(classification="S", originator="OWN", rel_to=["XBO"], tlp="CLEAR"),
        "XTS",
        DENY,
        "rel-to",
    ),
    case(
        "rel-to/foreign-restricted-not-listed-needs-consent",
        H(classification="R", originator="XBO", rel_to=["XMA"]),
        "XRE",
        NC,
        "rel-to",
    ),
    case(
        "rel-to/foreign-tlp-clear-does-not-lift-classified",
        H(classification="R", originator="XBO", tlp="CLEAR"),
        "XRE",
        NC,
        "rel-to",
    ),
    case(
        "rel-to/foreign-green-member-does-not-lift-classified",
        H(classification="R", originator="XMA", tlp="GREEN", community="NORDIC-CT"),
        "XBO",
        NC,
        "rel-to",
    ),
    case(
        "rel-to/beats-third-party-orcon",
        H(classification="C", originator="XBO", orcon=True, rel_to=["XTS"]),
        "XMA",
        NC,
        "rel-to",
    ),
    # --- third-party -----------------------------------------------------------------------------
    case(
        "third-party/foreign-unclassified-no-tlp",
        H(classification="U", originator="XBO"),
        "XMA",
        NC,
        "third-party",
    ),
    case(
        "third-party/tlp-amber",
        H(classification="U", originator="XBO", tlp="AMBER"),
        "XMA",
        NC,
        "third-party",
    ),
    case(
        "third-party/tlp-amber-strict",
        H(classification="U", originator="XBO", tlp="AMBER+STRICT"),
        "XMA",
        NC,
        "third-party",
    ),
    case(
        "third-party/tlp-red",
        H(classification="U", originator="XBO", tlp="RED"),
        "XUN",
        NC,
        "third-party",
    ),
    case(
        "third-party/orcon-even-in-rel-to",
        H(classification="C", originator="XBO", orcon=True, rel_to=["XMA"]),
        "XMA",
        NC,
        "third-party",
    ),
    case(
        "third-party/orcon-beats-tlp-clear",
        H(classification="U", originator="XBO", orcon=True, tlp="CLEAR"),
        "XMA",
        NC,
        "third-party",
    ),
    case(
        "third-party/orcon-beats-green-member",
        H(classification="U", originator="XMA", orcon=True, tlp="GREEN", community="NORDIC-CT"),
        "XBO",
        NC,
        "third-party",
    ),
    case(
        "third-party/in-rel-to-tlp-red-is-releasable",
        H(classification="U", originator="XBO", tlp="RED", rel_to=["XMA"]),
        "XMA",
        ALLOW,
        "releasable",
    ),
    # --- tlp-green -------------------------------------------------------------------------------
    case(
        "tlp-green/outside-community",
        H(classification="U", originator="XMA", tlp="GREEN", community="NORDIC-CT"),
        "XRE",
        NC,
        "tlp-green",
    ),
    case(
        "tlp-green/partner-with-no-community",
        H(classification="U", originator="XBO", tlp="GREEN", community="NORDIC-CT"),
        "XMA",
        NC,
        "tlp-green",
    ),
    case(
        "tlp-green/inside-community-releasable",
        H(classification="U", originator="XMA", tlp="GREEN", community="NORDIC-CT"),
        "XBO",
        ALLOW,
        "releasable",
    ),
    case(
        "tlp-green/other-community-member-releasable",
        H(classification="U", originator="XBO", tlp="GREEN", community="BALTIC-CT"),
        "XRE",
        ALLOW,
        "releasable",
    ),
    case(
        "tlp-green/recipient-in-rel-to-releasable",
        H(
            classification="U",
            originator="XMA",
            tlp="GREEN",
            community="NORDIC-CT",
            rel_to=["XRE"],
        ),
        "XRE",
        ALLOW,
        "releasable",
    ),
    # --- tlp CLEAR -------------------------------------------------------------------------------
    case(
        "tlp-clear/foreign-unclassified-releasable",
        H(classification="U", originator="XBO", tlp="CLEAR"),
        "XMA",
        ALLOW,
        "releasable",
    ),
    case(
        "tlp-clear/to-unclassified-only-partner",
        H(classification="U", originator="XBO", tlp="CLEAR"),
        "XUN",
        ALLOW,
        "releasable",
    ),
    # --- orcon-own -------------------------------------------------------------------------------
    case(
        "orcon-own/unclassified-empty-rel-to",
        H(classification="U", originator="OWN", orcon=True, rel_to=[]),
        "XBO",
        DENY,
        "orcon-own",
    ),
    case(
        "orcon-own/unclassified-not-listed",
        H(classification="U", originator="OWN", orcon=True, rel_to=["XBO"]),
        "XMA",
        DENY,
        "orcon-own",
    ),
    case(
        "orcon-own/unclassified-listed-releasable",
        H(classification="U", originator="OWN", orcon=True, rel_to=["XBO"]),
        "XBO",
        ALLOW,
        "releasable",
    ),
    case(
        "orcon-own/classified-listed-releasable",
        H(classification="C", originator="OWN", orcon=True, rel_to=["XMA"]),
        "XMA",
        ALLOW,
        "releasable",
    ),
    case(
        "orcon-own/rel-to-comes-first-for-classified",
        H(classification="C", originator="OWN", orcon=True, rel_to=["XBO"]),
        "XMA",
        DENY,
        "rel-to",
    ),
    case(
        "orcon-own/tlp-clear-does-not-lift-it",
        H(classification="U", originator="OWN", orcon=True, tlp="CLEAR"),
        "XMA",
        DENY,
        "orcon-own",
    ),
    # --- releasable ------------------------------------------------------------------------------
    case(
        "releasable/own-unclassified-no-rel-to",
        H(classification="U", originator="OWN"),
        "XUN",
        ALLOW,
        "releasable",
    ),
    case(
        "releasable/own-tlp-red-does-not-decide",
        H(classification="U", originator="OWN", tlp="RED"),
        "XMA",
        ALLOW,
        "releasable",
    ),
    case(
        "releasable/own-tlp-green-outside-community-does-not-decide",
        H(classification="U", originator="OWN", tlp="GREEN", community="NORDIC-CT"),
        "XMA",
        ALLOW,
        "releasable",
    ),
    case(
        "releasable/own-secret-rel-to",
        H(classification="S", originator="OWN", rel_to=["XBO", "XMA"]),
        "XBO",
        ALLOW,
        "releasable",
    ),
    case(
        "releasable/own-top-secret-to-ts-partner",
        H(classification="TS", originator="OWN", rel_to=["XTS"]),
        "XTS",
        ALLOW,
        "releasable",
    ),
    case(
        "releasable/foreign-in-rel-to-tlp-amber",
        H(classification="C", originator="XBO", rel_to=["XMA"], tlp="AMBER"),
        "XMA",
        ALLOW,
        "releasable",
    ),
    # --- values are case-insensitive on input ---------------------------------------------------
    case(
        "case/lower-case-everything-releasable",
        H(classification="confidential", originator="xbo", rel_to=["xma"], tlp="amber"),
        "xma",
        ALLOW,
        "releasable",
    ),
    case(
        "case/short-level-and-rel-to-string",
        H(classification="s", originator="own", rel_to="xbo, xma"),
        "Xbo",
        ALLOW,
        "releasable",
    ),
    case(
        "case/lower-case-consent",
        H(classification="c", originator="xbo", consents=[c("xma", TODAY.isoformat())]),
        "xma",
        ALLOW,
        "consent",
    ),
    case(
        "case/lower-case-tlp-green-and-community-member",
        H(classification="u", originator="xma", tlp="tlp:green", community="nordic-ct"),
        "xbo",
        ALLOW,
        "releasable",
    ),
    case(
        "case/lower-case-tlp-green-and-community-outsider",
        H(classification="u", originator="xma", tlp="green", community="nordic-ct"),
        "xre",
        NC,
        "tlp-green",
    ),
    case(
        "case/top_secret-spelling",
        H(classification="top_secret", originator="own", rel_to=["xts"]),
        "xts",
        ALLOW,
        "releasable",
    ),
    case(
        "case/lower-case-originator-as-recipient",
        H(classification="secret", originator="xbo"),
        " xbo ",
        ALLOW,
        "originator",
    ),
    case(
        "case/lower-case-orcon-own",
        H(classification="unclassified", originator="Own", orcon=True),
        "xbo",
        DENY,
        "orcon-own",
    ),
]

# Which outcome each rule may give (rel-to depends on the originator).
RULE_OUTCOMES = {
    "unmarked": {DENY},
    "unknown-recipient": {DENY},
    "agreement": {DENY},
    "originator": {ALLOW},
    "consent": {ALLOW},
    "rel-to": {DENY, NC},
    "third-party": {NC},
    "tlp-green": {NC},
    "orcon-own": {DENY},
    "releasable": {ALLOW},
}


def _handling(raw: dict[str, Any] | None) -> Handling | None:
    return None if raw is None else Handling.model_validate(raw)


def _assert_sentence(reason: str) -> None:
    assert isinstance(reason, str)
    assert len(reason.split()) >= 4, reason
    # A sentence starts with a word, not with a blank where a code should have been.
    assert reason[:1].isalnum(), f"reason does not start with a word: {reason!r}"
    for leak in ("Level.", "Tlp.", "Outcome.", "None", "()", "[]", "{", "<"):
        assert leak not in reason, f"{leak!r} leaks into the reason: {reason}"


@pytest.mark.parametrize(("raw", "recipient", "outcome", "rule"), CASES)
def test_decide(raw: dict[str, Any] | None, recipient: str, outcome: Outcome, rule: str) -> None:
    decision = decide(_handling(raw), REGISTRY, recipient, TODAY)
    assert (decision.outcome, decision.rule) == (outcome, rule), decision.reason
    assert decision.outcome in RULE_OUTCOMES[decision.rule]
    assert decision.allowed is (outcome is ALLOW)
    _assert_sentence(decision.reason)


def test_the_table_covers_every_rule_and_is_big_enough() -> None:
    rules = {param.values[3] for param in CASES}
    assert rules == RULE_IDS
    assert len(CASES) >= 45
    ids = [param.id for param in CASES]
    assert len(ids) == len(set(ids))


# --- reasons are sentences a person can read -------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "recipient", "outcome", "rule"),
    [param for param in CASES if param.values[2] is NC],
)
def test_needs_consent_reason_names_the_originator(
    raw: dict[str, Any], recipient: str, outcome: Outcome, rule: str
) -> None:
    handling = Handling.model_validate(raw)
    assert handling.originator is not None
    decision = decide(handling, REGISTRY, recipient, TODAY)
    assert decision.outcome is NC
    assert handling.originator in decision.reason
    assert "consent" in decision.reason


@pytest.mark.parametrize(
    ("raw", "recipient", "outcome", "rule"),
    [param for param in CASES if param.values[3] == "agreement"],
)
def test_agreement_reason_names_the_agreement_level(
    raw: dict[str, Any], recipient: str, outcome: Outcome, rule: str
) -> None:
    decision = decide(Handling.model_validate(raw), REGISTRY, recipient, TODAY)
    partner = REGISTRY.get(recipient)
    assert partner is not None
    assert decision.rule == "agreement"
    assert partner.agreement_level.value in decision.reason
    assert Handling.model_validate(raw).classification.value in decision.reason  # type: ignore[union-attr]


def test_consent_reason_names_originator_and_expiry() -> None:
    handling = Handling.model_validate(
        H(classification="C", originator="XBO", consents=[c("XMA", NEXT_YEAR)])
    )
    decision = decide(handling, REGISTRY, "XMA", TODAY)
    assert decision.rule == "consent"
    assert "XBO" in decision.reason
    assert NEXT_YEAR.isoformat() in decision.reason


def test_expired_consent_is_mentioned_when_consent_is_needed() -> None:
    handling = Handling.model_validate(
        H(classification="C", originator="XBO", consents=[c("XMA", YESTERDAY)])
    )
    decision = decide(handling, REGISTRY, "XMA", TODAY)
    assert decision.outcome is NC
    assert YESTERDAY.isoformat() in decision.reason


def test_decision_does_not_depend_on_other_recipients_consents_or_listing() -> None:
    base = H(classification="R", originator="XBO", rel_to=["XMA"])
    noisy = H(
        classification="R",
        originator="XBO",
        rel_to=["XMA", "XTS", "XUN"],
        consents=[c("XTS", NEXT_YEAR), c("XUN", NEXT_YEAR)],
    )
    plain = decide(Handling.model_validate(base), REGISTRY, "XRE", TODAY)
    other = decide(Handling.model_validate(noisy), REGISTRY, "XRE", TODAY)
    assert (plain.outcome, plain.rule) == (other.outcome, other.rule) == (NC, "rel-to")


# --- portion markings inherit from the banner (SPEC section 1) -------------------------------

BANNER_FOREIGN = H(
    classification="S", originator="XBO", rel_to=["XMA"], consents=[c("XRE", NEXT_YEAR)]
)
BANNER_ORCON = H(classification="C", originator="XBO", orcon=True, rel_to=["XMA"])
BANNER_OWN = H(classification="S", originator="OWN", rel_to=["XBO", "XMA"])
BANNER_COMMUNITY = H(
    classification="C", originator="XMA", rel_to=["XBO"], tlp="AMBER", community="NORDIC-CT"
)

PORTIONS = [
    pytest.param(BANNER_FOREIGN, None, "XMA", DENY, "agreement", id="banner-itself-above-XMA"),
    pytest.param(
        BANNER_FOREIGN,
        "(C//REL TO XMA) Contacts",
        "XMA",
        ALLOW,
        "releasable",
        id="lower-portion-releasable",
    ),
    pytest.param(
        BANNER_FOREIGN,
        "(C) Contacts",
        "XMA",
        ALLOW,
        "releasable",
        id="rel-to-inherited",
    ),
    pytest.param(
        BANNER_FOREIGN,
        "(R) Background",
        "XRE",
        ALLOW,
        "consent",
        id="consent-inherited",
    ),
    pytest.param(
        BANNER_FOREIGN,
        "(R) Background",
        "XBO",
        ALLOW,
        "originator",
        id="originator-inherited",
    ),
    pytest.param(
        BANNER_FOREIGN,
        "(U//TLP:CLEAR) Public",
        "XUN",
        ALLOW,
        "releasable",
        id="foreign-clear-portion",
    ),
    pytest.param(
        BANNER_FOREIGN,
        "(U) Public",
        "XUN",
        NC,
        "third-party",
        id="foreign-unclassified-no-tlp-portion",
    ),
    pytest.param(
        BANNER_ORCON,
        "(U) Public",
        "XMA",
        NC,
        "third-party",
        id="orcon-inherited",
    ),
    pytest.param(
        BANNER_OWN,
        "(U) Public",
        "XRE",
        ALLOW,
        "releasable",
        id="own-unclassified-portion",
    ),
    pytest.param(
        BANNER_OWN,
        "(R//ORCON) Sources",
        "XRE",
        DENY,
        "rel-to",
        id="own-orcon-portion-not-listed",
    ),
    pytest.param(
        BANNER_OWN,
        "(U//ORCON) Sources",
        "XRE",
        DENY,
        "orcon-own",
        id="own-unclassified-orcon-portion",
    ),
    pytest.param(
        BANNER_OWN,
        "(R//REL TO XRE) Local",
        "XBO",
        DENY,
        "rel-to",
        id="portion-rel-to-replaces-banner",
    ),
    pytest.param(
        BANNER_OWN,
        "(R//REL TO XRE) Local",
        "XRE",
        ALLOW,
        "releasable",
        id="portion-rel-to-lets-new-partner-in",
    ),
    pytest.param(
        BANNER_COMMUNITY,
        "(U//TLP:GREEN) Summary",
        "XRE",
        NC,
        "tlp-green",
        id="community-inherited-outsider",
    ),
    pytest.param(
        BANNER_COMMUNITY,
        "(U//TLP:GREEN) Summary",
        "XTS",
        ALLOW,
        "releasable",
        id="community-inherited-member",
    ),
    pytest.param(
        BANNER_COMMUNITY,
        "(U) Summary",
        "XTS",
        NC,
        "third-party",
        id="tlp-amber-inherited",
    ),
]


@pytest.mark.parametrize(("banner_raw", "heading", "recipient", "outcome", "rule"), PORTIONS)
def test_portion_inheritance(
    banner_raw: dict[str, Any], heading: str | None, recipient: str, outcome: Outcome, rule: str
) -> None:
    banner = Handling.model_validate(banner_raw)
    if heading is None:
        handling = banner
    else:
        marking, title = parse_portion(heading)
        assert marking is not None
        assert title and not title.startswith("(")
        handling = marking.apply(banner)
        assert handling.originator == banner.originator
        assert handling.consents == banner.consents
        assert handling.community == banner.community
        assert handling.classification is marking.classification
    decision = decide(handling, REGISTRY, recipient, TODAY)
    assert (decision.outcome, decision.rule) == (outcome, rule), decision.reason


def test_portion_green_without_community_in_banner_is_rejected() -> None:
    marking, _ = parse_portion("(U//TLP:GREEN) Summary")
    assert marking is not None
    with pytest.raises(ValidationError):
        marking.apply(Handling.model_validate(H(classification="C", originator="XBO")))


# --- the document decision: the most restrictive of its portions ----------------------------


def _d(outcome: Outcome, rule: str) -> Decision:
    return Decision(outcome, rule, f"a test decision with rule {rule}")


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        pytest.param([ALLOW], ALLOW, id="single-allow"),
        pytest.param([ALLOW, ALLOW, ALLOW], ALLOW, id="all-allow"),
        pytest.param([ALLOW, NC, ALLOW], NC, id="one-needs-consent"),
        pytest.param([NC, ALLOW], NC, id="needs-consent-first"),
        pytest.param([ALLOW, NC, DENY, ALLOW], DENY, id="deny-beats-needs-consent"),
        pytest.param([DENY, NC], DENY, id="deny-first"),
        pytest.param([NC, NC], NC, id="all-needs-consent"),
    ],
)
def test_most_restrictive(outcomes: list[Outcome], expected: Outcome) -> None:
    rules = {ALLOW: "releasable", NC: "rel-to", DENY: "agreement"}
    decisions = [_d(o, rules[o]) for o in outcomes]
    worst = most_restrictive(decisions)
    assert worst.outcome is expected
    assert worst in decisions
    assert all(worst.outcome.severity >= d.outcome.severity for d in decisions)
    assert most_restrictive(iter(decisions)).outcome is expected


def test_most_restrictive_of_nothing_denies() -> None:
    decision = most_restrictive([])
    assert (decision.outcome, decision.rule) == (DENY, "unmarked")


def test_document_decision_from_real_portions() -> None:
    banner = Handling.model_validate(BANNER_OWN)
    headings = ["(U) Background", "(C//REL TO XMA) Contacts", "(S//ORCON) Sources"]
    portions = [parse_portion(h)[0].apply(banner) for h in headings]  # type: ignore[union-attr]
    to_xma = [decide(p, REGISTRY, "XMA", TODAY) for p in portions]
    assert [d.outcome for d in to_xma] == [ALLOW, ALLOW, DENY]
    assert most_restrictive(to_xma) == to_xma[2]
    assert to_xma[2].rule == "agreement"
    to_xbo = [decide(p, REGISTRY, "XBO", TODAY) for p in portions]
    assert [(d.outcome, d.rule) for d in to_xbo] == [
        (ALLOW, "releasable"),
        (DENY, "rel-to"),
        (ALLOW, "releasable"),
    ]
    assert most_restrictive(to_xbo).rule == "rel-to"
    foreign = Handling.model_validate(BANNER_FOREIGN)
    mixed = [foreign, parse_portion("(U//TLP:CLEAR) Public")[0].apply(foreign)]  # type: ignore[union-attr]
    to_xre = [decide(p, REGISTRY, "XRE", TODAY) for p in mixed]
    assert [(d.outcome, d.rule) for d in to_xre] == [(DENY, "agreement"), (ALLOW, "consent")]
    assert most_restrictive(to_xre).outcome is DENY


# --- clearance bounds everything; unmarked counts as TOP SECRET ------------------------------

VISIBLE = [
    pytest.param(None, "TOP SECRET", None, True, id="unmarked-visible-only-at-ts"),
    pytest.param(None, "SECRET", None, False, id="unmarked-above-secret"),
    pytest.param(H(originator="OWN"), "SECRET", None, False, id="no-classification-above-secret"),
    pytest.param(H(originator="OWN"), "TOP SECRET", "XTS", False, id="unmarked-denied-audience"),
    pytest.param(
        H(classification="U"), "SECRET", None, False, id="no-originator-counts-as-top-secret"
    ),
    pytest.param(H(classification="U"), "TOP SECRET", None, True, id="no-originator-visible-at-ts"),
    pytest.param(H(classification="S", originator="OWN"), "SECRET", None, True, id="at-clearance"),
    pytest.param(
        H(classification="TS", originator="OWN", rel_to=["XTS"]),
        "SECRET",
        "XTS",
        False,
        id="above-clearance-even-if-releasable",
    ),
    pytest.param(
        H(classification="TS", originator="OWN", rel_to=["XTS"]),
        "TOP SECRET",
        "XTS",
        True,
        id="ts-clearance-releasable",
    ),
    pytest.param(
        H(classification="R", originator="OWN"),
        "UNCLASSIFIED",
        None,
        False,
        id="restricted-above-unclassified-clearance",
    ),
    pytest.param(
        H(classification="S", originator="OWN", rel_to=["XBO"]),
        "SECRET",
        "XBO",
        True,
        id="audience-allowed",
    ),
    pytest.param(
        H(classification="S", originator="OWN", rel_to=["XBO"]),
        "SECRET",
        "XMA",
        False,
        id="audience-agreement-deny",
    ),
    pytest.param(
        H(classification="C", originator="XBO"),
        "SECRET",
        "XMA",
        False,
        id="needs-consent-is-not-visible",
    ),
    pytest.param(
        H(classification="C", originator="XBO"),
        "SECRET",
        None,
        True,
        id="no-audience-only-clearance",
    ),
    pytest.param(
        H(classification="U", originator="OWN"),
        "UNCLASSIFIED",
        "XQQ",
        False,
        id="unknown-audience",
    ),
]


@pytest.mark.parametrize(("raw", "clearance", "audience", "expected"), VISIBLE)
def test_visible(
    raw: dict[str, Any] | None, clearance: str, audience: str | None, expected: bool
) -> None:
    handling = Handling() if raw is None else Handling.model_validate(raw)
    level = Level.parse(clearance)
    assert (
        visible(handling, clearance=level, audience=audience, registry=REGISTRY, today=TODAY)
        is expected
    )


def test_visible_never_exceeds_clearance_for_any_level() -> None:
    for portion in Level:
        handling = Handling(classification=portion, originator="OWN", rel_to=("XTS",))
        for clearance in Level:
            expected = portion.rank <= clearance.rank
            assert within_clearance(handling, clearance) is expected
            for audience in (None, "XTS"):
                shown = visible(
                    handling, clearance=clearance, audience=audience, registry=REGISTRY, today=TODAY
                )
                assert shown is expected


# --- invalid values are rejected, never guessed ----------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(H(classification="U", originator="XBO", tlp="GREEN"), id="green-no-community"),
        pytest.param(
            H(classification="U", originator="XBO", tlp="green", community="  "),
            id="green-blank-community",
        ),
        pytest.param(H(classification="SECRETISH", originator="OWN"), id="unknown-level"),
        pytest.param(H(classification="X", originator="OWN"), id="unknown-short-level"),
        pytest.param(H(classification=3, originator="OWN"), id="level-not-text"),
        pytest.param(H(classification="U", originator="OWN", tlp="PINK"), id="unknown-tlp"),
        pytest.param(H(classification="U", originator="XBOR"), id="four-letter-originator"),
        pytest.param(
            H(classification="U", originator="OWN", rel_to=["XBOR"]), id="four-letter-rel"
        ),
        pytest.param(H(classification="U", originator="OWN", rel_to=["X1"]), id="bad-rel-to-code"),
        pytest.param(
            H(classification="U", originator="XBO", consents=[c("XMAA", NEXT_YEAR)]),
            id="four-letter-consent",
        ),
        pytest.param(
            H(classification="U", originator="XBO", consents=[c("XMA", "someday")]),
            id="bad-consent-date",
        ),
        pytest.param(H(classification="U", originator="OWN", orcon="yes"), id="orcon-not-bool"),
        pytest.param(H(classification="U", originator="OWN", caveat="NOFORN"), id="unknown-field"),
    ],
)
def test_invalid_handling_is_rejected(raw: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Handling.model_validate(raw)


def test_partner_code_must_be_three_letters() -> None:
    with pytest.raises(ValidationError):
        Partner(code="XBOR", name="Too Long", agreement_level="SECRET")
    with pytest.raises(ValidationError):
        Partner(code="XBO", name="Bad Level", agreement_level="SUPER SECRET")


def test_values_are_normalised_to_upper_case() -> None:
    handling = Handling.model_validate(
        H(
            classification="top secret",
            originator="xbo",
            rel_to=["xma", "xre", "xma"],
            tlp="amber+strict",
            community="nordic-ct",
            consents=[c("xma", TODAY)],
        )
    )
    assert handling.classification is Level.TOP_SECRET
    assert handling.originator == "XBO"
    assert handling.rel_to == ("XMA", "XRE")
    assert handling.tlp is not None and handling.tlp.value == "AMBER+STRICT"
    assert handling.community == "NORDIC-CT"
    assert handling.consents[0].to == "XMA"
    assert Handling.model_validate(H(classification="u", originator="own")).originator == "OWN"
