"""Text nobody here wrote together with its questions: a corpus in the style of technical
documentation (tables, code, images, HTML comments, long sections and lists) and its
evaluation set, with the real model and a real Chroma store. The set's thresholds are the
floor; answers never show Markdown syntax, and code only when a command is asked for."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from assistant.eval.metrics import is_fragment

pytestmark = pytest.mark.integration

HERE = Path(__file__).parent
CORPUS = HERE / "docstyle"
SET = HERE / "docstyle.yaml"
SYNTAX = re.compile(r"!\[|\]\(|\*\*|<!--|<div|~~~|^\s*\|", re.MULTILINE)


@pytest.fixture(scope="module")
def docstyle(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Any:
    from assistant.config import Settings
    from assistant.index.sync import sync
    from assistant.service import Assistant

    store = tmp_path_factory.mktemp("docstyle") / "store"
    settings = Settings(store=str(store), corpus=CORPUS)
    report = sync(settings, embedder=embedder)
    assert not report.rejected, report.rejected
    return Assistant(settings, embedder=embedder)


def test_the_set_meets_its_thresholds(docstyle: Any) -> None:
    from assistant.eval.evalset import load_set
    from assistant.eval.run import run_eval, summarise

    summary = summarise(run_eval(docstyle, load_set(SET), set_path=str(SET)))
    missed = [c.describe() for c in summary.checks if c.status == "fail"]
    assert not missed, missed
    assert not summary.run.warnings


@pytest.mark.parametrize(
    "question",
    [
        "What does the courier gateway do?",
        "What checks does the gateway run on a package?",
        "Who approves a sensitive message?",
        "What does the reliability grade F mean?",
        "What must be ready before a hand-over at a partner meeting?",
        "What do I do when a paper copy is missing after the meeting?",
    ],
)
def test_answers_read_as_text_not_markdown(docstyle: Any, question: str) -> None:
    answer = docstyle.ask(question)
    assert not answer.abstained
    assert not SYNTAX.search(answer.text), answer.text
    assert "```" not in answer.text and "courier pack" not in answer.text
    assert not is_fragment(answer.text), answer.text


def test_a_command_is_quoted_as_code(docstyle: Any) -> None:
    answer = docstyle.ask("Which command installs the courier client?")
    assert "```\n% cd /opt/courier\n% ./install-client --mirror internal --user" in answer.text


def test_a_table_row_is_quoted_with_its_header(docstyle: Any) -> None:
    answer = docstyle.ask("Who approves an urgent warning, and how fast is it sent?")
    assert "Message type: Urgent warning" in answer.text
    assert "Approved by: the duty officer" in answer.text


def test_the_confidential_portion_reaches_only_its_audience(docstyle: Any) -> None:
    question = "How are paper copies handed over to the Borealians?"
    for_xbo = docstyle.ask(question, audience="XBO")
    assert "countersigned form" in for_xbo.text
    for_xma = docstyle.ask(question, audience="XMA")
    assert "countersigned" not in for_xma.text
    # Its (U) portions may go to XMA (UNCLASSIFIED, whatever the REL TO); the C portion never.
    assert all("Paper copies" not in h.section for h in for_xma.citations)
    assert all(h.handling.classification.value == "UNCLASSIFIED" for h in for_xma.citations)
