"""Meeting briefs: release safety for every audience, the consent that lapses before the
meeting, the computed banner, the withheld list, the language plan, the three formats."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.brief.html import to_html
from assistant.brief.markdown import to_markdown
from assistant.cli.app import app
from assistant.corpus.markings import from_metadata
from assistant.policy.checks import check_document
from assistant.policy.rules import Outcome, decide
from assistant.service import Assistant
from assistant.text import sentences
from tests.brief.conftest import PARTNERS, TODAY, canaries_denied

MEETING = dt.date(2026, 12, 15)
GOLDEN = Path(__file__).parent / "golden"


def _all_formats(assistant: Assistant, partner: str, meeting: dt.date = MEETING) -> tuple[str, str, str, object]:  # fmt: skip
    brief = assistant.brief(partner, meeting=meeting)
    return to_markdown(brief), to_html(brief), json.dumps(brief.as_dict()), brief


@pytest.mark.parametrize("partner", PARTNERS)
def test_no_text_of_a_portion_not_allowed_appears_in_any_format(
    assistant: Assistant, partner: str
) -> None:
    md, html, js, _ = _all_formats(assistant, partner)
    denied = canaries_denied(assistant, partner, MEETING)
    assert denied, "the corpus must hold portions denied to every partner"
    for chunk in assistant.store.all():
        handling = from_metadata(chunk.meta)
        if decide(handling, assistant.registry, partner, MEETING).allowed:
            continue
        for sentence in sentences(chunk.text):
            if len(sentence) > 24:
                for name, text in (("md", md), ("html", html), ("json", js)):
                    assert sentence not in text, f"{partner} {name}: {sentence!r}"
    for canary in denied:
        assert canary not in md + html + js


@pytest.mark.parametrize("partner", PARTNERS)
def test_the_banner_is_not_below_anything_cited(assistant: Assistant, partner: str) -> None:
    _, _, js, brief = _all_formats(assistant, partner)
    banner = brief.banner  # type: ignore[attr-defined]
    assert brief.citations  # type: ignore[attr-defined]
    for hit in brief.citations:  # type: ignore[attr-defined]
        assert hit.handling.effective_level().rank <= banner.effective_level().rank
        if hit.handling.orcon:
            assert banner.orcon
    for section in brief.sections:  # type: ignore[attr-defined]
        for para in section.paragraphs:
            assert para.handling.effective_level().rank <= banner.effective_level().rank
    obj = json.loads(js)
    assert obj["banner"]["classification"] == banner.classification.value
    assert partner in obj["banner"]["rel_to"] or obj["banner"]["classification"] == "UNCLASSIFIED"


@pytest.mark.parametrize("partner", PARTNERS)
def test_the_withheld_list_names_exactly_the_consent_items(
    assistant: Assistant, partner: str
) -> None:
    md, _, js, brief = _all_formats(assistant, partner)
    manifest = assistant.manifest
    topics = set(brief.topics)  # type: ignore[attr-defined]
    expected = {
        d
        for d, e in manifest.documents.items()
        if set(e.topics) & topics
        and check_document(manifest, d, partner, MEETING).outcome is Outcome.NEEDS_CONSENT
    }
    named = {w["doc_id"] for w in json.loads(js)["withheld"]}
    assert named == expected
    denied_docs = {
        d
        for d, e in manifest.documents.items()
        if check_document(manifest, d, partner, MEETING).outcome is Outcome.DENY
        and not any(
            p.decision.allowed for p in check_document(manifest, d, partner, MEETING).sections
        )
    }
    for doc_id in denied_docs:  # a document wholly denied is never named
        assert doc_id not in md and manifest.documents[doc_id].title not in md


@pytest.mark.parametrize(
    ("partner", "language", "interpreter"),
    [
        ("XBO", "English", "Not needed"),
        ("XMA", "Spanish", "On request"),
        ("XNE", "not recorded", "Needed"),
    ],
)
def test_the_language_plan_is_stated(
    assistant: Assistant, partner: str, language: str, interpreter: str
) -> None:
    md, _, _, _ = _all_formats(assistant, partner)
    assert f"**Working language:** {language}." in md
    assert f"**Interpreter:** {interpreter}." in md


def test_a_consent_that_lapses_before_the_meeting_changes_the_decision(
    assistant: Assistant,
) -> None:
    before = assistant.brief("XBO", meeting=dt.date(2026, 12, 5))
    after = assistant.brief("XBO", meeting=dt.date(2026, 12, 15))
    assert "xne-ct-report" not in {w.doc_id for w in before.withheld}
    assert "xne-ct-report" in {w.doc_id for w in after.withheld}
    shared_before = to_markdown(before)
    assert "XNE counter-terrorism report" in shared_before.split("## 4.")[1].split("## 5.")[0]
    assert "recruitment moved to closed online groups" in shared_before
    shared_after = to_markdown(after).split("## 4.")[1].split("## 5.")[0]
    assert "XNE counter-terrorism report" not in shared_after
    assert "recruitment moved" not in to_markdown(after)


def test_reciprocity_numbers_and_the_lopsided_flag(assistant: Assistant) -> None:
    xma = to_markdown(assistant.brief("XMA", meeting=MEETING))
    assert "Lopsided: XMA takes far more than it gives." in xma
    assert "given 5, received 0" in xma
    xbo = to_markdown(assistant.brief("XBO", meeting=MEETING))
    assert "**Ledger:** Balanced." in xbo and "given 2, received 2" in xbo


def test_every_paragraph_carries_its_portion_mark(assistant: Assistant) -> None:
    md = to_markdown(assistant.brief("XBO", meeting=MEETING))
    body = md.split("## Sources")[0].split("\n## 1.")[1]
    paragraphs = [
        p for p in body.split("\n\n")[1:] if p.strip() and not p.lstrip().startswith("##")
    ]
    assert paragraphs
    for para in paragraphs:
        assert re.match(r"^(\((U|R|C|S|TS)(//[^)]+)?\) |_)", para.strip()), para


def test_html_is_self_contained_with_banners_and_a_chart(assistant: Assistant) -> None:
    brief = assistant.brief("XBO", meeting=MEETING)
    html = to_html(brief)
    assert html.count(brief.banner_line) >= 5  # title, print top, print bottom, screen top/bottom
    assert "<svg" in html and "given" in html and "received" in html
    assert not re.search(r'(src|href)\s*=\s*"(https?:|//)', html)
    assert "<link" not in html and "<script" not in html
    assert "@media print" in html and "position: fixed" in html


def test_the_markdown_layout_matches_the_golden_file(assistant: Assistant) -> None:
    md = to_markdown(assistant.brief("XBO", meeting=MEETING))
    golden = GOLDEN / "xbo-brief.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(md, encoding="utf-8")
    assert md == golden.read_text(encoding="utf-8"), "run with UPDATE_GOLDEN=1 to review"


def test_the_brief_is_written_to_the_audit_log(assistant: Assistant) -> None:
    brief = assistant.brief("XBO", meeting=MEETING)
    assert assistant.audit is not None
    (entry,) = [e for e in assistant.audit.entries() if e["command"] == "brief"]
    assert entry["audience"] == "XBO" and entry["chunks"] == [h.chunk_id for h in brief.citations]
    assert {w["doc_id"] for w in entry["withheld"]} == {w.doc_id for w in brief.withheld}
    assert entry["detail"]["banner"] == brief.banner_line
    assert assistant.audit.verify().ok


def test_cli_formats_and_files(assistant: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from assistant import service

    monkeypatch.setattr(service, "make_assistant", lambda *a, **k: assistant)
    runner = CliRunner()
    md = runner.invoke(app, ["brief", "Borealia", "--date", "2026-12-15"])
    assert md.exit_code == 0 and md.stdout.startswith("**CONFIDENTIAL//REL TO XBO")
    js = runner.invoke(app, ["brief", "XBO", "--format", "json", "--topics", "cyber"])
    obj = json.loads(js.stdout)
    assert obj["partner"] == "XBO" and obj["topics"] == ["cyber"]
    assert obj["sections"][0]["title"] == "Partner at a glance"
    out = tmp_path / "xbo.html"
    html = runner.invoke(app, ["brief", "XBO", "--out", str(out)])
    assert html.exit_code == 0 and out.read_text().startswith("<!DOCTYPE html>")
    bad = runner.invoke(app, ["brief", "XBO", "--format", "pdf"])
    assert bad.exit_code == 2 and "unknown brief format" in bad.stderr
    unknown = runner.invoke(app, ["brief", "XQQ"])
    assert unknown.exit_code == 2 and "unknown partner" in unknown.stderr
    date = runner.invoke(app, ["brief", "XBO", "--date", "15/12/2026"])
    assert date.exit_code == 2 and "ISO date" in date.stderr


@pytest.mark.skipif(
    not any(Path(p).exists() for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser")),
    reason="Chromium is not installed (Debian package chromium; .ci/run installs it)",
)
def test_the_html_opens_in_a_headless_browser(assistant: Assistant, tmp_path: Path) -> None:
    import shutil
    import subprocess

    page = tmp_path / "brief.html"
    page.write_text(to_html(assistant.brief("XMA", meeting=MEETING)), encoding="utf-8")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]  # fmt: skip
    shot = tmp_path / "brief.png"
    done = subprocess.run(
        [browser, *flags, f"--screenshot={shot}", "--window-size=900,1400", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert shot.is_file() and shot.stat().st_size > 10_000, done.stderr[-800:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = tmp_path / "brief.pdf"
    subprocess.run(
        [browser, *flags, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-"
    pages = pdf.read_bytes().count(b"/Type /Page\n") + pdf.read_bytes().count(b"/Type /Page>>")
    assert pages <= 3 or pages == 0  # one to three printed pages (0: the count is not exposed)


def test_today_is_the_default_meeting_date(assistant: Assistant) -> None:
    assert assistant.brief("XBO").meeting == TODAY
