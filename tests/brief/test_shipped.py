"""A brief for every shipped partner, on the real model and store: all seven sections, the
release rules respected on real text, and the things an officer needs stated."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from assistant.brief.html import to_html
from assistant.brief.markdown import to_markdown
from assistant.corpus.markings import from_metadata
from assistant.policy.rules import decide
from assistant.text import sentences

pytestmark = pytest.mark.integration
MEETING = dt.date(2026, 12, 15)
SHIPPED_PARTNERS = ("XBO", "XCA", "XLU", "XMA", "XNE", "XOS", "XTA", "XVE")


@pytest.fixture(scope="module")
def denied_text(shipped_store):  # type: ignore[no-untyped-def]
    """For each partner, every sentence of a portion not ALLOW for it on the meeting date."""
    from assistant.index.manifest import load_manifest
    from assistant.index.store import open_store

    registry = load_manifest(str(shipped_store)).registry()
    chunks = open_store(str(shipped_store)).all()
    return {
        p: [
            s
            for c in chunks
            if not decide(from_metadata(c.meta), registry, p, MEETING).allowed
            for s in sentences(c.text)
            if len(s) > 30
        ]
        for p in SHIPPED_PARTNERS
    }


@pytest.mark.parametrize("partner", SHIPPED_PARTNERS)
def test_a_brief_for_each_shipped_partner(shipped, denied_text, partner: str) -> None:  # type: ignore[no-untyped-def]
    brief = shipped.brief(partner, meeting=MEETING)
    md, html, js = to_markdown(brief), to_html(brief), json.dumps(brief.as_dict())
    assert brief.sections[0].title == "Partner at a glance"
    assert len(brief.sections) == 7 and brief.citations
    assert "**Cooperation level:**" in md and "**Working language:**" in md
    assert "**Interpreter:**" in md and "## 7. Suggested talking points" in md
    assert md.startswith(f"**{brief.banner_line}**") and md.rstrip().endswith(
        f"**{brief.banner_line}**"
    )
    assert denied_text[partner], "each partner has portions it may not see"
    for sentence in denied_text[partner]:
        assert sentence not in md and sentence not in html and sentence not in js, sentence


def test_the_partner_that_only_takes_is_flagged(shipped) -> None:  # type: ignore[no-untyped-def]
    md = to_markdown(shipped.brief("XTA", meeting=MEETING))
    assert "Lopsided: XTA takes far more than it gives." in md
    assert "ask what XTA can contribute in return" in md
