"""Onboarding: curriculum order, scoring, persistence and resume after a restart, a wrong answer
shown with its passage, a question whose source is missing, the schema upgrade, the CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app
from assistant.config import Settings
from assistant.corpus.markings import Level
from assistant.index.sync import sync
from assistant.onboarding.progress import UPGRADES, VERSION, Progress, ProgressError
from assistant.service import Assistant
from tests.conftest import make_corpus
from tests.fakes import FakeEmbedder, MemoryStore

runner = CliRunner()


def _lesson(n: int, quiz: str) -> tuple[str, str]:
    front = (
        f"id: lesson-{n}\ntitle: Lesson {n} - Topic {n}\nkind: lesson\nreviewed: 2026-10-01\n"
        f"handling: {{classification: U, originator: OWN}}\norder: {n}\n{quiz}"
    )
    body = (
        f"## Learning goals\n\nAfter this lesson the officer can:\n\n- state rule {n};\n"
        f"- apply rule {n} at a meeting.\n\n## Rule {n}\n\nRule {n} of the ladder says what "
        f"level {n} means for a partner.\n"
    )
    return front, body


QUIZ_2 = """quiz:
  - question: "What is level zero of cooperation?"
    choices: ["Joint operations", "Protocol", "Training"]
    answer: "Protocol"
    source: ladder
  - question: "Who decides on a joint operation?"
    choices: ["The liaison officer", "The leadership"]
    answer: "The leadership"
    source: ladder
