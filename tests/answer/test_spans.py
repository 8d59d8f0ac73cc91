"""What an extractive answer quotes and how it lays it out: whole spans, a lead-in with its
list, the source's order, the general rule before a partner's particulars, code only when a
command is asked for. A hashing embedder stands in for the model (tests/fakes.py)."""

from __future__ import annotations

from typing import Any

from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.layout import asks_for_code, particulars_line
from assistant.corpus.markings import Handling, to_metadata
from assistant.eval.metrics import check_citations, is_fragment
from assistant.retrieval.types import Hit, SearchResult
from assistant.text import cited_numbers
from tests.fakes import FakeEmbedder


def hit(n: int, text: str, *, partner: str = "", kind: str = "etiquette") -> Hit:
    meta: dict[str, Any] = {
        "doc_id": f"doc-{n}",
        "title": f"Document {n}",
        "section": f"Section {n}",
        "reviewed": "2026-05-01",
        "source": f"corpus/doc-{n}.md",
        "partner": partner,
        "kind": kind,
        **to_metadata(Handling(classification="U", originator="OWN")),
    }
    return Hit(f"chunk-{n}", text, meta, score=1.0 / n)


def answer(query: str, *hits: Hit, partners: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    result = SearchResult(query, None, list(hits), partners=partners)
    return ExtractiveAnswerer(FakeEmbedder(), min_evidence=0.0).answer(result)


ORDER = hit(
    1,
    "The visiting service sends its delegation list ten working days ahead.\n"
    "The delegation list of the Service is ordered as follows:\n\n"
    "1. Head of delegation.\n2. Deputy head.\n3. Other members by function.\n",
)


def test_a_lead_in_comes_with_its_whole_list_in_order() -> None:
    got = answer("How is the delegation list of the Service ordered?", ORDER)
    text = got.text
    assert not is_fragment(text)
    lead = text.index("ordered as follows: [1]")
    items = [text.index(f"{n}. ") for n in (1, 2, 3)]
    assert lead < items[0] < items[1] < items[2]
    assert "1. Head of delegation. [1]" in text
    # Every unit keeps its mark, and every mark is backed by the passage.
    checks = check_citations(text, [h.text for h in got.citations])
    assert checks and all(c.supported for c in checks)


def test_a_dangling_lead_in_is_never_quoted() -> None:
    cut = hit(
        1, "Delegation lists follow precedence rules.\nThe delegation list is ordered as follows:"
    )
    got = answer("How is the delegation list ordered?", cut)
    assert "as follows" not in got.text
    assert not is_fragment(got.text)


def test_a_span_keeps_the_source_order() -> None:
    text = (
        "Gifts between services are modest and carry the emblem of the service. "
        "Gifts are exchanged at the end of the visit by the heads of delegation. "
        "Gifts received are declared to the protocol desk within five days."
    )
    got = answer("When are gifts exchanged and declared by the heads of delegation?", hit(1, text))
    quoted = [
        s for s in ("modest", "exchanged at the end", "declared to the protocol") if s in got.text
    ]
    assert len(quoted) >= 2
    positions = [got.text.index(s) for s in quoted]
    assert positions == sorted(positions)


GENERAL = hit(2, "Gifts between services are modest and are declared to the protocol desk.")
PARTICULAR = hit(
    1,
    "XBO keeps gifts between services symbolic, and it registers every larger present.",
    partner="XBO",
    kind="partner-note",
)


def test_no_partner_named_the_general_rule_comes_first_and_the_particular_is_labelled() -> None:
    got = answer(
        "Which gifts between services are declared to the protocol desk?", PARTICULAR, GENERAL
    )
    assert got.citations[0].doc_id == "doc-2"  # the general passage, though ranked second
    if "XBO keeps" in got.text:
        assert got.text.index(particulars_line("XBO")) < got.text.index("XBO keeps")
        assert got.text.index("Gifts between services are modest") < got.text.index("XBO keeps")


def test_a_named_partner_gets_the_general_rule_then_its_particulars() -> None:
    got = answer(
        "Which gifts between services are declared for XBO?", PARTICULAR, GENERAL, partners=("XBO",)
    )
    text = got.text
    assert text.index("Gifts between services are modest") < text.index(particulars_line("XBO"))
    assert text.index(particulars_line("XBO")) < text.index("XBO keeps")
    # Each block cites its own passage.
    general, particular = text.split(particulars_line("XBO"))
    assert set(cited_numbers(general)) == {1} and set(cited_numbers(particular)) == {2}


def test_another_partners_note_is_left_out_when_a_partner_is_named() -> None:
    other = hit(
        3, "XMA limits gifts between services to a token value.", partner="XMA", kind="partner-note"
    )
    got = answer(
        "Which gifts between services are declared for XBO?",
        other,
        PARTICULAR,
        GENERAL,
        partners=("XBO",),
    )
    assert "XMA" not in got.text
    assert all(h.meta["partner"] != "XMA" for h in got.citations)


CODE = hit(
    1,
    "The release check is run from the terminal:\n\n```shell\nliaison check report --to XBO\n```\n\n"
    "The check prints the decision and the rule that decided it.",
)


def test_code_is_quoted_only_when_a_command_is_asked_for() -> None:
    prose = answer("What does the release check print?", CODE)
    assert "```" not in prose.text and "liaison check report" not in prose.text
    command = answer("Which command runs the release check?", CODE)
    assert "```\nliaison check report --to XBO\n```" in command.text
    assert not is_fragment(command.text)


def test_asks_for_code() -> None:
    assert asks_for_code("Which command runs the check?")
    assert asks_for_code("Welcher Befehl startet die Prüfung?")
    assert not asks_for_code("What does the check print?")


def test_a_later_part_says_something_new() -> None:
    passage = hit(
        1,
        "A consent request states what is passed and for how long. "
        "The request is sent to the originator's international-cooperation department.",
    )
    question = "What does a consent request state and where is the request sent?"
    first = answer(question, passage)
    assert "states what is passed" in first.text
    result = SearchResult(
        question,
        None,
        [passage],
        quoted=frozenset({"A consent request states what is passed and for how long."}),
    )
    later = ExtractiveAnswerer(FakeEmbedder(), min_evidence=0.0).answer(result)
    assert "states what is passed" not in later.text
    assert "international-cooperation department" in later.text


def test_a_sentence_of_the_main_passage_out_of_the_spans_reach_adds_a_span() -> None:
    """The glossary sentence four sentences before the briefing sentence still answers."""
    from assistant.answer.spans import Atom, choose_spans
    from assistant.corpus.passage import units

    text = (
        "The interpreter receives the agenda and a glossary three working days ahead.\n"
        "Interpreters sit beside the head of delegation.\n"
        "Seating follows the plan of the protocol desk.\n"
        "Name cards are printed in both languages.\n"
        "A short briefing with the interpreter is held before the meeting starts, to explain "
        "the context, the sensitive points and how each person is addressed."
    )
    passage = hit(1, text)
    relevance = [0.73, 0.30, 0.28, 0.25, 0.78]
    atoms = [Atom(0, [u], r) for u, r in zip(units(text), relevance, strict=True)]
    spans = choose_spans(atoms, [passage], ())
    quoted = [u.text for s in spans for a in s.atoms for u in a.units]
    assert quoted[0].startswith("A short briefing")  # the best span first
    assert any("glossary" in q for q in quoted)
    assert not any("Name cards" in q for q in quoted)  # a weak sentence stays out
