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

import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, Protocol

from assistant.answer.extractive import Answer, ExtractiveAnswerer
from assistant.errors import BackendError, ConfigError
from assistant.paths import prompts_dir
from assistant.policy.gate import Audience, admit
from assistant.retrieval.hybrid import Hit, SearchResult

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
UNVERIFIED = "[unverified]"
MAX_TOKENS = 512
"""Cap on the model's answer: four cited sentences need far less; a runaway model stops here."""

Ungrounded = Literal["drop", "flag"]


# -- events: what the CLI and the UI render ------------------------------------------------


@dataclass(frozen=True)
class TokenEvent:
    """A piece of the model's draft, as it arrives. The draft is provisional: the final
    :class:`DoneEvent` answer (post-checked, renumbered, or the fallback) replaces it."""

    text: str


@dataclass(frozen=True)
class DoneEvent:
    """The final answer. Always the last event, exactly once."""

    answer: Answer


AnswerEvent = TokenEvent | DoneEvent


class Answerer(Protocol):
    def answer(self, result: SearchResult) -> Answer: ...


def stream_answer(answerer: Answerer, result: SearchResult) -> Iterator[AnswerEvent]:
    """The answer to ``result`` as events: zero or more tokens, then one ``DoneEvent``.
    An answerer that cannot stream (extractive) yields only the ``DoneEvent``."""
    if isinstance(answerer, LLMAnswerer):
        yield from answerer.events(result)
    else:
        yield DoneEvent(answerer.answer(result))


def final_answer(events: Iterable[AnswerEvent]) -> Answer:
    """Drain ``events`` and return the answer of the ``DoneEvent``."""
    answer: Answer | None = None
    for event in events:
        if isinstance(event, DoneEvent):
            answer = event.answer
    if answer is None:
        raise BackendError("the answer stream ended without an answer")
    return answer


# -- prompts -------------------------------------------------------------------------------

_PROMPT_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_SECTION = re.compile(r"^=== (system|user) ===\s*$", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\{(passages|question)\}")


@dataclass(frozen=True)
class Prompt:
    name: str
    system: str
    user: str

    def render(self, passages: str, question: str) -> tuple[str, str]:
        """The system and user messages. One pass, so braces in a passage or in the question
        are never taken for placeholders."""
        values = {"passages": passages, "question": question}

        def fill(text: str) -> str:
            return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)

        return fill(self.system), fill(self.user)


def available_prompts() -> list[str]:
    folder = prompts_dir()
    return sorted(p.stem for p in folder.glob("*.txt")) if folder.is_dir() else []


def load_prompt(name: str) -> Prompt:
    """Read ``prompts/<name>.txt``: a free description, then ``=== system ===`` and
    ``=== user ===`` sections. The user section must hold ``{passages}`` and ``{question}``."""
    known = ", ".join(available_prompts()) or "none"
    if not _PROMPT_NAME.match(name):
        raise ConfigError(f"invalid prompt name {name!r}", f"known prompts: {known}")
    path = prompts_dir() / f"{name}.txt"
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError:
        raise ConfigError(
            f"prompt {name!r} not found in {prompts_dir()}", f"known: {known}"
        ) from None
    parts = _SECTION.split(raw)
    # parts: [description, "system", text, "user", text] when both sections are present.
    sections = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    user = sections.get("user", "")
    if "{passages}" not in user or "{question}" not in user:
        raise ConfigError(
            f"prompt {path} is malformed",
            "it needs a '=== user ===' section with {passages} and {question}",
        )
    return Prompt(name, sections.get("system", ""), user)


def format_passages(hits: Sequence[Hit]) -> str:
    """The numbered passages as the model sees them: number, source and date, then the text."""
    blocks = []
    for n, hit in enumerate(hits, start=1):
        where = f"{hit.title} › {hit.section}" if hit.section else hit.title
        dated = f" (as of {hit.reviewed})" if hit.reviewed else ""
        blocks.append(f"[{n}] {where}{dated}\n{hit.text.strip()}")
    return "\n\n".join(blocks)


# -- the citation post-check ---------------------------------------------------------------

