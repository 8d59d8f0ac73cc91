"""One officer going through the curriculum: where to resume, a quiz scored and saved, and
the record of what has been done. Shared by ``liaison onboard`` and the UI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.audit.entries import entry
from assistant.audit.log import AuditLog
from assistant.onboarding.curriculum import Curriculum, Lesson, Question, passed, score
from assistant.onboarding.progress import Progress, Result
from assistant.retrieval.types import Hit


@dataclass(frozen=True)
class Marked:
    """One quiz answer, checked: the choice, and for a wrong one the right answer and the
    passage of the source document that explains it."""

    question: Question
    chosen: int
    right: bool
    explanation: Hit | None


@dataclass(frozen=True)
class Outcome:
    lesson: Lesson
    marked: list[Marked]
    score: int
    passed: bool

    @property
    def total(self) -> int:
        return len(self.marked)


@dataclass(frozen=True)
class Row:
    """One line of ``liaison onboard --progress``."""

    lesson: Lesson
    done: bool
    best: Result | None
    last: Result | None
    attempts: int

    def as_dict(self) -> dict[str, Any]:
        def result(r: Result | None) -> dict[str, Any] | None:
            return None if r is None else {"score": r.score, "total": r.total, "at": r.taken_at}

        return {
            "n": self.lesson.n,
            "doc_id": self.lesson.doc_id,
            "title": self.lesson.title,
            "done": self.done,
            "best": result(self.best),
            "last": result(self.last),
            "attempts": self.attempts,
        }


class Onboarding:
    def __init__(
        self,
        curriculum: Curriculum,
        progress: Progress,
        user: str,
        audit: AuditLog | None = None,
    ) -> None:
        self.curriculum = curriculum
        self.progress = progress
        self.user = user
        self.audit = audit

    def done(self) -> set[str]:
        """Lessons whose quiz was passed once, and lessons without a quiz that were read."""
        passed_ids = {
            r.doc_id for r in self.progress.results(self.user) if passed(r.score, r.total)
        }
        viewed = self.progress.viewed_lessons(self.user)
        return passed_ids | {
            lesson.doc_id
            for lesson in self.curriculum.lessons
            if not lesson.quiz and lesson.doc_id in viewed
        }

    def current(self) -> Lesson:
        """Where to resume: the first lesson not done (the last one once all are done)."""
        done = self.done()
        for lesson in self.curriculum.lessons:
            if lesson.doc_id not in done:
                return lesson
        return self.curriculum.lesson(len(self.curriculum))

    def read(self, lesson: Lesson) -> None:
        self.progress.viewed(self.user, lesson.doc_id)

    def mark(self, lesson: Lesson, answers: list[int]) -> Outcome:
        """Score a completed quiz, save it, log it, and explain each wrong answer."""
        marked = []
        for question, chosen in zip(lesson.quiz, answers, strict=True):
            right = chosen == question.answer_number
            why = None if right else self.curriculum.explanation(question)
            marked.append(Marked(question, chosen, right, why))
        total = score(lesson.quiz, answers)
        given = [(m.question.question, m.chosen, m.right) for m in marked]
        self.progress.record(self.user, lesson.doc_id, given, total)
        outcome = Outcome(lesson, marked, total, passed(total, len(marked)))
        if self.audit is not None:
            self.audit.append(
                entry(
                    "quiz",
                    clearance=self.curriculum.audience.clearance.value,
                    question=f"quiz {lesson.doc_id}",
                    chunks=[m.explanation.chunk_id for m in marked if m.explanation],
                    detail={
                        "onboarding_user": self.user,
                        "score": total,
                        "total": len(marked),
                        "passed": outcome.passed,
                    },
                )
            )
        return outcome

    def record(self) -> list[Row]:
        results = self.progress.results(self.user)
        done = self.done()
        rows = []
        for lesson in self.curriculum.lessons:
            mine = [r for r in results if r.doc_id == lesson.doc_id]
            best = max(mine, key=lambda r: (r.score / max(r.total, 1), r.taken_at), default=None)
            rows.append(
                Row(lesson, lesson.doc_id in done, best, mine[-1] if mine else None, len(mine))
            )
        return rows
