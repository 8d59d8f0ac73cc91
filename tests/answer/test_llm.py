"""The optional language-model answerer, with LangChain's fake chat models: streaming, the
citation post-check, the fallbacks, and the gate re-check before anything reaches a model."""

from __future__ import annotations

import datetime as dt
import socket
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from pydantic import Field

from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.grounding import ground
from assistant.answer.llm import (
    REFUSED_NOTICE,
    UNGROUNDED_NOTICE,
    LLMAnswerer,
    make_answerer,
    stream_answer,
)
from assistant.answer.prompts import load_prompt
from assistant.answer.types import DoneEvent, TokenEvent, final_answer
from assistant.config import Settings
from assistant.corpus.markings import Handling, Level, to_metadata
from assistant.corpus.partners import Partner, Registry
from assistant.errors import BackendError, ConfigError
from assistant.policy.gate import Audience
from assistant.retrieval.types import Hit, SearchResult
from assistant.text import split_sentences
from tests.fakes import FakeEmbedder

ENDPOINT = "http://127.0.0.1:8080/v1"
REGISTRY = Registry(
    partners={
        "XBO": Partner(code="XBO", name="Borealian Security Service", agreement_level="S"),
        "XMA": Partner(code="XMA", name="Maravian Intelligence Directorate", agreement_level="C"),
    }
)
TODAY = dt.date(2026, 10, 1)


def audience(partner: str | None = "XBO") -> Audience:
    return Audience(Level.SECRET, partner, REGISTRY, TODAY)


def hit(n: int, text: str, **handling: Any) -> Hit:
    h = Handling(**(handling or {"classification": "U", "originator": "OWN"}))
    meta = {
        "doc_id": f"doc-{n}",
        "title": f"Document {n}",
        "section": f"Section {n}",
        "reviewed": "2026-05-01",
        "source": f"corpus/doc-{n}.md",
        **to_metadata(h),
    }
    return Hit(f"chunk-{n}", text, meta, score=1.0 / n)


PASSAGES = [
    hit(1, "Level zero is the protocol level: courtesy visits and no exchange of information."),
    hit(2, "Gifts above fifty euros must be declared to the liaison office within a week."),
    hit(3, "An interpreter is booked through the protocol desk two days ahead of the meeting."),
]
DENIED = hit(
    9,
    "The Caldera ledger DENIED-LEDGER-TEXT is shared only with Caldera.",
    classification="C",
    originator="OWN",
    rel_to=["XMA"],
)


def result(hits: list[Hit] | None = None, partner: str | None = "XBO") -> SearchResult:
    return SearchResult("What are the rules on gifts?", partner, list(hits or PASSAGES))


class Recording(GenericFakeChatModel):
    """The generic fake, remembering every prompt it was given."""

    prompts: list[list[BaseMessage]] = Field(default_factory=list)

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Any:
        self.prompts.append(list(messages))
        return super()._generate(messages, *args, **kwargs)


def fake(*replies: str) -> Recording:
    return Recording(messages=iter(replies))


def failing(exc: BaseException) -> GenericFakeChatModel:
    def raising() -> Iterator[str]:
        raise exc
        yield ""  # pragma: no cover - makes this a generator

    return GenericFakeChatModel(messages=raising())


def answerer(model: Any, partner: str | None = "XBO", **kwargs: Any) -> LLMAnswerer:
    fallback = ExtractiveAnswerer(FakeEmbedder(), min_evidence=0.0)
    return LLMAnswerer(
        model,
        "answer_v1",
        audience=audience(partner),
        fallback=fallback,
        endpoint=ENDPOINT,
        **kwargs,
    )


# -- streaming -----------------------------------------------------------------------------


def test_stream_yields_tokens_then_one_done_event() -> None:
    reply = "Gifts above fifty euros are declared [2]. Level zero is protocol only [1]."
    events = list(stream_answer(answerer(fake(reply)), result()))
    tokens = [e.text for e in events if isinstance(e, TokenEvent)]
    assert len(tokens) > 5  # streamed piece by piece, not in one block
    assert "".join(tokens) == reply
    assert isinstance(events[-1], DoneEvent)
    assert sum(isinstance(e, DoneEvent) for e in events) == 1
    answer = events[-1].answer
    assert answer.kind == "llm"
    assert not answer.abstained
    # Renumbered in order of use: passage 2 becomes [1], passage 1 becomes [2].
    assert (
        answer.text == "Gifts above fifty euros are declared [1]. Level zero is protocol only [2]."
    )
    assert [h.chunk_id for h in answer.citations] == ["chunk-2", "chunk-1"]
    assert answer.notice is None
    cited = answer.as_dict()["citations"]
    assert [(c["n"], c["doc_id"]) for c in cited] == [(1, "doc-2"), (2, "doc-1")]


