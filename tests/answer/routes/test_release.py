"""Release questions ("Can I share X with P?") answered by the rules engine, never by a model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.answer.routes.release import DOCTRINE, route
from assistant.answer.types import Answer
from assistant.corpus.partners import load_registry
from assistant.eval.metrics import check_citations
from assistant.policy.gate import admit
from assistant.policy.questions import parse_release_question
from assistant.retrieval.types import Filters
from assistant.text import sentences

ROOT = Path(__file__).resolve().parents[3]
REGISTRY = load_registry(ROOT / "corpus" / "partners.yaml")
TODAY = "2026-10-01"


# -- recognising the question ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "recipients", "topic", "mode"),
    [
        ("Can I share the XBO threat assessment with XNE?", ("XNE",), "XBO threat assessment", "document"),
        ("May I pass the XBO threat assessment to XNE?", ("XNE",), "XBO threat assessment", "document"),
        ("What may I give XBO about money laundering?", ("XBO",), "money laundering", "topic"),
        ("Is the migration report releasable to Veridia?", ("XVE",), "migration report", "document"),
        ("What can I share with the Nerlandic service on terrorism?", ("XNE",), "terrorism", "topic"),
        ("What may I share about money laundering with XBO?", ("XBO",), "money laundering", "topic"),
        ("Can the XBO threat assessment be shared with XCA?", ("XCA",), "XBO threat assessment", "document"),
        ("Am I allowed to pass xma-migration-routes-2026 to the Borealians?", ("XBO",), "xma-migration-routes-2026", "document"),
        ("Is it OK to send the Calderan typologies paper to Maravia?", ("XMA",), "Calderan typologies paper", "document"),
        ("Can I give XBO the threat assessment?", ("XBO",), "threat assessment", "document"),
        ("Can I tell XBO about the HARBOUR network?", ("XBO",), "HARBOUR network", "topic"),
        ("Can I share anything about crypto brokers with XNE and XBO?", ("XNE", "XBO"), "crypto brokers", "topic"),
        ("Can I share the report on routes to central Europe with XBO?", ("XBO",), "report on routes to central Europe", "document"),
        ("May the migration report go to XVE?", ("XVE",), "migration report", "document"),
        ("can i share the xbo profile with xne", ("XNE",), "xbo profile", "document"),
    ],
)  # fmt: skip
def test_release_questions_are_recognised(
    question: str, recipients: tuple[str, ...], topic: str, mode: str
) -> None:
    parsed = parse_release_question(question, REGISTRY)
    assert parsed is not None
    assert (parsed.recipients, parsed.topic, parsed.mode) == (recipients, topic, mode)


def test_an_unknown_code_is_an_unknown_recipient() -> None:
    parsed = parse_release_question("Can I share the XBO profile with XQQ?", REGISTRY)
    assert parsed is not None and parsed.recipients == () and parsed.unknown == ("XQQ",)


@pytest.mark.parametrize(
    "question",
    [
        "What is level zero of cooperation?",
        "How do I request consent from XBO?",
        "Can I share a meal with the XBO delegation?",
        "Can I share the XBO report with my colleagues?",
        "Can I go to XBO tomorrow?",
        "What gifts may I give XBO?",
        "Who is the originator of the XBO threat assessment?",
    ],
)
def test_other_questions_are_left_alone(question: str) -> None:
    assert parse_release_question(question, REGISTRY) is None


# -- answers on the shipped corpus -----------------------------------------------------------


@pytest.fixture
def assistant(shipped_store: Path, embedder: Any) -> Any:
    from assistant.config import Settings
    from assistant.service import Assistant

    a = Assistant(Settings(store=str(shipped_store), today=TODAY), embedder=embedder)

    def no_model(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a release question must not reach the answerer")

    a.answerer = no_model  # type: ignore[method-assign]
    return a


def _ask(assistant: Any, question: str, audience: str | None = None) -> Answer:
    answer = route(assistant, question, assistant.audience(audience), Filters())
    assert answer is not None, question
    assert answer.kind == "release"
    _assert_quotes_only_what_may_go(assistant, answer, audience)
    return answer


def _body_sentences(assistant: Any, doc_id: str) -> list[str]:
    text = Path(assistant.manifest.documents[doc_id].path).read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    return [s for s in sentences(body) if len(s) > 40 and not s.startswith("#")]


def _assert_quotes_only_what_may_go(assistant: Any, answer: Answer, audience: str | None) -> None:
    """Citations passed the gate for the audience and for the recipient, they come from the
    handling doctrine only, and no sentence of any other document appears anywhere."""
    parsed = parse_release_question(answer.question, assistant.registry)
    assert parsed is not None
    blob = json.dumps(answer.as_dict())
    assert admit(answer.citations, assistant.audience(audience)) == answer.citations
    for code in parsed.recipients:
        assert admit(answer.citations, assistant.audience(code)) == answer.citations
    assert all(hit.doc_id in DOCTRINE for hit in answer.citations)
    for n in range(1, len(answer.citations) + 1):
        assert f"[{n}]" in answer.text  # every citation is used
    # Every mark follows a sentence its passage holds (the eval's faithfulness check).
    marks = check_citations(answer.text, [h.text for h in answer.citations])
    assert all(m.exists and m.supported for m in marks), marks
    for doc_id in assistant.manifest.documents:
        if doc_id in DOCTRINE:
            continue
        for sentence in _body_sentences(assistant, doc_id):
            assert sentence not in blob, (doc_id, sentence)


@pytest.mark.integration
def test_consent_on_record_allows(assistant: Any) -> None:
    answer = _ask(assistant, "May I pass the XBO threat assessment to XNE?")
    assert (
        '- May be given: "XBO counter-terrorism threat assessment 2026" '
        "(xbo-ct-threat-assessment-2026), under rule consent. XBO (originator) consented to "
        "release to XNE until 2027-06-30."
    ) in answer.text
    assert "Rule consent. The consent rule allows" in answer.text
    assert answer.citations[0].doc_id == "release-rules-explained"
    assert "Rule 5: consent" in answer.citations[0].section
    assert not answer.abstained and answer.withheld == []


@pytest.mark.integration
def test_expired_consent_needs_consent_and_names_the_route(assistant: Any) -> None:
    answer = _ask(assistant, "Can I share the XBO threat assessment with XCA?")
    assert "- Needs the consent of XBO (Borealian Security Service), the originator" in answer.text
    assert "the consent on record for XCA expired 2026-03-31" in answer.text
    assert "A new consent from XBO is needed." in answer.text
    assert [w.doc_id for w in answer.withheld] == ["xbo-ct-threat-assessment-2026"]
    assert {h.doc_id for h in answer.citations} == {
        "release-rules-explained",
        "requesting-originator-consent",
    }


@pytest.mark.integration
def test_topic_question_for_the_officer(assistant: Any) -> None:
    answer = _ask(assistant, "What may I give XBO about money laundering?")
    text = answer.text
    assert text.startswith('Release to XBO (Borealian Security Service) about "money laundering"')
    line = next(ln for ln in text.splitlines() if "(money-laundering-cooperation)" in ln)
    assert line.startswith("- Not releasable as a whole:")
    assert '"Partners and channels"' in line
    # The sections it may not have are counted as denied, never named.
    assert "CENTRAL-FIN working group" not in text and "Pilot joint operation" not in text
    line = next(ln for ln in text.splitlines() if "(xca-ml-typologies-2026)" in ln)
    assert line.startswith("- Needs the consent of XCA") and "TLP:GREEN" in line


@pytest.mark.integration
def test_topic_question_for_the_partner_itself(assistant: Any) -> None:
    answer = _ask(assistant, "What may I give XBO about money laundering?", audience="XBO")
    assert answer.audience == "XBO"
    assert "Not releasable" not in answer.text  # denied documents are left out for a partner
    assert (
        '- Only some sections may be given: "Money-laundering cooperation with partner services"'
    ) in answer.text


@pytest.mark.integration
def test_portion_by_portion_for_a_consent_document(assistant: Any) -> None:
    answer = _ask(assistant, "Is the migration report releasable to Veridia?")
    line = next(ln for ln in answer.text.splitlines() if "(xma-migration-routes-2026)" in ln)
    assert line.startswith("- Needs the consent of XMA (Maravian Intelligence Directorate)")
    assert '"Public figures for 2025"' in line and "may be given now" in line
    assert "Reporting from sensitive sources" not in answer.text


@pytest.mark.integration
def test_document_by_id(assistant: Any) -> None:
    answer = _ask(assistant, "Can I share xne-osint-annex-2026 with the Tavarian service?")
    assert "- May be given:" in answer.text and "(xne-osint-annex-2026)" in answer.text
    assert answer.text.count("\n- ") == 1  # that one document only


@pytest.mark.integration
def test_unknown_recipient(assistant: Any) -> None:
    answer = _ask(assistant, "Can I share the XBO profile with XQQ?")
    assert answer.text.startswith("Not releasable: XQQ is not in the partner registry")
    assert "Known partners: XBO, XCA, XLU, XMA, XNE, XOS, XTA, XVE." in answer.text
    assert answer.citations == []


@pytest.mark.integration
def test_another_audience_is_declined(assistant: Any) -> None:
    answer = _ask(assistant, "Can I share the XBO threat assessment with XCA?", audience="XVE")
    assert answer.abstained and answer.citations == [] and answer.withheld == []
    assert "threat assessment" not in answer.text.lower()


@pytest.mark.integration
def test_not_a_release_question_falls_through(assistant: Any) -> None:
    aud = assistant.audience(None)
    assert route(assistant, "What is level zero of cooperation?", aud, Filters()) is None


@pytest.mark.integration
def test_through_ask_with_the_route_registered(shipped_store: Path, embedder: Any) -> None:
    from assistant.config import Settings
    from assistant.service import Assistant

    a = Assistant(Settings(store=str(shipped_store), today=TODAY), embedder=embedder)
    a.routes.append(route)
    obj = a.ask("Can I share the XBO threat assessment with XNE?").as_dict()
    assert "May be given" in obj["answer"] and obj["citations"][0]["n"] == 1
    assert a.ask("What is level zero of cooperation?").kind != "release"
