"""Optional language-model answers: grounded, gated, and never required.

The extractive answerer stays the default. When ``answer.backend = "llm"``, a LangChain chat
model (Ollama, or any OpenAI-compatible server: vLLM, llama.cpp's server, LM Studio) writes the
answer from the numbered passages retrieval returned, and nothing else:

* the gate runs again on the passages right before the prompt is built, so the model never sees
  text the audience may not see, even if a caller hands over unfiltered hits;
* the prompt is a versioned text file in ``prompts/`` (see ``prompts/README.md``), not code;
* after generation every sentence must cite a passage it was given (``[n]``, 1..len(passages));
  the others are dropped (or flagged), the citations are renumbered to those actually used, and
  when nothing survives the extractive answer is shown instead;
* a backend that is unreachable, fails or times out falls back to the extractive answer with a
  one-line notice: the officer always gets an answer.

Release questions never reach a model: the pipeline routes them to the rules engine first.
The streaming loop lives here (:func:`stream_answer`); the CLI and the UI only render its events.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.grounding import UNVERIFIED, Ungrounded, ground
from assistant.answer.prompts import format_passages, load_prompt
from assistant.answer.types import (
    Answer,
    Answerer,
    AnswerEvent,
    DoneEvent,
    TokenEvent,
    final_answer,
)
from assistant.errors import BackendError
from assistant.policy.gate import Audience, admit
from assistant.retrieval.types import SearchResult

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from assistant.config import LLMSettings, Settings
    from assistant.index.embedder import Embedder

INSTALL_HINT = "pip install 'liaison[llm]'"
UNGROUNDED_NOTICE = (
    "The language model's answer could not be grounded; showing the extractive answer."
)
REFUSED_NOTICE = (
    "The language model found no answer in the passages; showing the extractive answer."
)
MAX_TOKENS = 512
"""Cap on the model's answer: four cited sentences need far less; a runaway model stops here."""


def stream_answer(answerer: Answerer, result: SearchResult) -> Iterator[AnswerEvent]:
    """The answer to ``result`` as events: zero or more tokens, then one ``DoneEvent``.
    An answerer that cannot stream (extractive) yields only the ``DoneEvent``."""
    if isinstance(answerer, LLMAnswerer):
        yield from answerer.events(result)
    else:
        yield DoneEvent(answerer.answer(result))


# -- the answerer --------------------------------------------------------------------------

# Exception class names meaning "could not reach the server", from openai (APIConnectionError,
# with APITimeoutError under it) and httpx (ollama), matched by name so neither is imported.
_UNREACHABLE = frozenset(
    "APIConnectionError ConnectError ConnectTimeout TimeoutException NetworkError "
    "RemoteProtocolError".split()
)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_unreachable(exc: BaseException) -> bool:
    """A connection refused, a timeout or a dropped connection, by whichever client library."""
    for e in _causes(exc):
        if isinstance(e, ConnectionError | TimeoutError):
            return True
        if _UNREACHABLE & {cls.__name__ for cls in type(e).__mro__}:
            return True
    return False


def _one_line(exc: BaseException, limit: int = 160) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sentences(n: int) -> str:
    return f"{n} sentence{'s' if n > 1 else ''} of the model's answer"


class _Overtime(Exception):
    """The model has used up its deadline."""