def test_stream_method_gives_the_raw_tokens() -> None:
    reply = "Gifts are declared [2]."
    assert "".join(answerer(fake(reply)).stream(result())) == reply


def test_extractive_answerer_streams_only_the_final_answer() -> None:
    extractive = ExtractiveAnswerer(FakeEmbedder(), min_evidence=0.0)
    events = list(stream_answer(extractive, result()))
    assert len(events) == 1 and isinstance(events[0], DoneEvent)
    assert events[0].answer.kind == "extractive"
    assert final_answer(events) is events[0].answer


# -- the citation post-check ---------------------------------------------------------------


def test_sentence_citing_a_passage_that_does_not_exist_is_dropped() -> None:
    reply = "Level zero is protocol only [1]. Gifts need a ministerial waiver [7]. Book early [3]."
    answer = answerer(fake(reply)).answer(result())
    assert answer.kind == "llm"
    assert answer.text == "Level zero is protocol only [1]. Book early [2]."
    assert "waiver" not in answer.text
    assert [h.chunk_id for h in answer.citations] == ["chunk-1", "chunk-3"]
    assert answer.notice is not None and "1 sentence" in answer.notice


def test_unmarked_sentences_are_dropped() -> None:
    reply = "Gifts above fifty euros are declared [2]. Also, always bring flowers. Be polite."
    answer = answerer(fake(reply)).answer(result())
    assert answer.text == "Gifts above fifty euros are declared [1]."
    assert [h.chunk_id for h in answer.citations] == ["chunk-2"]
    assert answer.notice is not None and "2 sentences" in answer.notice


def test_flag_mode_keeps_unmarked_sentences_marked() -> None:
    reply = "Gifts are declared [2]. Always bring flowers."
    answer = answerer(fake(reply), ungrounded="flag").answer(result())
    assert answer.text == "Gifts are declared [1]. Always bring flowers [unverified]."
    assert answer.notice is not None and "[unverified]" in answer.notice


def test_nothing_grounded_falls_back_to_the_extractive_answer() -> None:
    answer = answerer(fake("Always bring flowers [5]. Be polite.")).answer(result())
    assert answer.kind == "extractive"
    assert answer.notice == UNGROUNDED_NOTICE
    assert "flowers" not in answer.text


def test_refusal_falls_back_with_its_own_notice() -> None:
    answer = answerer(fake("I cannot answer this from the passages.")).answer(result())
    assert answer.kind == "extractive"
    assert answer.notice == REFUSED_NOTICE


def test_ground_handles_citation_styles() -> None:
    g = ground("Declared within a week. [2] Booked ahead [3, 1]. Both apply [1-2].", 3)
    assert g.text == "Declared within a week. [1] Booked ahead [2][3]. Both apply [3][1]."
    assert g.sources == [1, 2, 0]
    assert (g.kept, g.dropped) == (3, 0)


def test_leading_citation_supports_nothing() -> None:
    # A small model echoing the passage headers: "[1] Document 1 > Section 1".
    g = ground("[1] Document 1 › Section 1 (as of 2026-05-01)\nGifts are declared [2].", 3)
    assert g.text == "Gifts are declared [1]."
    assert g.sources == [1]
    assert g.dropped == 1


def test_ground_keeps_bullets_and_strips_reasoning() -> None:
    text = "<think>passage 9 maybe</think>- Declared within a week [2].\n- Invented fact.\n- Ahead [1]."
    g = ground(text, 3)
    assert g.text == "- Declared within a week [1].\n- Ahead [2]."
    assert g.dropped == 1


def test_split_sentences_keeps_abbreviations_and_trailing_citations() -> None:
    assert split_sentences("Bring gifts, e.g. pens [1]. Then leave. [2] End") == [
        "Bring gifts, e.g. pens [1].",
        "Then leave. [2]",
        "End",
    ]


# -- fallbacks when the backend fails ------------------------------------------------------


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("[Errno 111] Connection refused"),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
        httpx.ReadTimeout("read timed out"),
    ],
)
def test_unreachable_backend_falls_back_with_one_line_notice(exc: BaseException) -> None:
    events = list(stream_answer(answerer(failing(exc)), result()))
    assert len(events) == 1
    answer = final_answer(events)
    assert answer.kind == "extractive"
    assert answer.notice == f"Language model unreachable at {ENDPOINT}; extractive answer shown."
    assert "\n" not in answer.notice


def test_other_backend_failure_falls_back_and_says_why() -> None:
    answer = answerer(failing(ValueError("model 'gemma' not found"))).answer(result())
    assert answer.kind == "extractive"
    assert answer.notice is not None
    assert answer.notice.startswith(f"Language model at {ENDPOINT} failed (ValueError:")
    assert "not found" in answer.notice