_CITATION = re.compile(r"\[\s*(\d+(?:\s*[-–,;]\s*\d+)*)\s*\]")
# A sentence ends at . ! ? (plus closing quotes) and any citations that follow the stop.
_END = re.compile(r"[.!?]+[\"'”’)]*(?:\s*\[\s*\d+(?:\s*[-–,;]\s*\d+)*\s*\])*(?=\s|$)")
_LEADING_CITATIONS = re.compile(r"^(?:\s*\[\s*\d+(?:\s*[-–,;]\s*\d+)*\s*\])+\s*")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL | re.IGNORECASE)
_REFUSAL = re.compile(
    r"\b(?:can ?not|can't|cannot|unable to)\s+(?:be\s+)?answer|"
    r"\b(?:passages?|sources?)\s+(?:do|does)\s+not\s+(?:contain|say|mention)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Grounded:
    """The model's text after the post-check."""

    text: str
    sources: list[int]
    """0-based indices of the passages cited, in the order of the new numbering [1], [2]..."""
    kept: int
    """Sentences with valid citations."""
    dropped: int
    flagged: int
    refused: bool
    """No sentence was grounded and the model said it could not answer."""


def _numbers(group: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group):
        bounds = re.split(r"\s*[-–]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            lo, hi = int(bounds[0]), int(bounds[1])
            out += list(range(lo, hi + 1)) if 0 < hi - lo < 20 else [lo, hi]
        elif part.isdigit():
            out.append(int(part))
    return out


def split_sentences(line: str) -> list[str]:
    """Sentences of one line of model output; a citation after the full stop stays with the
    sentence before it, and a stop followed by a lower-case word (e.g. "e.g. the") does not end
    a sentence."""
    out: list[str] = []
    start = 0
    for m in _END.finditer(line):
        rest = line[m.end() :].lstrip()
        if rest and rest[0].islower():
            continue
        piece = line[start : m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    tail = line[start:].strip()
    if tail:
        out.append(tail)
    return out


def ground(text: str, n_passages: int, *, ungrounded: Ungrounded = "drop") -> Grounded:
    """Keep the sentences whose every ``[n]`` points at one of the ``n_passages`` passages,
    renumber the citations to those used, and drop (or flag) every other sentence."""
    text = _THINK.sub("", text)
    numbering: dict[int, int] = {}
    lines_out: list[str] = []
    kept = dropped = flagged = 0
    for line in text.splitlines():
        bullet = _BULLET.match(line)
        prefix = bullet.group(0).strip() + " " if bullet else ""
        body = line[bullet.end() :] if bullet else line
        kept_here: list[str] = []
        for piece in split_sentences(body):
            # A citation goes after what it supports: a leading "[2] ..." (the model echoing a
            # passage header) supports nothing.
            sentence = _LEADING_CITATIONS.sub("", piece)
            if not re.search(r"\w", _CITATION.sub("", sentence)):
                continue  # a stray citation or punctuation with no words
            cited = [n for m in _CITATION.finditer(sentence) for n in _numbers(m.group(1))]
            if cited and all(1 <= n <= n_passages for n in cited):
                for n in cited:
                    numbering.setdefault(n, len(numbering) + 1)
                kept_here.append(_renumber(sentence, numbering))
                kept += 1
            elif ungrounded == "flag":
                kept_here.append(_flag(sentence))
                flagged += 1
            else:
                dropped += 1
        if kept_here:
            lines_out.append(prefix + " ".join(kept_here))
    refused = kept == 0 and bool(_REFUSAL.search(text))
    sources = [n - 1 for n in sorted(numbering, key=numbering.__getitem__)]
    return Grounded("\n".join(lines_out), sources, kept, dropped, flagged, refused)


def _renumber(sentence: str, numbering: dict[int, int]) -> str:
    def sub(m: re.Match[str]) -> str:
        seen = dict.fromkeys(numbering[n] for n in _numbers(m.group(1)))
        return "".join(f"[{n}]" for n in seen)

    return _CITATION.sub(sub, sentence)


def _flag(sentence: str) -> str:
    bare = re.sub(r"\s+", " ", _CITATION.sub("", sentence)).strip()
    bare = re.sub(r"\s+([.!?])", r"\1", bare)
    m = re.search(r"[.!?]+[\"'”’)]*$", bare)
    if m:
        return f"{bare[: m.start()]} {UNVERIFIED}{bare[m.start() :]}"
    return f"{bare} {UNVERIFIED}"


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
        from langchain_core.messages import HumanMessage, SystemMessage

        system, user = self.prompt.render(format_passages(result.hits), result.query)
        out: list[BaseMessage] = [SystemMessage(content=system)] if system else []
        return [*out, HumanMessage(content=user)]

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
