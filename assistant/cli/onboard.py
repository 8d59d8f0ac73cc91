"""``liaison onboard [--lesson N] [--quiz] [--json] [--user NAME] [--progress]``: the onboarding
curriculum for new liaison staff, its quizzes answered by number, and the saved progress.

Without options it resumes where the officer stopped: it shows the first lesson not done yet.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli.options import JsonOpt, StoreOpt
from assistant.errors import BadInput

if TYPE_CHECKING:
    from assistant.onboarding.curriculum import Lesson, LessonView
    from assistant.onboarding.session import Onboarding, Outcome

LessonOpt = Annotated[int | None, typer.Option("--lesson", min=1, help="The lesson, by number.")]
QuizOpt = Annotated[bool, typer.Option("--quiz", help="Take the lesson's quiz (interactive).")]
UserOpt = Annotated[
    str | None, typer.Option("--user", help="Whose progress (default: the OS user).")
]
ProgressOpt = Annotated[bool, typer.Option("--progress", help="Print the saved progress.")]
TRIES = 5


def onboard(
    lesson: LessonOpt = None,
    quiz: QuizOpt = False,
    user: UserOpt = None,
    progress: ProgressOpt = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The onboarding curriculum: a lesson with its goals and doctrine, its quiz, progress."""
    from assistant.cli.query import settings
    from assistant.service import make_assistant

    session = make_assistant(settings(store)).onboarding(user)
    curriculum = session.curriculum
    if as_json and not progress:
        if quiz:
            raise BadInput("the quiz is answered in the terminal", "drop --json to take it")
        sys.stdout.write(json.dumps(curriculum.as_dict(), ensure_ascii=False) + "\n")
        return
    if progress:
        _progress(session, as_json)
        return
    chosen = curriculum.lesson(lesson) if lesson is not None else session.current()
    if quiz:
        _quiz(session, chosen)
    else:
        session.read(chosen)
        _show(curriculum.view(chosen), len(curriculum))


def _show(view: LessonView, count: int) -> None:
    from assistant.cli.render import out, safe

    lesson = view.lesson
    out.print(f"[bold]Lesson {lesson.n} of {count}[/] · {safe(lesson.title)}")
    if view.goals:
        out.print("\n[bold]Learning goals[/]")
        for goal in view.goals:
            out.print(f"  • {safe(goal)}")
    section = None
    for hit in view.passages:
        if hit.section != section:
            section = hit.section
            out.print(f"\n[bold]{safe(section.split(' > ')[-1])}[/]")
        out.print(safe(hit.text))
    if view.doctrine:
        out.print("\n[bold]The doctrine this lesson teaches[/]")
        for n, hit in enumerate(view.doctrine, start=1):
            where = f"{hit.title} › {hit.section}" if hit.section else hit.title
            out.print(f"  [{n}] {safe(where)} [dim](as of {hit.reviewed})[/]")
    if lesson.skipped:
        _skipped(lesson)
    quiz = f"{len(lesson.quiz)} questions" if lesson.quiz else "no quiz"
    out.print(f"\n[dim]Next: liaison onboard --lesson {lesson.n} --quiz ({quiz})[/]")


def _skipped(lesson: Lesson) -> None:
    from assistant.cli.render import notice

    for q in lesson.skipped:
        notice(f"quiz question left out: its source {q.source!r} is not in the store")


def _quiz(session: Onboarding, lesson: Lesson) -> None:
    from assistant.cli.render import out, safe

    if lesson.skipped:
        _skipped(lesson)
    if not lesson.quiz:
        out.print(f"Lesson {lesson.n} has no quiz.")
        return
    out.print(f"[bold]Quiz · lesson {lesson.n} · {safe(lesson.title)}[/]")
    answers = []
    for i, q in enumerate(lesson.quiz, start=1):
        out.print(f"\n[bold]{i}/{len(lesson.quiz)}.[/] {safe(q.question)}")
        for n, choice in enumerate(q.choices, start=1):
            out.print(f"  {n}) {safe(choice)}")
        answers.append(_ask(len(q.choices)))
    _outcome(session.mark(lesson, answers), session)


def _ask(choices: int) -> int:
    from assistant.cli.render import err

    for _ in range(TRIES):
        err.print(f"Your answer (1-{choices}): ", end="")
        line = sys.stdin.readline()
        if not line:
            raise BadInput("the quiz was interrupted; nothing was saved", "run it again")
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= choices:
            return int(text)
        err.print(f"Answer with a number from 1 to {choices}.")
    raise BadInput("no valid answer was given; nothing was saved", "run the quiz again")


def _outcome(result: Outcome, session: Onboarding) -> None:
    from assistant.cli.render import out, safe

    for i, m in enumerate(result.marked, start=1):
        if m.right:
            out.print(f"[green]{i}. Right:[/] {safe(m.question.answer)}")
            continue
        q = m.question
        out.print(
            f"[red]{i}. Not quite.[/] You answered {m.chosen}) {safe(q.choices[m.chosen - 1])}; "
            f"the answer is {q.answer_number}) {safe(q.answer)}."
        )
        if m.explanation is not None:
            hit = m.explanation
            out.print(
                f"   [dim]From {safe(hit.title)} › {safe(hit.section)} (as of {hit.reviewed}):[/]"
            )
            out.print(f"   {safe(' '.join(hit.text.split()))}")
    verdict = "[green]passed[/]" if result.passed else "[yellow]not passed yet[/]"
    out.print(f"\nScore {result.score} of {result.total}: {verdict}.")
    following = session.current()
    if following.doc_id != result.lesson.doc_id:
        out.print(f"[dim]Next: liaison onboard (lesson {following.n}: {safe(following.title)})[/]")


def _progress(session: Onboarding, as_json: bool) -> None:
    rows = session.record()
    if as_json:
        sys.stdout.write(
            json.dumps({"user": session.user, "lessons": [r.as_dict() for r in rows]}) + "\n"
        )
        return
    from rich.table import Table

    from assistant.cli.render import out, safe

    done = sum(r.done for r in rows)
    out.print(f"[bold]Onboarding of {safe(session.user)}[/]: {done} of {len(rows)} lessons done")
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("#", "lesson", "done", "best", "last", "attempts"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            str(r.lesson.n),
            safe(r.lesson.title),
            "yes" if r.done else "",
            f"{r.best.score}/{r.best.total}" if r.best else "",
            f"{r.last.score}/{r.last.total} {r.last.taken_at[:10]}" if r.last else "",
            str(r.attempts) if r.attempts else "",
        )
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command()(onboard)