class LLMAnswerer:
    """Answers with a chat model from the gated passages; falls back to ``fallback``."""

    def __init__(
        self,
        chat_model: BaseChatModel,
        prompt_name: str = "answer_v1",
        *,
        audience: Audience,
        fallback: Answerer,
        endpoint: str | None = None,
        ungrounded: Ungrounded = "drop",
        deadline: float | None = None,
    ) -> None:
        self.chat_model = chat_model
        self.prompt = load_prompt(prompt_name)
        self.audience = audience
        self.fallback = fallback
        self.endpoint = endpoint or "the configured endpoint"
        self.ungrounded: Ungrounded = ungrounded
        self.deadline = deadline
        """Seconds the model has for the whole answer; past them the fallback is shown."""

    # The public faces: tokens, a whole answer, or both as events.
    def stream(self, result: SearchResult) -> Iterator[str]:
        """The model's tokens as they arrive (nothing when it is not called or unreachable)."""
        for event in self.events(result):
            if isinstance(event, TokenEvent):
                yield event.text

    def answer(self, result: SearchResult) -> Answer:
        return final_answer(self.events(result))

    def events(self, result: SearchResult) -> Iterator[AnswerEvent]:
        gated = self.gate(result)
        if not gated.hits:
            # Nothing the audience may see matched: there is nothing to ground an answer in.
            yield DoneEvent(self.fallback.answer(gated))
            return
        messages = self.messages(gated)
        parts: list[str] = []
        started = time.monotonic()
        chunks = self.chat_model.stream(messages)
        try:
            for chunk in chunks:
                token = chunk.text
                if token:
                    parts.append(token)
                    yield TokenEvent(token)
                if self.deadline is not None and time.monotonic() - started > self.deadline:
                    raise _Overtime
        except _Overtime:
            notice = (
                f"Language model at {self.endpoint} did not finish within {self.deadline:g} s; "
                "extractive answer shown."
            )
            yield DoneEvent(self._fall_back(gated, notice))
            return
        except Exception as exc:  # any backend failure: the officer still gets an answer
            yield DoneEvent(self._fall_back(gated, self._failure(exc)))
            return
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()  # stops the request when the answer is abandoned or over time
        yield DoneEvent(self._finish(gated, "".join(parts)))

    def gate(self, result: SearchResult) -> SearchResult:
        """Re-apply the gate to the hits, for this answerer's audience and for the audience the
        result claims (both must admit). Retrieval already did this; it is checked again here
        because what reaches a model must not depend on every caller having done it."""
        hits = admit(result.hits, self.audience)
        if result.audience != self.audience.partner:
            hits = admit(hits, replace(self.audience, partner=result.audience))
        return replace(result, hits=hits)

    def messages(self, result: SearchResult) -> list[BaseMessage]:
        return self.prompt.messages(format_passages(result.hits), result.query)

    def _finish(self, result: SearchResult, text: str) -> Answer:
        checked = ground(text, len(result.hits), ungrounded=self.ungrounded)
        if checked.kept == 0:
            return self._fall_back(result, REFUSED_NOTICE if checked.refused else UNGROUNDED_NOTICE)
        notes = []
        if checked.dropped:
            notes.append(f"{_sentences(checked.dropped)} without a valid citation left out.")
        if checked.flagged:
            notes.append(
                f"{_sentences(checked.flagged)} without a valid citation marked {UNVERIFIED}."
            )
        return Answer(
            question=result.query,
            audience=result.audience,
            text=checked.text,
            citations=[result.hits[i] for i in checked.sources],
            abstained=False,
            withheld=result.withheld,
            notice=" ".join(notes) or None,
            kind="llm",
        )

    def _failure(self, exc: BaseException) -> str:
        if is_unreachable(exc):
            return f"Language model unreachable at {self.endpoint}; extractive answer shown."
        return (
            f"Language model at {self.endpoint} failed ({type(exc).__name__}: "
            f"{_one_line(exc)}); extractive answer shown."
        )

    def _fall_back(self, result: SearchResult, notice: str) -> Answer:
        answer = self.fallback.answer(result)
        return replace(answer, notice=f"{notice} {answer.notice}" if answer.notice else notice)


# -- wiring --------------------------------------------------------------------------------


def build_chat_model(settings: LLMSettings) -> BaseChatModel:
    """The configured LangChain chat model. Building one opens no connection."""
    if settings.provider == "ollama":
        try:
            from langchain_ollama import ChatOllama
        except ImportError:
            raise BackendError(
                "the Ollama language-model backend is not installed", INSTALL_HINT
            ) from None
        model: BaseChatModel = ChatOllama(
            model=settings.model,
            base_url=settings.base_url,
            temperature=settings.temperature,
            num_predict=MAX_TOKENS,
            client_kwargs={"timeout": settings.timeout},
        )
        return model
    try:
        from langchain_openai import ChatOpenAI
    except ImportError:
        raise BackendError(
            "the OpenAI-compatible language-model backend is not installed", INSTALL_HINT
        ) from None
    model = ChatOpenAI(
        model=settings.model,
        base_url=settings.base_url,
        api_key=settings.api_key,
        temperature=settings.temperature,
        timeout=settings.timeout,
        max_retries=1,
        # Sent as the classic "max_tokens" that every OpenAI-compatible server reads. ChatOpenAI's
        # own max_tokens goes out as "max_completion_tokens", which llama-cpp-python's server
        # ignores: it would generate until its context is full.
        extra_body={"max_tokens": MAX_TOKENS},
    )
    return model


def make_answerer(
    settings: Settings,
    embedder: Embedder,
    audience: Audience | None = None,
    *,
    chat_model: BaseChatModel | None = None,
) -> Answerer:
    """The answerer ``settings.answer.backend`` asks for: extractive (default) or LLM. The LLM
    answerer needs the question's ``audience`` for its gate re-check; without one it is refused
    (fail closed) rather than built with a weaker gate."""
    a = settings.answer
    extractive = ExtractiveAnswerer(
        embedder, max_sentences=a.max_sentences, min_evidence=a.min_evidence
    )
    if a.backend == "extractive":
        return extractive
    if audience is None:
        raise BackendError(
            "the language-model answerer needs the question's audience",
            "internal error: pass the Audience to make_answerer",
        )
    llm = settings.llm
    ungrounded: Any = llm.ungrounded
    return LLMAnswerer(
        chat_model or build_chat_model(llm),
        llm.prompt,
        audience=audience,
        fallback=extractive,
        endpoint=llm.base_url,
        ungrounded="flag" if ungrounded == "flag" else "drop",
        deadline=llm.timeout,
    )
