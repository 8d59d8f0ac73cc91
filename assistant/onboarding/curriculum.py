"""The onboarding curriculum: the lessons of the corpus in their order, each shown with its
text, its learning goals and the doctrine it teaches, and each with a multiple-choice quiz.

Everything comes from the store: the catalogue (titles, order, quiz) and the gated passages
(the lesson text, the explanation of a quiz answer), so a new officer sees only what the
clearance allows, and a quiz question whose source is not in the store is reported and left
out rather than asked without an explanation to give.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.answer.routes.base import Knowledge
from assistant.corpus.markings import Level
from assistant.errors import NotFound
from assistant.policy.gate import Audience
from assistant.retrieval.types import Hit
from assistant.text import word_share

PASS_SHARE = 0.6
"""A lesson is done once its quiz is answered with at least this share right."""


@dataclass(frozen=True)
class Question:
    question: str
    choices: tuple[str, ...]
    answer: str
    source: str

    @property
    def answer_number(self) -> int:
        return self.choices.index(self.answer) + 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "choices": list(self.choices),
            "answer": self.answer,
            "source": self.source,
        }


@dataclass(frozen=True)
class Lesson:
    n: int
    doc_id: str
    title: str
    quiz: tuple[Question, ...]
    skipped: tuple[Question, ...] = ()
    """Quiz questions left out because their source document is not in the store."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "title": self.title,
            "doc_id": self.doc_id,
            "quiz": [q.as_dict() for q in self.quiz],
        }


@dataclass(frozen=True)
class LessonView:
    """What the lesson screen shows: goals, the text, and the doctrine the lesson teaches."""

    lesson: Lesson
    goals: list[str]
    passages: list[Hit]
    doctrine: list[Hit] = field(default_factory=list)


class Curriculum:
    """The lessons of the store in curriculum order (their ``order``, then their id)."""

    def __init__(self, knowledge: Knowledge, clearance: Level) -> None:
        self.knowledge = knowledge
        # Own use: the clearance bounds what is shown; no partner decides anything here.
        self.audience = Audience(clearance, None, knowledge.registry, dt.date.today())
        docs = knowledge.manifest.documents
        lessons = sorted(
            ((d, e) for d, e in docs.items() if e.kind == "lesson"),
            key=lambda de: (de[1].order is None, de[1].order or 0, de[0]),
        )
        self.lessons: list[Lesson] = []
        for n, (doc_id, entry) in enumerate(lessons, start=1):
            asked: list[Question] = []
            skipped: list[Question] = []
            for raw in entry.quiz:
                q = Question(raw["question"], tuple(raw["choices"]), raw["answer"], raw["source"])
                (asked if q.source in docs else skipped).append(q)
            self.lessons.append(Lesson(n, doc_id, entry.title, tuple(asked), tuple(skipped)))

    def __len__(self) -> int:
        return len(self.lessons)

    def lesson(self, n: int) -> Lesson:
        if not self.lessons:
            raise NotFound("the store holds no lessons", "ingest a corpus with lessons")
        if not 1 <= n <= len(self.lessons):
            raise NotFound(f"no lesson {n}", f"the lessons are numbered 1 to {len(self.lessons)}")
        return self.lessons[n - 1]

    def as_dict(self) -> dict[str, Any]:
        """``liaison onboard --json`` (SPEC section 4)."""
        return {"lessons": [lesson.as_dict() for lesson in self.lessons]}

    def view(self, lesson: Lesson) -> LessonView:
        """The lesson's passages (within the clearance), its goals and the doctrine it cites."""
        retriever = self.knowledge.retriever
        passages = retriever.passages([lesson.doc_id], self.audience)
        goals: list[str] = []
        body: list[Hit] = []
        for hit in passages:
            if "goal" in hit.section.lower():
                goals += [
                    line.strip().lstrip("-*").strip()
                    for line in hit.text.splitlines()
                    if line.strip().startswith(("-", "*"))
                ]
            else:
                body.append(hit)
        doctrine = [self.explanation(q) for q in lesson.quiz]
        unique = list({h.chunk_id: h for h in doctrine if h is not None}.values())
        return LessonView(lesson, goals, body, unique)

    def explanation(self, question: Question) -> Hit | None:
        """The passage of the question's source document that best explains its answer."""
        passages = self.knowledge.retriever.passages([question.source], self.audience)
        claim = f"{question.question} {question.answer}"
        scored = [(word_share(claim, h.text), -i, h) for i, h in enumerate(passages)]
        return max(scored, key=lambda s: s[:2])[2] if scored else None


def score(quiz: Sequence[Question], answers: Sequence[int]) -> int:
    """How many of ``answers`` (1-based choice numbers) are right."""
    return sum(1 for q, a in zip(quiz, answers, strict=False) if a == q.answer_number)


def passed(right: int, total: int) -> bool:
    return total == 0 or right / total >= PASS_SHARE
