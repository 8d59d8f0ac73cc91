"""A small corpus with mixed markings for the brief tests: a profile per partner (sections
from UNCLASSIFIED to SECRET, some releasable to it, some not), etiquette doctrine, the consent
procedure, products from three originators (TLP, ORCON, a consent that expires in December),
a ledger and a termbase. Every portion carries a canary, so a test can tell which text came
from where."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from assistant.config import Settings
from assistant.index.sync import sync
from assistant.service import Assistant
from tests.conftest import make_corpus
from tests.fakes import FakeEmbedder, MemoryStore

TODAY = dt.date(2026, 12, 1)
PARTNERS = ("XBO", "XMA", "XNE", "XCA")


def _front(doc_id: str, title: str, kind: str, handling: str, **extra: str) -> str:
    lines = [f"id: {doc_id}", f"title: {title}", f"kind: {kind}", "reviewed: 2026-10-01"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join(lines) + f"\nhandling: {handling}\n"


def _profile(code: str, country: str, level: str) -> tuple[str, str]:
    front = _front(
        f"{code.lower()}-profile",
        f"{country} ({code}) - cooperation profile",
        "partner-note",
        f"{{classification: S, originator: OWN, rel_to: [{code}, XNE]}}",
        partner=code,
        topics="[terrorism, cyber, etiquette, reciprocity]",
    )
    body = (
        f"## (R) Cooperation history and current level\n\n"
        f"The Service opened relations with {code} in 2009 with a protocol visit. "
        f"Cooperation with {code} reached training and technical assistance in 2015. "
        f"Cooperation with {code} has been at the {level} level since 2022. "
        f"CANARY-{code}-HISTORY-R marks this portion.\n\n"
        f"## (U) Etiquette particulars\n\n"
        f"{country} officials expect to be addressed by title and surname at every meeting. "
        f"{code} limits gifts to a value of about 40 euros, so a book is the right gift. "
        f"CANARY-{code}-ETIQUETTE-U marks this portion.\n\n"
        f"## (U) Language plan\n\n"
        f"Meetings with {code} use consecutive interpreting when an interpreter is present. "
        f"CANARY-{code}-LANGUAGE-U marks this portion.\n\n"
        f"## (C//REL TO {code}) Reciprocity ledger\n\n"
        f"The {code} ledger is balanced and reviewed each spring. "
        f"CANARY-{code}-LEDGER-C marks this portion.\n\n"
        f"## (S//REL TO XNE) Internal assessment\n\n"
        f"Our internal assessment of {code} says its leadership is divided. "
        f"CANARY-{code}-ASSESSMENT-S marks this portion.\n"
    )
    return front, body


def _docs() -> dict[str, tuple[str, str]]:
    docs = {
        "xbo-profile.md": _profile("XBO", "Borealia", "joint operations"),
        "xma-profile.md": _profile("XMA", "Maravia", "common knowledge bases"),
        "xne-profile.md": _profile("XNE", "Nerland", "joint operations"),
        "xca-profile.md": _profile("XCA", "Caldera", "protocol"),
    }
    docs["forms.md"] = (
        _front(
            "forms-of-address",
            "Forms of address",
            "etiquette",
            "{classification: U, originator: OWN}",
            topics="[etiquette]",
        ),
        "## (U) General rule\n\nThe safe default is to address a counterpart by title and surname "
        "until invited otherwise. CANARY-RULE-ADDRESS-U.\n",
    )
    docs["seating.md"] = (
        _front(
            "seating",
            "Seating and precedence",
            "etiquette",
            "{classification: U, originator: OWN}",
            topics="[etiquette]",
        ),
        "## (U) Seating\n\nThe place of honour at the table is on the host's right, and precedence "
        "decides the order of the seating. CANARY-RULE-SEATING-U.\n",
    )
    docs["gifts.md"] = (
        _front(
            "gifts-policy",
            "Gifts policy",
            "etiquette",
            "{classification: U, originator: OWN}",
            topics="[etiquette, gifts]",
        ),
        "## (U) Value thresholds\n\nThe Service sets value thresholds for gifts from partners. "
        "A gift worth EUR 50 or less may be kept without declaration. CANARY-RULE-GIFTS-U.\n",
    )
    docs["dress.md"] = (
        _front(
            "hospitality",
            "Hospitality and dress",
            "etiquette",
            "{classification: U, originator: OWN}",
            topics="[etiquette]",
        ),
        "## (U) Meals\n\nAt a dinner or lunch hosted by the Service a non-alcoholic drink is "
        "always offered, and dress is a dark suit. CANARY-RULE-DRESS-U.\n",
    )
    docs["consent.md"] = (
        _front(
            "requesting-originator-consent",
            "Requesting the originator's consent",
            "procedure",
            "{classification: U, originator: OWN}",
            topics="[sharing]",
        ),
        "## (U) The request\n\nThe liaison officer asks the originator for consent through the "
        "liaison channel before anything is passed. CANARY-CONSENT-U.\n",
    )
    docs["ct-report.md"] = (
        _front(
            "xne-ct-report",
            "XNE counter-terrorism report",
            "partner-note",
            "{classification: C, originator: XNE, rel_to: [], tlp: AMBER, consents: [{to: XBO, expires: 2026-12-10}]}",
            partner="XNE",
            topics="[terrorism]",
        ),
        "## (C) Findings\n\nThe report finds that recruitment moved to closed online groups in "
        "2026. CANARY-XNE-REPORT-C.\n",
    )
    docs["cyber-note.md"] = (
        _front(
            "own-cyber-note",
            "Our cyber note",
            "partner-note",
            "{classification: S, originator: OWN, rel_to: [XBO, XNE, XMA]}",
            topics="[cyber]",
        ),
        "## (R) Intrusions\n\nThe cyber note describes intrusion attempts against ministry "
        "networks in 2026. CANARY-CYBER-R.\n\n"
        "## (S//REL TO XNE) Sources\n\nThe intrusions were traced by a sensitive source. "
        "CANARY-CYBER-SOURCE-S.\n",
    )
    docs["orcon.md"] = (
        _front(
            "xca-orcon-note",
            "XCA terrorism financing note",
            "partner-note",
            "{classification: C, originator: XCA, rel_to: [XBO], orcon: true}",
            partner="XCA",
            topics="[terrorism]",
        ),
        "## (C) Findings\n\nThe note finds financing through charities. CANARY-XCA-ORCON-C.\n",
    )
    return docs


LEDGER = """handling: {classification: UNCLASSIFIED, originator: OWN, orcon: true, rel_to: [XBO, XMA, XNE, XCA]}
exchanges:
  - {date: 2025-03-01, partner: XBO, direction: given, topic: terrorism, classification: SECRET}
  - {date: 2025-08-01, partner: XBO, direction: received, topic: cyber, classification: CONFIDENTIAL}
  - {date: 2026-02-01, partner: XBO, direction: given, topic: terrorism, classification: SECRET}
  - {date: 2026-06-01, partner: XBO, direction: received, topic: terrorism, classification: CONFIDENTIAL}
  - {date: 2025-01-10, partner: XMA, direction: given, topic: training, classification: RESTRICTED}
  - {date: 2025-06-10, partner: XMA, direction: given, topic: training, classification: RESTRICTED}
  - {date: 2026-01-10, partner: XMA, direction: given, topic: cyber, classification: RESTRICTED}
  - {date: 2026-05-10, partner: XMA, direction: given, topic: cyber, classification: RESTRICTED}
  - {date: 2026-09-10, partner: XMA, direction: given, topic: training, classification: RESTRICTED}
