"""The onboarding screen: the same flow as ``liaison onboard``. The lesson where the officer
stopped (its goals, text and the doctrine it teaches), then its quiz: each question's choices
picked with the keyboard, and a summary at the end with every wrong answer explained by the
passage that holds the right one. Progress is the CLI's: the same SQLite file, per user."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from assistant.errors import LiaisonError
from assistant.onboarding.curriculum import Lesson, LessonView
from assistant.onboarding.session import Onboarding, Outcome
from assistant.service import Assistant
from assistant.tui.messages import LessonShown, OnboardingFailed, QuizMarked
from assistant.tui.widgets.markdown import LocalMarkdown


class OnboardingScreen(Screen[None]):
    """A lesson, then its quiz, then the score."""

    BINDINGS = [  # noqa: RUF012 (Textual's own declaration style)
        Binding("escape", "app.pop_screen", "Back"),
        Binding("q", "quiz", "Quiz"),
        Binding("n", "step(1)", "Next lesson"),
        Binding("p", "step(-1)", "Previous lesson"),
    ]

    def __init__(self, assistant: Assistant, user: str | None = None) -> None:
        super().__init__()
        self.assistant = assistant
        self.user = user
        self.session: Onboarding | None = None
        self.lesson: Lesson | None = None
        self.answers: list[int] = []
        self.in_quiz = False

    def compose(self) -> ComposeResult:
        yield Static("Loading the curriculum…", id="onboarding-title")
        with VerticalScroll(id="lesson"):
            yield LocalMarkdown("", id="lesson-text")
        with Vertical(id="quiz"):
            yield Static("", id="quiz-question")
            yield OptionList(id="quiz-choices")
        with VerticalScroll(id="quiz-summary"):
            yield LocalMarkdown("", id="quiz-result")
        yield Footer()

    def on_mount(self) -> None:
        self._mode("lesson")
        self.open_lesson(None)

    def _mode(self, mode: str) -> None:
        self.query_one("#lesson").display = mode == "lesson"
        self.query_one("#quiz").display = mode == "quiz"
        self.query_one("#quiz-summary").display = mode == "summary"
        self.in_quiz = mode == "quiz"
        focus = {"lesson": "#lesson", "quiz": "#quiz-choices", "summary": "#quiz-summary"}[mode]
        self.query_one(focus).focus()

    # -- workers ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="onboarding")
    def open_lesson(self, n: int | None) -> None:
        """Where the officer stopped (``n`` None), or lesson ``n``; marks it read."""
        try:
            session = self.session or self.assistant.onboarding(self.user)
            lesson = session.curriculum.lesson(n) if n else session.current()
            session.read(lesson)
            view = session.curriculum.view(lesson)
            done = len(session.done())
            self.post_message(LessonShown(session, view, done))
        except LiaisonError as exc:
            self.post_message(OnboardingFailed(exc.one_line(), exc.title))

    @work(thread=True, exclusive=True, exit_on_error=False, group="onboarding")
    def mark(self, session: Onboarding, lesson: Lesson, answers: list[int]) -> None:
        try:
            self.post_message(QuizMarked(session.mark(lesson, answers), len(session.done())))
        except LiaisonError as exc:
            self.post_message(OnboardingFailed(exc.one_line(), exc.title))

    # -- handlers --------------------------------------------------------------------------
    @on(LessonShown)
    def _shown(self, message: LessonShown) -> None:
        self.session = message.session
        self.lesson = message.view.lesson
        total = len(message.session.curriculum)
        self.query_one("#onboarding-title", Static).update(
            f"Onboarding · lesson {self.lesson.n} of {total} · {self.lesson.title}  ·  "
            f"{message.done} of {total} done"
        )
        self.query_one("#lesson-text", Markdown).update(lesson_markdown(message.view))
        self._mode("lesson")

    @on(OnboardingFailed)
    def _failed(self, message: OnboardingFailed) -> None:
        self.query_one("#onboarding-title", Static).update(message.message)
        self.notify(message.message, title=message.title, severity="error", markup=False)

    def action_step(self, by: int) -> None:
        if self.session is None or self.lesson is None or self.in_quiz:
            return
        n = self.lesson.n + by
        if 1 <= n <= len(self.session.curriculum):
            self.open_lesson(n)

    def action_quiz(self) -> None:
        if self.lesson is None or self.in_quiz:
            return
        if not self.lesson.quiz:
            self.notify("This lesson has no quiz.", markup=False)
            return
        self.answers = []
        self._mode("quiz")
        self._ask()

    def _ask(self) -> None:
        assert self.lesson is not None
        i = len(self.answers)
        question = self.lesson.quiz[i]
        self.query_one("#quiz-question", Static).update(
            f"{i + 1}/{len(self.lesson.quiz)}. {question.question}"
        )
        choices = self.query_one("#quiz-choices", OptionList)
        choices.clear_options()
        choices.add_options(
            [Option(f"{n}) {c}", id=str(n)) for n, c in enumerate(question.choices, start=1)]
        )
        choices.highlighted = 0
        choices.focus()

    @on(OptionList.OptionSelected, "#quiz-choices")
    def _answered(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        assert self.lesson is not None and self.session is not None
        self.answers.append(int(event.option.id or "0"))
        if len(self.answers) < len(self.lesson.quiz):
            self._ask()
            return
        self.query_one("#quiz-question", Static).update("Scoring…")
        self.mark(self.session, self.lesson, list(self.answers))

    @on(QuizMarked)
    def _marked(self, message: QuizMarked) -> None:
        self.query_one("#quiz-result", Markdown).update(summary_markdown(message.outcome))
        self._mode("summary")
        if self.session is not None:
            total = len(self.session.curriculum)
            self.query_one("#onboarding-title", Static).update(
                f"Onboarding · quiz of lesson {message.outcome.lesson.n} · {message.done} of "
                f"{total} done  ·  n: next lesson, Escape: back"
            )


def lesson_markdown(view: LessonView) -> str:
    parts = [f"# {view.lesson.title}"]
    if view.goals:
        parts += ["## Learning goals", "\n".join(f"- {g}" for g in view.goals)]
    section = None
    for hit in view.passages:
        if hit.section != section:
            section = hit.section
            parts.append(f"## {section.split(' > ')[-1]}")
        parts.append(hit.text)
    if view.doctrine:
        parts.append("## The doctrine this lesson teaches")
        parts.append(
            "\n".join(
                f"{n}. {h.title} › {h.section} (as of {h.reviewed})"
                for n, h in enumerate(view.doctrine, start=1)
            )
        )
    quiz = (
        f"Press q for the quiz ({len(view.lesson.quiz)} questions); "
        if view.lesson.quiz
        else "This lesson has no quiz; press "
    )
    parts.append(f"*{quiz}n and p for the next and previous lesson.*")
    return "\n\n".join(parts)


def summary_markdown(outcome: Outcome) -> str:
    verdict = "passed" if outcome.passed else "not passed yet"
    parts = [f"# Score {outcome.score} of {outcome.total}: {verdict}"]
    for i, m in enumerate(outcome.marked, start=1):
        q = m.question
        if m.right:
            parts.append(f"**{i}. Right:** {q.answer}")
            continue
        text = (
            f"**{i}. Not quite.** You answered {m.chosen}) {q.choices[m.chosen - 1]}; the "
            f"answer is {q.answer_number}) {q.answer}."
        )
        if m.explanation is not None:
            h = m.explanation
            quoted = " ".join(h.text.split())
            text += f"\n\n> From {h.title} › {h.section} (as of {h.reviewed}): {quoted}"
        parts.append(text)
    parts.append("*Press n for the next lesson, or Escape to go back to the chat.*")
    return "\n\n".join(parts)
