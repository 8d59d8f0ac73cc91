"""`liaison check` (SPEC section 4): document-level decisions from the catalogue only."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app
from assistant.corpus.catalogue import DocEntry, Portion
from assistant.corpus.markings import Handling, Level
from assistant.corpus.partners import Partner
from assistant.errors import NotFound
from assistant.index.manifest import Manifest, save_manifest
from assistant.policy.checks import BANNER, check_document, sentence
from assistant.policy.rules import Outcome, decide
from tests.conftest import registry_of
from tests.spec import SPEC_RULE_IDS

runner = CliRunner()
TODAY = dt.date(2026, 10, 1)

PARTNERS = ("XBO", "XMA", "XNE", "XCA", "XVE", "XTA")


def _partners() -> dict[str, Partner]:
    return dict(registry_of(*PARTNERS).partners)


def _entry(title: str, banner: Handling | None, *sections: tuple[str, dict[str, Any]]) -> DocEntry:
    """A catalogue entry: the banner, then each section's handling as overrides of the banner."""
    banner = banner or Handling()
    portions = [Portion(section=BANNER, handling=banner)]
    for name, override in sections:
        body = banner.model_dump() | override if banner.is_marked else {}
        portions.append(Portion(section=name, handling=Handling.model_validate(body)))
    return DocEntry(
        digest="x",
        path=f"/corpus/{title}.md",
        source=f"corpus/{title}.md",
        title=title.replace("-", " ").capitalize(),
        kind="partner-note",
        reviewed=dt.date(2026, 5, 1),
        banner=banner,
        portions=tuple(portions),
    )


def _manifest() -> Manifest:
    own = Handling(classification="C", originator="OWN", rel_to=["XBO", "XMA"])
    foreign = Handling(
        classification="C",
        originator="XBO",
        tlp="AMBER",
        orcon=True,
        consents=[{"to": "XNE", "expires": "2027-06-30"}, {"to": "XCA", "expires": "2026-03-31"}],
    )
    return Manifest(
        partners=_partners(),
        documents={
            "own-mixed": _entry(
                "own-mixed",
                own,
                ("Background", {"classification": "U"}),
                ("Contacts", {"rel_to": ["XBO"]}),
            ),
            "xbo-assessment": _entry(
                "xbo-assessment",
                foreign,
                ("Key judgements", {"classification": "R"}),
                ("Networks", {}),
            ),
            "unmarked-note": _entry("unmarked-note", None, ("Notes", {})),
            "ts-report": _entry(
                "ts-report",
                Handling(classification="TS", originator="OWN", rel_to=["XBO"]),
                ("Sources", {}),
                ("Tear-line summary", {"classification": "U"}),
            ),
            "xca-green": _entry(
                "xca-green",
                Handling(
                    classification="U", originator="XCA", tlp="GREEN", community="CENTRAL-FIN"
                ),
                ("Typologies", {}),
            ),
            "xma-amber": _entry(
                "xma-amber",
                Handling(classification="U", originator="XMA", tlp="AMBER"),
                ("Routes", {}),
            ),
            "orcon-own": _entry(
                "orcon-own",
                Handling(classification="U", originator="OWN", orcon=True),
                ("Lines to take", {}),
            ),
        },
    )


# -- the engine ------------------------------------------------------------------------------


def test_document_decision_is_the_most_restrictive_portion() -> None:
    m = _manifest()
    to_xbo = check_document(m, "own-mixed", "XBO", TODAY)
    assert to_xbo.outcome is Outcome.ALLOW
    assert [p.decision.outcome for p in to_xbo.portions] == [Outcome.ALLOW] * 3

    to_xma = check_document(m, "own-mixed", "XMA", TODAY)
    assert to_xma.outcome is Outcome.DENY and to_xma.decision.rule == "rel-to"
    by_section = {p.section: p.decision.outcome for p in to_xma.portions}
    assert by_section == {
        BANNER: Outcome.ALLOW,
        "Background": Outcome.ALLOW,
        "Contacts": Outcome.DENY,
    }
    # The reason says which section decided, and each portion's reason is its own decision's.
    assert to_xma.decision.reason.startswith('Section "Contacts": ')
    assert [s.section for s in to_xma.sections_with(Outcome.ALLOW)] == ["Background"]
    assert "1 of 2 sections may be passed on their own" in to_xma.verdict()


