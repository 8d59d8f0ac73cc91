"""The real model and a real Chroma over the shipped corpus (session fixtures)."""

import re

from assistant.retrieval.types import Filters

SPEC_CITATION_KEYS = {
    "n",
    "doc_id",
    "title",
    "source",
    "section",
    "chunk_id",
    "score",
    "text",
    "handling",
}


def test_lowest_level_of_cooperation_is_answered_with_a_citation(shipped) -> None:  # type: ignore[no-untyped-def]
    answer = shipped.ask("What is the lowest level of cooperation?")
    assert not answer.abstained
    assert "[1]" in answer.text
    assert re.search(r"level zero|protocol", answer.text, re.I)
    assert answer.citations[0].doc_id in {"levels-of-cooperation", "level-zero-protocol"}
    assert answer.citations[0].reviewed  # every citation shows its review date


def test_ask_json_matches_spec(shipped) -> None:  # type: ignore[no-untyped-def]
    obj = shipped.ask("What is the lowest level of cooperation?").as_dict()
    assert {"question", "audience", "abstained", "answer", "citations"} <= set(obj)
    assert obj["audience"] is None and obj["abstained"] is False
    for cite in obj["citations"]:
        assert set(cite) >= SPEC_CITATION_KEYS
        assert set(cite["handling"]) == {"classification", "originator", "rel_to", "tlp"}
        assert cite["source"].startswith("corpus/")
    marks = {int(n) for n in re.findall(r"\[(\d+)\]", obj["answer"])}
    assert marks == {c["n"] for c in obj["citations"]}


def test_out_of_scope_question_abstains_with_closest_sources(shipped) -> None:  # type: ignore[no-untyped-def]
    answer = shipped.ask("What is the best recipe for chocolate cake?")
    assert answer.abstained
    assert answer.text.startswith("The corpus does not cover this question.")
    assert answer.citations  # the closest sources are listed


def test_search_filters(shipped) -> None:  # type: ignore[no-untyped-def]
    result = shipped.search("gifts and thresholds", filters=Filters(kind="etiquette"))
    assert result.hits and all(h.meta["kind"] == "etiquette" for h in result.hits)
    result = shipped.search("language plan interpreter", filters=Filters(partner="XLU"))
    assert result.hits and all(h.meta["partner"] == "XLU" for h in result.hits)
    result = shipped.search("gifts", filters=Filters(topic="gifts"))
    assert result.hits and all(",gifts," in h.meta["topics"] for h in result.hits)


def test_clearance_bounds_search(shipped) -> None:  # type: ignore[no-untyped-def]
    result = shipped.search("internal assessment of the partner", k=20)
    assert all(h.handling.effective_level().rank <= 3 for h in result.hits)


def test_audience_sees_only_releasable_passages(shipped) -> None:  # type: ignore[no-untyped-def]
    from assistant.policy.rules import decide

    aud = shipped.audience("XTA")
    result = shipped.search("money laundering pilot joint operation", audience="XTA", k=10)
    for hit in result.hits:
        assert decide(hit.handling, aud.registry, "XTA", aud.today).allowed


def test_hungarian_question_is_answered_from_english_doctrine(shipped) -> None:  # type: ignore[no-untyped-def]
    answer = shipped.ask("Mik az együttműködés szintjei?")
    assert not answer.abstained
    assert answer.question == "Mik az együttműködés szintjei?"
    assert "[1]" in answer.text and answer.citations
    assert any("level" in c.doc_id for c in answer.citations)
    assert answer.notice and "angol" in answer.notice  # says, in Hungarian, the sources are English


def test_interpreter_question_is_answered_from_the_registry(shipped) -> None:  # type: ignore[no-untyped-def]
    answer = shipped.ask("Do I need an interpreter for XLU?")
    assert not answer.abstained
    assert "needed" in answer.text and "XLU" in answer.text
    assert any(c.doc_id == "xlu-profile" for c in answer.citations)