"""
DOCS = {
    # Given out of order on purpose: the curriculum follows ``order``.
    "l2.md": _lesson(2, QUIZ_2),
    "l1.md": _lesson(1, ""),
    "l3.md": _lesson(3, QUIZ_2.replace("source: ladder", "source: lesson-1", 1)),
    "ladder.md": (
        "id: ladder\ntitle: Levels of cooperation\nkind: doctrine\nreviewed: 2026-05-01\n"
        "handling: {classification: S, originator: OWN}\n",
        "## Level zero\n\nLevel zero of cooperation is the protocol level, where senior "
        "officials meet.\n\n## Joint operations\n\nThe Service's leadership decides whether the "
        "Service takes part in a joint operation.\n\n"
        "## (S) Source detail\n\nCANARY-LADDER-SECRET is above a RESTRICTED clearance.\n",
    ),
}


@pytest.fixture
def setup(tmp_path: Path) -> dict:  # type: ignore[type-arg]
    corpus = make_corpus(tmp_path / "corpus", DOCS)
    settings = Settings(store=str(tmp_path / "store"), today="2026-12-01")
    store, embedder = MemoryStore(), FakeEmbedder()
    report = sync(settings, [corpus], store=store, embedder=embedder)
    assert not report.rejected, report.rejected
    return {"settings": settings, "store": store, "embedder": embedder}


def _session(setup: dict, user: str = "ana", clearance: str = "SECRET"):  # type: ignore[no-untyped-def, type-arg]
    settings = setup["settings"].model_copy(update={"clearance": Level.parse(clearance)})
    return Assistant(settings, store=setup["store"], embedder=setup["embedder"]).onboarding(user)


def test_lessons_come_in_curriculum_order_and_json_is_spec(setup: dict) -> None:  # type: ignore[type-arg]
    session = _session(setup)
    obj = session.curriculum.as_dict()
    assert [lesson["doc_id"] for lesson in obj["lessons"]] == ["lesson-1", "lesson-2", "lesson-3"]
    assert [lesson["n"] for lesson in obj["lessons"]] == [1, 2, 3]
    assert set(obj["lessons"][1]) == {"n", "title", "doc_id", "quiz"}
    assert obj["lessons"][1]["quiz"][0] == {
        "question": "What is level zero of cooperation?",
        "choices": ["Joint operations", "Protocol", "Training"],
        "answer": "Protocol",
        "source": "ladder",
    }


def test_a_lesson_shows_goals_text_and_the_doctrine_it_teaches(setup: dict) -> None:  # type: ignore[type-arg]
    session = _session(setup)
    view = session.curriculum.view(session.curriculum.lesson(2))
    assert view.goals == ["state rule 2;", "apply rule 2 at a meeting."]
    assert any("Rule 2 of the ladder" in h.text for h in view.passages)
    assert {h.doc_id for h in view.doctrine} == {"ladder"}
    assert any("protocol level" in h.text for h in view.doctrine)


def test_scoring_persistence_and_resume_after_a_restart(setup: dict) -> None:  # type: ignore[type-arg]
    session = _session(setup)
    first = session.current()
    assert first.doc_id == "lesson-1"  # nothing done yet
    session.read(first)  # a lesson without a quiz is done once read
    assert session.current().doc_id == "lesson-2"
    outcome = session.mark(session.curriculum.lesson(2), [2, 1])  # one right, one wrong
    assert (outcome.score, outcome.total, outcome.passed) == (1, 2, False)
    restarted = _session(setup)  # a new process: everything comes from the SQLite file
    assert restarted.current().doc_id == "lesson-2"
    again = restarted.mark(restarted.curriculum.lesson(2), [2, 2])
    assert (again.score, again.passed) == (2, True)
    rows = {r.lesson.doc_id: r for r in _session(setup).record()}
    assert rows["lesson-2"].done and rows["lesson-2"].attempts == 2
    assert (rows["lesson-2"].best.score, rows["lesson-2"].last.score) == (2, 2)  # type: ignore[union-attr]
    assert _session(setup).current().doc_id == "lesson-3"
    assert _session(setup, user="ben").current().doc_id == "lesson-1"  # per user


def test_a_wrong_answer_is_shown_with_the_passage_that_explains_it(setup: dict) -> None:  # type: ignore[type-arg]
    session = _session(setup)
    outcome = session.mark(session.curriculum.lesson(2), [1, 2])
    wrong, right = outcome.marked
    assert not wrong.right and right.right and right.explanation is None
    assert wrong.explanation is not None
    assert "Level zero of cooperation is the protocol level" in wrong.explanation.text


def test_the_explanation_stays_within_the_clearance(setup: dict) -> None:  # type: ignore[type-arg]
    session = _session(setup, clearance="RESTRICTED")
    outcome = session.mark(session.curriculum.lesson(2), [1, 1])
    for m in outcome.marked:
        assert m.explanation is None or "CANARY-LADDER-SECRET" not in m.explanation.text


def test_a_question_whose_source_is_missing_is_reported_and_skipped(setup: dict) -> None:  # type: ignore[type-arg]
    from assistant.index.manifest import load_manifest, save_manifest

    location = setup["settings"].store_location()
    manifest = load_manifest(location)
    del manifest.documents["ladder"]
    save_manifest(location, manifest)
    lesson = _session(setup).curriculum.lesson(3)
    assert [q.source for q in lesson.quiz] == ["lesson-1"]
    assert [q.source for q in lesson.skipped] == ["ladder"]


def test_the_schema_is_upgraded_and_a_newer_one_refused(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(UPGRADES[0] + " PRAGMA user_version = 1;")
    con.execute(
        "INSERT INTO quiz_results (user, doc_id, score, total, taken_at) VALUES ('ana', 'lesson-2', 2, 2, 'x')"
    )
    con.commit()
    con.close()
    progress = Progress(path)
    assert [r.score for r in progress.results("ana")] == [2]  # the old row survives
    progress.record("ana", "lesson-2", [("q", 1, True)], 1)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == VERSION
    assert con.execute("SELECT count(*) FROM quiz_answers").fetchone()[0] == 1
    con.execute(f"PRAGMA user_version = {VERSION + 1}")
    con.commit()
    con.close()
    with pytest.raises(ProgressError, match="newer liaison"):
        Progress(path).results("ana")


def test_the_cli_quiz_resume_and_progress(setup: dict, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[type-arg]
    from assistant import service

    monkeypatch.setattr(
        service,
        "make_assistant",
        lambda *a, **k: Assistant(
            setup["settings"], store=setup["store"], embedder=setup["embedder"]
        ),
    )
    shown = runner.invoke(app, ["onboard", "--user", "cli"])
    assert shown.exit_code == 0 and "Lesson 1 of 3" in shown.stdout
    assert "Learning goals" in shown.stdout and "state rule 1" in shown.stdout
    quiz = runner.invoke(
        app, ["onboard", "--lesson", "2", "--quiz", "--user", "cli"], input="x\n1\n2\n"
    )
    assert quiz.exit_code == 0, quiz.output
    assert "Answer with a number from 1 to 3." in quiz.stderr
    assert "Not quite." in quiz.stdout and "the answer is 2) Protocol" in quiz.stdout
    assert "Level zero of cooperation is the protocol level" in quiz.stdout
    assert "Score 1 of 2: not passed yet." in quiz.stdout
    cut = runner.invoke(app, ["onboard", "--lesson", "2", "--quiz", "--user", "cli"], input="2\n")
    assert cut.exit_code == 2 and "nothing was saved" in cut.stderr
    record = json.loads(
        runner.invoke(app, ["onboard", "--progress", "--json", "--user", "cli"]).stdout
    )
    by_id = {r["doc_id"]: r for r in record["lessons"]}
    assert by_id["lesson-2"]["attempts"] == 1 and by_id["lesson-2"]["best"]["score"] == 1
    assert by_id["lesson-1"]["done"] is True  # read when shown
    assert runner.invoke(app, ["onboard", "--lesson", "9"]).exit_code == 2
    curriculum = json.loads(runner.invoke(app, ["onboard", "--json"]).stdout)
    assert [lesson["n"] for lesson in curriculum["lessons"]] == [1, 2, 3]
    log = Assistant(setup["settings"], store=setup["store"], embedder=setup["embedder"]).audit
    assert log is not None
    (entry,) = [e for e in log.entries() if e["command"] == "quiz"]
    assert entry["detail"] == {"onboarding_user": "cli", "score": 1, "total": 2, "passed": False}