def test_portion_decisions_are_the_engines() -> None:
    m = _manifest()
    result = check_document(m, "xbo-assessment", "XMA", TODAY)
    registry = m.registry()
    for portion, stored in zip(
        result.portions, m.documents["xbo-assessment"].portions, strict=True
    ):
        assert portion.decision == decide(stored.handling, registry, "XMA", TODAY)


def test_needs_consent_names_the_originator_and_every_consent_on_record() -> None:
    result = check_document(_manifest(), "xbo-assessment", "XCA", TODAY)
    assert result.outcome is Outcome.NEEDS_CONSENT
    assert result.ask == "XBO" and result.originator_name == "Borealian Security Service"
    consents = {c.to: (c.expires.isoformat(), c.expired) for c in result.consents}
    assert consents == {"XCA": ("2026-03-31", True), "XNE": ("2027-06-30", False)}
    assert "expired 2026-03-31" in result.decision.reason
    obj = result.as_dict()
    assert obj["originator"] == "XBO"
    assert {"to": "XCA", "expires": "2026-03-31", "expired": True} in obj["consents"]


def test_a_valid_consent_allows_and_expires_after_its_last_day() -> None:
    m = _manifest()
    on_last_day = check_document(m, "xbo-assessment", "XNE", dt.date(2027, 6, 30))
    assert on_last_day.outcome is Outcome.ALLOW and on_last_day.decision.rule == "consent"
    assert on_last_day.ask is None
    day_after = check_document(m, "xbo-assessment", "XNE", dt.date(2027, 7, 1))
    assert day_after.outcome is Outcome.NEEDS_CONSENT
    assert all(c.expired for c in day_after.consents if c.to == "XNE")


def test_agreement_denies_whatever_the_consent() -> None:
    result = check_document(_manifest(), "xbo-assessment", "XVE", TODAY)
    assert result.outcome is Outcome.DENY and result.decision.rule == "agreement"
    # Its RESTRICTED section is not above the agreement: consent is the route for that one.
    key = next(p for p in result.portions if p.section == "Key judgements")
    assert key.decision.outcome is Outcome.NEEDS_CONSENT
    assert "needs the consent of XBO" in result.verdict()


def test_unknown_recipient_is_a_deny_decision_with_a_hint() -> None:
    result = check_document(_manifest(), "own-mixed", "xqq", TODAY)
    assert result.to == "XQQ"
    assert result.outcome is Outcome.DENY and result.decision.rule == "unknown-recipient"
    assert all(p.decision.rule == "unknown-recipient" for p in result.portions)
    assert result.hint is not None and "XBO, XCA, XMA, XNE, XTA, XVE" in result.hint
    assert check_document(_manifest(), "own-mixed", "XBO", TODAY).hint is None


@pytest.mark.parametrize("name", ["Borealia", "Borealian Security Service", "the Borealians"])
def test_recipient_may_be_named(name: str) -> None:
    assert check_document(_manifest(), "own-mixed", name, TODAY).to == "XBO"


def test_unknown_document_is_not_found_with_a_hint() -> None:
    with pytest.raises(NotFound) as err:
        check_document(_manifest(), "own-mixd", "XBO", TODAY)
    assert err.value.exit_code == 2
    assert "did you mean own-mixed" in err.value.one_line()
    with pytest.raises(NotFound, match="store is empty"):
        check_document(Manifest(), "own-mixed", "XBO", TODAY)


