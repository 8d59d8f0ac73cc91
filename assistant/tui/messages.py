"""The messages workers post to the UI. Workers compute and post one of these; handlers on the
event loop update widgets. Each carries only plain data."""

from __future__ import annotations

from textual.message import Message

from assistant.answer import Answer


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