def test_model_over_its_deadline_falls_back() -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    slow = FakeListChatModel(responses=["Gifts are declared within a week [2]."], sleep=0.02)
    events = list(stream_answer(answerer(slow, deadline=0.1), result()))
    tokens = [e for e in events if isinstance(e, TokenEvent)]
    assert 0 < len(tokens) < len("Gifts are declared within a week [2].")  # cut short
    answer = final_answer(events)
    assert answer.kind == "extractive"
    assert answer.notice == (
        f"Language model at {ENDPOINT} did not finish within 0.1 s; extractive answer shown."
    )


def test_failure_mid_stream_still_ends_with_the_fallback() -> None:
    def half() -> Iterator[AIMessage | str]:
        yield "Gifts are declared [2]."
        raise httpx.RemoteProtocolError("peer closed connection")

    model = GenericFakeChatModel(messages=half())
    first = answerer(model).answer(result())
    assert first.kind == "llm"
    second = answerer(model).answer(result())
    assert second.kind == "extractive"
    assert second.notice is not None and "unreachable" in second.notice


# -- the gate runs again before the prompt is built ----------------------------------------


def prompt_text(model: Recording) -> str:
    assert len(model.prompts) == 1
    return "\n".join(str(m.content) for m in model.prompts[0])


def test_gate_recheck_removes_a_denied_hit_before_prompting() -> None:
    model = fake("Gifts are declared [2]. The ledger is shared [4].")
    unfiltered = result([*PASSAGES, DENIED])  # a caller that skipped the gate
    answer = answerer(model).answer(unfiltered)
    sent = prompt_text(model)
    assert "DENIED-LEDGER-TEXT" not in sent
    assert "[4]" not in sent  # only three numbered passages were given
    assert PASSAGES[2].text in sent
    assert "DENIED-LEDGER-TEXT" not in str(answer.as_dict())
    assert answer.text == "Gifts are declared [1]."
    # The same hit does reach an audience it is released to: the path is real.
    allowed = fake("The ledger is shared [4].")
    assert "DENIED-LEDGER-TEXT" in str(
        answerer(allowed, partner="XMA").answer(result([*PASSAGES, DENIED], "XMA")).as_dict()
    )
    assert "DENIED-LEDGER-TEXT" in prompt_text(allowed)


def test_gate_recheck_removes_unmarked_and_above_clearance_hits() -> None:
    unmarked = Hit("chunk-u", "UNMARKED-TEXT about gifts.", {"doc_id": "u", "title": "u"}, 1.0)
    top = hit(8, "TOP-SECRET-TEXT about gifts.", classification="TS", originator="OWN")
    model = fake("Gifts are declared [1].")
    answerer(model, partner=None).answer(result([unmarked, top, PASSAGES[1]], partner=None))
    sent = prompt_text(model)
    assert "UNMARKED-TEXT" not in sent and "TOP-SECRET-TEXT" not in sent
    assert PASSAGES[1].text in sent


def test_result_for_another_audience_is_gated_for_both() -> None:
    # An own-use answerer handed a result that claims audience XBO: XBO's gate applies too.
    model = fake("Gifts are declared [1].")
    answerer(model, partner=None).answer(result([*PASSAGES, DENIED], partner="XBO"))
    assert "DENIED-LEDGER-TEXT" not in prompt_text(model)


def test_model_is_not_called_when_nothing_may_be_seen() -> None:
    model = fake("The ledger is shared [1].")
    answer = answerer(model).answer(result([DENIED]))
    assert model.prompts == []
    assert answer.abstained and answer.kind == "extractive"
    assert "DENIED-LEDGER-TEXT" not in str(answer.as_dict())


def test_prompt_holds_only_the_numbered_passages_and_the_question() -> None:
    model = fake("Gifts are declared [2].")
    question = "What are the rules on {passages} gifts?"  # braces are not placeholders
    answerer(model).answer(SearchResult(question, "XBO", list(PASSAGES)))
    (message,) = model.prompts[0]  # one user message: many local chat templates drop "system"
    assert message.type == "human"
    user = str(message.content)
    assert "ONLY" in user and "[n]" in user
    assert "I cannot answer this from the passages." in user
    for n, h in enumerate(PASSAGES, start=1):
        assert f"[{n}] {h.title} › {h.section} (as of 2026-05-01)\n{h.text}" in user
    assert f"Question: {question}" in user
    assert "UNCLASSIFIED" not in user and "OWN" not in user  # markings stay out of the prompt


# -- prompts and wiring --------------------------------------------------------------------