def test_unmarked_document_is_denied_to_everyone() -> None:
    for code in PARTNERS:
        result = check_document(_manifest(), "unmarked-note", code, TODAY)
        assert result.outcome is Outcome.DENY and result.decision.rule == "unmarked"
        assert result.originator is None


def test_sections_above_clearance_are_not_named_but_still_decide() -> None:
    result = check_document(_manifest(), "ts-report", "XBO", TODAY, clearance=Level.SECRET)
    names = [p.section for p in result.portions]
    assert "Sources" not in names and "Tear-line summary" in names
    assert sum(p.above_clearance for p in result.portions) == 2  # banner and Sources
    assert result.outcome is Outcome.DENY and result.decision.rule == "agreement"
    cleared = check_document(_manifest(), "ts-report", "XBO", TODAY, clearance=Level.TOP_SECRET)
    assert "Sources" in [p.section for p in cleared.portions]


def _all_checks() -> list[Any]:
    m = _manifest()
    return [
        check_document(m, doc_id, code, day)
        for doc_id in m.documents
        for code in [*PARTNERS, "XQQ"]
        for day in (TODAY, dt.date(2027, 7, 1))
    ]


def test_every_reason_reads_as_a_sentence() -> None:
    checks = _all_checks()
    rules = {p.decision.rule for c in checks for p in c.portions}
    # The grid covers every rule of SPEC section 2.
    assert rules >= SPEC_RULE_IDS
    texts = [c.decision.reason for c in checks] + [c.verdict() for c in checks]
    texts += [p.reason for c in checks for p in c.portions]
    for text in texts:
        assert text[0].isupper() or text.startswith('Section "'), text
        assert text.endswith("."), text
        assert "  " not in text and ".." not in text, text
        for odd in ("(no partner)", "only to no partner", "None", "none on record"):
            assert odd not in text, text


def test_sentence_smooths_policy_wording() -> None:
    assert sentence("needs consent from XBO (originator control); none on record", "XCA") == (
        "Needs consent from XBO (originator control); no consent for XCA is on record."
    )
    assert sentence("x is not in REL TO (no partner); y").startswith(
        "X is not in REL TO, which names no partner"
    )


# -- the command -----------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store folder holding only a manifest: `check` must need nothing else."""
    folder = tmp_path / "store"
    save_manifest(str(folder), _manifest())
    return folder