"""
TERMBASE = """concepts:
  - id: terrorism
    subject: security
    definition: The use of violence to intimidate for political aims.
    terms: {en: [terrorism], sv: [terrorism], es: [terrorismo], nl: [terrorisme]}
  - id: cyber
    subject: security
    definition: Security of networks and computers.
    terms: {en: [cyber], sv: [cyber], es: [ciberseguridad]}
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_corpus(tmp_path_factory.mktemp("brief") / "corpus", _docs(), partners=PARTNERS)
    (root / "ledger.yaml").write_text(LEDGER, encoding="utf-8")
    (root / "termbase.yaml").write_text(TERMBASE, encoding="utf-8")
    return root


@pytest.fixture
def assistant(corpus: Path, tmp_path: Path) -> Assistant:
    settings = Settings(store=str(tmp_path / "store"), today=TODAY)
    store, embedder = MemoryStore(), FakeEmbedder()
    report = sync(settings, [corpus], store=store, embedder=embedder)
    assert not report.rejected, report.rejected
    return Assistant(settings, store=store, embedder=embedder)  # type: ignore[arg-type]


def canaries_denied(assistant: Assistant, partner: str, meeting: dt.date) -> dict[str, str]:
    """Every canary of a portion whose decision for ``partner`` on ``meeting`` is not ALLOW."""
    import re

    from assistant.policy.rules import decide

    registry = assistant.registry
    out: dict[str, str] = {}
    for chunk in assistant.store.all():
        d = decide(chunk_handling(chunk), registry, partner, meeting)
        if not d.allowed:
            for canary in re.findall(r"CANARY-[A-Z-]+", chunk.text):
                out[canary] = d.outcome.value
    return out


def chunk_handling(chunk: Any):  # type: ignore[no-untyped-def]
    from assistant.corpus.markings import from_metadata

    return from_metadata(chunk.meta)