def test_prompt_is_a_versioned_file() -> None:
    prompt = load_prompt("answer_v1")
    assert prompt.name == "answer_v1"
    assert "{passages}" in prompt.user and "{question}" in prompt.user
    with pytest.raises(ConfigError, match="answer_v9"):
        load_prompt("answer_v9")
    with pytest.raises(ConfigError):
        load_prompt("../secrets")


def test_make_answerer_defaults_to_extractive() -> None:
    chosen = make_answerer(Settings(), FakeEmbedder())  # type: ignore[arg-type]
    assert isinstance(chosen, ExtractiveAnswerer)


def test_make_answerer_builds_the_llm_answerer_from_settings() -> None:
    settings = Settings(answer={"backend": "llm"}, llm={"base_url": "http://127.0.0.1:9/v1"})
    model = fake("Gifts are declared [2].")
    chosen = make_answerer(settings, FakeEmbedder(), audience(), chat_model=model)  # type: ignore[arg-type]
    assert isinstance(chosen, LLMAnswerer)
    assert chosen.endpoint == "http://127.0.0.1:9/v1"
    assert chosen.answer(result()).kind == "llm"
    with pytest.raises(BackendError, match="audience"):
        make_answerer(settings, FakeEmbedder(), chat_model=model)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("provider", "module"), [("openai", "langchain_openai"), ("ollama", "langchain_ollama")]
)
def test_missing_backend_package_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch, provider: str, module: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import fails as if not installed
    settings = Settings(answer={"backend": "llm"}, llm={"provider": provider})
    with pytest.raises(BackendError) as err:
        make_answerer(settings, FakeEmbedder(), audience())  # type: ignore[arg-type]
    assert "pip install 'liaison[llm]'" in err.value.one_line()


def _closed_port() -> int:
    """A loopback port nothing listens on: bound once to pick it, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.allow_hosts(["127.0.0.1"])  # loopback only; every other host stays blocked
def test_real_openai_client_unreachable_falls_back() -> None:
    pytest.importorskip("langchain_openai", reason="the [llm] extra is not installed")
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    settings = Settings(answer={"backend": "llm"}, llm={"base_url": url, "timeout": 5})
    chosen = make_answerer(settings, FakeEmbedder(), audience())  # type: ignore[arg-type]
    answer = chosen.answer(result())
    assert answer.kind == "extractive"
    assert answer.notice == f"Language model unreachable at {url}; extractive answer shown."


@pytest.mark.allow_hosts(["127.0.0.1"])
def test_real_ollama_client_unreachable_falls_back() -> None:
    pytest.importorskip("langchain_ollama", reason="the [llm] extra is not installed")
    url = f"http://127.0.0.1:{_closed_port()}"
    settings = Settings(
        answer={"backend": "llm"}, llm={"provider": "ollama", "base_url": url, "timeout": 5}
    )
    answer = make_answerer(settings, FakeEmbedder(), audience()).answer(result())  # type: ignore[arg-type]
    assert answer.kind == "extractive"
    assert answer.notice == f"Language model unreachable at {url}; extractive answer shown."


@pytest.mark.allow_hosts(["127.0.0.1"])  # ChatOpenAI probes socket options when built
def test_real_openai_client_sends_the_classic_max_tokens() -> None:
    pytest.importorskip("langchain_openai", reason="the [llm] extra is not installed")
    from assistant.answer.llm import MAX_TOKENS, build_chat_model
    from assistant.config import LLMSettings

    model: Any = build_chat_model(LLMSettings())
    payload = model._get_request_payload("question")
    assert "max_completion_tokens" not in payload  # llama-cpp-python's server ignores it
    assert model.extra_body == {"max_tokens": MAX_TOKENS}


def test_real_ollama_client_is_built_without_connecting() -> None:
    pytest.importorskip("langchain_ollama", reason="the [llm] extra is not installed")
    from assistant.answer.llm import build_chat_model
    from assistant.config import LLMSettings

    model = build_chat_model(
        LLMSettings(provider="ollama", model="gemma3:270m", base_url="http://127.0.0.1:11434")
    )
    assert type(model).__name__ == "ChatOllama"
    assert getattr(model, "base_url", None) == "http://127.0.0.1:11434"


@pytest.mark.integration
def test_llm_answer_over_the_shipped_corpus(shipped: Any) -> None:
    found = shipped.search("How are gifts handled?", audience="XBO")
    assert found.hits
    model = fake("Gifts follow the rules [1]. Unsupported claim [99].")
    chosen = LLMAnswerer(
        model,
        audience=shipped.audience("XBO"),
        fallback=shipped.answerer(),
        endpoint=ENDPOINT,
    )
    answer = chosen.answer(found)
    assert answer.kind == "llm"
    assert answer.text == "Gifts follow the rules [1]."
    assert answer.citations == [found.hits[0]]
    assert found.hits[0].text in prompt_text(model)