def test_check_json_is_the_spec_shape(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_TODAY", "2026-10-01")
    result = runner.invoke(
        app, ["check", "xbo-assessment", "--to", "XCA", "--store", str(store), "--json"]
    )
    assert result.exit_code == 0, result.output
    obj = json.loads(result.stdout)
    assert list(obj) == [
        "doc_id",
        "to",
        "decision",
        "rule",
        "reason",
        "portions",
        "originator",
        "consents",
    ]
    assert (obj["doc_id"], obj["to"], obj["decision"], obj["rule"]) == (
        "xbo-assessment",
        "XCA",
        "NEEDS_CONSENT",
        "rel-to",
    )
    assert [list(p) for p in obj["portions"]] == [["section", "decision", "rule", "reason"]] * 3
    assert [p["section"] for p in obj["portions"]] == [BANNER, "Key judgements", "Networks"]


def test_check_human_output_leads_with_the_verdict(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIAISON_STORE", str(store))
    monkeypatch.setenv("LIAISON_TODAY", "2026-10-01")
    monkeypatch.setenv("COLUMNS", "160")
    result = runner.invoke(app, ["check", "own-mixed", "--to", "Maravia"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Own mixed (own-mixed)")
    assert lines[1].startswith("DENY: Not releasable to XMA (Maravian Intelligence Directorate)")
    assert "Contacts" in result.stdout and "rel-to" in result.stdout
    assert "Rules applied on 2026-10-01." in result.stdout

    result = runner.invoke(app, ["check", "xbo-assessment", "--to", "XCA"])
    assert "NEEDS CONSENT: Releasable to XCA" in result.stdout
    assert "Ask the originator XBO (Borealian Security Service)" in result.stdout
    assert "XCA until 2026-03-31 (expired)" in result.stdout


def test_check_unknown_recipient_exits_0_with_a_hint(store: Path) -> None:
    result = runner.invoke(app, ["check", "own-mixed", "--to", "XQQ", "--store", str(store)])
    assert result.exit_code == 0
    assert "DENY" in result.stdout and "unknown-recipient" in result.stdout
    assert "known partners: XBO" in result.stderr


def test_check_unknown_document_exits_2_with_one_line(store: Path) -> None:
    result = runner.invoke(app, ["check", "nope", "--to", "XBO", "--store", str(store)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "no document 'nope'" in result.stderr


def test_check_requires_to(store: Path) -> None:
    result = runner.invoke(app, ["check", "own-mixed", "--store", str(store)])
    assert result.exit_code == 2


def test_check_loads_neither_model_nor_store(store: Path, tmp_path: Path) -> None:
    """`check` reads the manifest only: no torch, no sentence-transformers, no chromadb."""
    probe = (
        "import sys\n"
        "from assistant.cli.app import main\n"
        "sys.argv = ['liaison'] + sys.argv[1:]\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'chromadb', 'sentence_transformers', 'textual') "
        "if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    env = {**os.environ, "LIAISON_HOME": str(tmp_path / "h")}
    out = subprocess.run(
        [sys.executable, "-c", probe, "check", "own-mixed", "--to", "XBO", "--store", str(store)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert "ALLOW" in out.stdout, out.stdout + out.stderr
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr
    assert not (store / "chroma.sqlite3").exists()


# -- on the shipped corpus -------------------------------------------------------------------


@pytest.mark.integration
def test_shipped_threat_assessment(shipped_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_TODAY", "2026-10-01")
    args = ["check", "xbo-ct-threat-assessment-2026", "--store", str(shipped_store), "--json"]
    expected = {
        "XNE": ("ALLOW", "consent"),
        "XCA": ("NEEDS_CONSENT", "rel-to"),  # its consent expired on 2026-03-31
        "XBO": ("ALLOW", "originator"),
        "XVE": ("DENY", "agreement"),
        "XTA": ("DENY", "agreement"),
    }
    for to, (decision, rule) in expected.items():
        obj = json.loads(runner.invoke(app, [*args, "--to", to]).stdout)
        assert (obj["decision"], obj["rule"]) == (decision, rule), (to, obj)
    obj = json.loads(runner.invoke(app, [*args, "--to", "XCA"]).stdout)
    assert {"to": "XCA", "expires": "2026-03-31", "expired": True} in obj["consents"]


@pytest.mark.integration
def test_shipped_money_laundering_to_xbo(shipped_store: Path) -> None:
    from assistant.index.manifest import load_manifest

    result = check_document(
        load_manifest(str(shipped_store)), "money-laundering-cooperation", "XBO", TODAY
    )
    assert result.outcome is Outcome.DENY and result.decision.rule == "rel-to"
    assert [s.section for s in result.sections_with(Outcome.DENY)] == [
        "CENTRAL-FIN working group",
        "Pilot joint operation with XCA",
    ]
    assert len(result.sections_with(Outcome.ALLOW)) == 3


def test_documents_named_by_id_title_words_or_partner() -> None:
    from assistant.policy.checks import documents_named

    m = _manifest()
    registry = m.registry()
    assert documents_named(m, registry, "the own-mixed file") == ["own-mixed"]
    assert documents_named(m, registry, "the XBO assessment") == ["xbo-assessment"]
    assert documents_named(m, registry, "the Borealian assessment document") == ["xbo-assessment"]
    assert documents_named(m, registry, "the Calderan assessment") == []
    assert documents_named(m, registry, "the weather") == []


def test_an_empty_recipient_is_bad_input(store: Path) -> None:
    result = runner.invoke(app, ["check", "own-mixed", "--to", " ", "--store", str(store)])
    assert result.exit_code == 2 and "the recipient is empty" in result.stderr
