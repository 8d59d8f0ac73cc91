"""The consent route: whom to ask, through which channel, and the request to send."""

from __future__ import annotations

import datetime as dt

from assistant.corpus.catalogue import DocEntry, Portion
from assistant.corpus.markings import Consent, Handling
from assistant.index.manifest import Manifest
from assistant.policy.checks import check_document
from assistant.policy.consent import consent_request
from tests.conftest import registry_of

TODAY = dt.date(2026, 12, 1)
REGISTRY = registry_of("XBO", "XCA", "XMA")
GREEN = Handling(
    classification="UNCLASSIFIED", originator="XCA", tlp="GREEN", community="CENTRAL-FIN",
    consents=[Consent(to="XBO", expires=dt.date(2026, 10, 1))],
)  # fmt: skip
SECRET_PART = Handling(classification="TOP SECRET", originator="XCA")


def _manifest(*portions: tuple[str, Handling]) -> Manifest:
    entry = DocEntry(
        digest="0" * 16, path="/c/x.md", source="corpus/x.md", title="XCA typologies",
        kind="partner", reviewed=TODAY, banner=GREEN, chunks=("c1",),
        portions=tuple(Portion(section=s, handling=h) for s, h in portions),
    )  # fmt: skip
    return Manifest(partners=dict(REGISTRY.partners), documents={"xca-typologies": entry})


def test_the_request_names_whom_to_ask_the_channel_and_the_sections() -> None:
    manifest = _manifest(("Purpose", GREEN), ("Indicators", GREEN))
    check = check_document(manifest, "xca-typologies", "XBO", TODAY)
    request = consent_request(check, GREEN)
    assert request is not None
    assert request.originator == "XCA"
    assert request.whom.startswith("XCA (") and request.whom.endswith("), the originator")
    assert request.channel == "the liaison channel"
    assert request.sections == ("Purpose", "Indicators")
    assert request.expired is not None and request.expired.expires == dt.date(2026, 10, 1)
    assert request.action() == (
        f"ask {request.whom}, through the liaison channel for consent to pass it to XBO; "
        "the consent on record expired on 2026-10-01"
    )
    text = request.text().splitlines()
    assert text[0] == text[-1] == GREEN.banner()
    assert "To: " + request.whom in text
    assert "Subject: request for consent to release xca-typologies to XBO" in text
    assert any("expired on 2026-10-01; we ask to renew it" in line for line in text)
    assert any(line.startswith("The consent is needed for: Purpose; Indicators") for line in text)


def test_a_section_above_the_clearance_is_never_named() -> None:
    from assistant.corpus.markings import Level

    manifest = _manifest(("Purpose", GREEN), ("Source names", SECRET_PART))
    check = check_document(manifest, "xca-typologies", "XBO", TODAY, clearance=Level.SECRET)
    request = consent_request(check, GREEN)
    assert request is not None
    assert "Source names" not in request.text()


def test_no_request_when_nobody_can_consent() -> None:
    allowed = Handling(classification="UNCLASSIFIED", originator="OWN")
    manifest = _manifest(("All", allowed))
    check = check_document(manifest, "xca-typologies", "XBO", TODAY)
    assert consent_request(check, allowed) is None
