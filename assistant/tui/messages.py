"""The messages workers post to the UI. Workers compute and post one of these; handlers on the
event loop update widgets. Each carries only plain data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # types only: importing this module must stay light for the first paint
    from assistant.answer.types import Answer
    from assistant.brief.model import Brief
    from assistant.conversation.store import Turn
    from assistant.index.sync import SyncReport
    from assistant.language.termbase import Lookup, TermMatch
    from assistant.language.termsearch import TermContext
    from assistant.onboarding.curriculum import LessonView
    from assistant.onboarding.session import Onboarding, Outcome
    from assistant.policy.checks import DocumentCheck
    from assistant.policy.consent import ConsentRequest
    from assistant.service import DocumentView


class AssistantReady(Message):
    """The model, the store and the lexical index are loaded."""

    def __init__(self, documents: int, chunks: int, clearance: str) -> None:
        super().__init__()
        self.documents = documents
        self.chunks = chunks
        self.clearance = clearance


class StoreEmpty(Message):
    """Nothing has been ingested into the store yet."""

    def __init__(self, location: str) -> None:
        super().__init__()
        self.location = location


class LoadFailed(Message):
    """The model or the store could not be loaded."""

    def __init__(self, message: str, title: str) -> None:
        super().__init__()
        self.message = message
        self.title = title


class AnswerToken(Message):
    """A piece of a language model's draft answer, as it arrives. Provisional: the
    :class:`AnswerReady` answer (post-checked by the core) replaces the draft."""

    def __init__(self, exchange_id: str, text: str) -> None:
        super().__init__()
        self.exchange_id = exchange_id
        self.text = text


class AnswerReady(Message):
    """The answer to one question of the conversation."""

    def __init__(self, exchange_id: str, answer: Answer) -> None:
        super().__init__()
        self.exchange_id = exchange_id
        self.answer = answer


class AskFailed(Message):
    """A question could not be answered (bad input, store error...)."""

    def __init__(self, exchange_id: str, message: str, title: str) -> None:
        super().__init__()
        self.exchange_id = exchange_id
        self.message = message
        self.title = title


# -- term look-up -------------------------------------------------------------------------
class TermRequested(Message):
    """Look up ``text`` (a typed query, a selection, a word); with no text, open the term
    input offering the concepts ``context`` (the conversation) mentions. With
    ``prompt_if_missing`` an unknown text opens the input pre-filled instead of a notice."""

    def __init__(
        self, text: str | None, context: TermContext = (), *, prompt_if_missing: bool = False
    ) -> None:
        super().__init__()
        self.text = text
        self.context = context
        self.prompt_if_missing = prompt_if_missing


class TermFound(Message):
    """The termbase entry to show."""

    def __init__(self, lookup: Lookup) -> None:
        super().__init__()
        self.lookup = lookup


class TermChoices(Message):
    """Open the term input: ``value`` pre-filled, ``choices`` (concepts found in the text or
    the conversation) to pick from."""

    def __init__(self, value: str, choices: list[TermMatch], title: str) -> None:
        super().__init__()
        self.value = value
        self.choices = choices
        self.title = title


class TermFailed(Message):
    """Nothing found, a bad language, or no termbase: one line for a notification."""

    def __init__(self, message: str, title: str) -> None:
        super().__init__()
        self.message = message
        self.title = title


class BriefBuilt(Message):
    def __init__(self, brief: Brief, markdown: str) -> None:
        super().__init__()
        self.brief = brief
        self.markdown = markdown


class BriefFailed(Message):
    def __init__(self, message: str, title: str) -> None:
        super().__init__()
        self.message = message
        self.title = title


class BriefSaved(Message):
    def __init__(self, path: str, banner: str) -> None:
        super().__init__()
        self.path = path
        self.banner = banner


class LessonShown(Message):
    """A lesson to show, with the session it belongs to and how many lessons are done."""

    def __init__(self, session: Onboarding, view: LessonView, done: int) -> None:
        super().__init__()
        self.session = session
        self.view = view
        self.done = done


class QuizMarked(Message):
    def __init__(self, outcome: Outcome, done: int) -> None:
        super().__init__()
        self.outcome = outcome
        self.done = done


class OnboardingFailed(Message):
    def __init__(self, message: str, title: str) -> None:
        super().__init__()
        self.message = message
        self.title = title


# -- the chat's tools ----------------------------------------------------------------------
class Failed(Message):
    """Something the officer asked for could not be done: one line, and what to do."""

    def __init__(self, message: str, title: str, severity: str = "error") -> None:
        super().__init__()
        self.message = message
        self.title = title
        self.severity = severity


class HistoryLoaded(Message):
    """The questions of earlier sessions, oldest first, for recall with the arrows."""

    def __init__(self, questions: list[str]) -> None:
        super().__init__()
        self.questions = questions


class ConversationOpened(Message):
    def __init__(self, conversation: int, title: str, turns: list[Turn]) -> None:
        super().__init__()
        self.conversation = conversation
        self.title = title
        self.turns = turns


class DocumentReady(Message):
    def __init__(self, view: DocumentView, cited: str, spans: list[tuple[int, int]]) -> None:
        super().__init__()
        self.view = view
        self.cited = cited
        self.spans = spans


class ConsentChecked(Message):
    def __init__(self, check: DocumentCheck, request: ConsentRequest | None) -> None:
        super().__init__()
        self.check = check
        self.request = request


class ReindexProgress(Message):
    def __init__(self, stage: str, done: int, total: int) -> None:
        super().__init__()
        self.stage = stage
        self.done = done
        self.total = total


class ReindexDone(Message):
    """The sync's report, or (``report`` None) why it did not run."""

    def __init__(self, report: SyncReport | None, error: str | None = None) -> None:
        super().__init__()
        self.report = report
        self.error = error


class Saved(Message):
    """A file was written (an export, a consent request): one line for a notification."""

    def __init__(self, message: str, title: str) -> None:
        super().__init__()
        self.message = message
        self.title = title
