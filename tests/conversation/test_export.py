"""Export: the rules applied again for the export's audience, and a computed banner."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from assistant.audit.log import AuditLog
from assistant.conversation.export import export_markdown, exportable
from assistant.corpus.markings import Consent, Handling, Level
from assistant.errors import BadInput
from assistant.policy.gate import Audience
from tests.conftest import registry_of
from tests.conversation.conftest import FOR_XBO, PUBLIC, SECRET_OWN, turn
from tests.tui.conftest import FakeAssistant

TODAY = dt.date(2026, 12, 1)
REGISTRY = registry_of("XBO", "XMA")


def _audience(partner: str | None, clearance: Level = Level.SECRET) -> Audience:
    return Audience(clearance, partner, REGISTRY, TODAY)


def test_own_use_exports_everything_within_the_clearance() -> None:
    turns = [turn("a", PUBLIC), turn("b", FOR_XBO, audience="XBO"), turn("c", SECRET_OWN)]
    made = export_markdown(turns, _audience(None))
    assert len(made.turns) == 3 and made.left_out == 0
    lines = made.text.splitlines()
    assert lines[0] == lines[-1] == f"**{made.banner.banner()}**"
    assert made.banner.classification is Level.SECRET
    assert "## 2. b" in made.text
    assert "_Asked 2026-11-30T14:02:00Z for XBO, clearance SECRET._" in made.text
    assert "- [1] Doc 1 › Section 1 · CONFIDENTIAL//REL TO XBO · as of 2026-03-02" in made.text
    # Below the clearance, the SECRET turn is left out (and only counted).
    lower = export_markdown(turns, _audience(None, Level.CONFIDENTIAL))
    assert [t.question for t in lower.turns] == ["a", "b"]
    assert lower.left_out == 1
    assert "## 2. b" in lower.text and "## 3." not in lower.text
    assert lower.banner.classification is Level.CONFIDENTIAL
    assert "1 turn left out" in lower.text


def test_a_partner_export_holds_only_its_own_releasable_turns() -> None:
    turns = [
        turn("asked for XBO", PUBLIC, FOR_XBO, audience="XBO"),
        turn("asked for own use", PUBLIC),
        turn("asked for XMA", PUBLIC, audience="XMA"),
    ]
    made = export_markdown(turns, _audience("XBO"))
    assert [t.question for t in made.turns] == ["asked for XBO"]
    assert made.left_out == 2
    assert "asked for XMA" not in made.text and "asked for own use" not in made.text
    # The banner is computed from what is quoted: CONFIDENTIAL, released to XBO.
    assert made.banner.classification is Level.CONFIDENTIAL
    assert made.banner.rel_to == ("XBO",)
    assert made.text.startswith("**CONFIDENTIAL//REL TO XBO**")
    # The title is the first exported question, never one left out.
    assert "# Conversation: asked for XBO" in made.text


def test_a_turn_whose_consent_has_expired_is_no_longer_exported() -> None:
    consented = Handling(
        classification="CONFIDENTIAL",
        originator="XMA",
        orcon=True,
        consents=[Consent(to="XBO", expires=dt.date(2026, 11, 1))],
    )
    old = turn("given under a consent", consented, audience="XBO")
    assert not exportable(old, _audience("XBO"))
    made = export_markdown([old, turn("fine", PUBLIC, audience="XBO")], _audience("XBO"))
    assert [t.question for t in made.turns] == ["fine"]
    assert "given under a consent" not in made.text


def test_the_assistant_writes_the_file_and_the_audit_log(tmp_path: Path) -> None:
    fake = FakeAssistant(tmp_path / "store")
    target = tmp_path / "out" / "conv.md"
    made = fake.export([turn("a", PUBLIC, audience="XBO")], target, "XBO")
    assert target.read_text(encoding="utf-8") == made.text
    assert isinstance(fake.audit, AuditLog)
    last = json.loads(fake.audit.path.read_text(encoding="utf-8").splitlines()[-1])
    assert last["command"] == "export"
    assert last["audience"] == "XBO"
    assert last["chunks"] == ["chunk-1"]
    with pytest.raises(BadInput, match="nothing to export: no turn may go to XMA"):
        fake.export([turn("a", PUBLIC, audience="XBO")], tmp_path / "x.md", "XMA")
    assert not (tmp_path / "x.md").exists()
