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
    assert "The closest sources are: [1]" in answer.text
    assert answer.citations[0].title in answer.text


def test_search_filters(shipped) -> None:  # type: ignore[no-untyped-def]
    result = shipped.search("gifts and thresholds", filters=Filters(kind="etiquette"))
    assert result.hits and all(h.meta["kind"] == "etiquette" for h in result.hits)
    result = shipped.search("language plan interpreter", filters=Filters(partner="XLU"))
    assert result.hits and all(h.meta["partner"] == "XLU" for h in result.hits)
    result = shipped.search("gifts", filters=Filters(topic="gifts"))
    assert result.hits and all(",gifts," in h.meta["topics"] for h in result.hits)
    # Without the filters the same queries reach other kinds and partners.
    unfiltered = shipped.search("gifts and thresholds", k=10).hits
    assert any(h.meta["kind"] != "etiquette" for h in unfiltered)


def test_clearance_bounds_search(shipped_store, embedder) -> None:  # type: ignore[no-untyped-def]
    from assistant.config import Settings
    from assistant.corpus.markings import Level
    from assistant.service import Assistant

    query = "internal assessment of the partner"
    secret = Assistant(Settings(store=str(shipped_store)), embedder=embedder)
    restricted = Assistant(
        Settings(store=str(shipped_store), clearance="RESTRICTED"), embedder=embedder
    )
    above = [
        h
        for h in secret.search(query, k=20).hits
        if h.handling.effective_level().rank > Level.RESTRICTED.rank
    ]
    assert above, "the query must find material above RESTRICTED, or the test proves nothing"
    hits = restricted.search(query, k=20).hits
    assert hits
    assert all(h.handling.effective_level().rank <= Level.RESTRICTED.rank for h in hits)
    assert not {h.chunk_id for h in above} & {h.chunk_id for h in hits}


def test_audience_sees_only_releasable_passages(shipped) -> None:  # type: ignore[no-untyped-def]
    from assistant.policy.rules import decide

    aud = shipped.audience("XTA")
    query = "money laundering pilot joint operation"
    own = shipped.search(query, k=10).hits
    denied = [h for h in own if not decide(h.handling, aud.registry, "XTA", aud.today).allowed]
    assert denied, "own use must find material XTA may not see, or the test proves nothing"
    result = shipped.search(query, audience="XTA", k=10)
    assert result.hits
    for hit in result.hits:
        assert decide(hit.handling, aud.registry, "XTA", aud.today).allowed
    assert not {h.chunk_id for h in denied} & {h.chunk_id for h in result.hits}


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
