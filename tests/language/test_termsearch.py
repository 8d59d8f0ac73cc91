"""The term search behind the palette and the look-up (plain Python, the shipped termbase)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant.errors import BadInput, NotFound
from assistant.language.termbase import Lookup, Termbase
from assistant.language.termfile import load_termbase
from assistant.language.termsearch import TermIndex, TermQuery, TermService, parse_query, word_at
from tests.conftest import SHIPPED


@dataclass(frozen=True)
class Source:
    """A term source: whatever holds the termbase (the assistant, in the UI)."""

    termbase: Termbase | None


@pytest.fixture(scope="module")
def shipped_termbase() -> Termbase:
    return load_termbase(SHIPPED / "termbase.yaml")


@pytest.fixture
def service(shipped_termbase: Termbase) -> TermService:
    return TermService(Source(shipped_termbase))


def _ids(index: TermIndex, text: str) -> list[str]:
    return [c.concept.id for c in index.search(text)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("gift", TermQuery("gift")),
        ("  gift   exchange ", TermQuery("gift exchange")),
        ("ajándék -> de", TermQuery("ajándék", "de")),
        ("gift→Hungarian", TermQuery("gift", "Hungarian")),
        ("gift => hu", TermQuery("gift", "hu")),
        ("gift ->", TermQuery("gift")),
    ],
)
def test_parse_query(raw: str, expected: TermQuery) -> None:
    assert parse_query(raw) == expected


@pytest.mark.parametrize(
    ("text", "position", "expected"),
    [
        ("Who is the Verbindungsbeamter", 29, "Verbindungsbeamter"),
        ("Who is the Verbindungsbeamter", 12, "Verbindungsbeamter"),
        ("What about l'officier?", 22, None),
        ("What about l'officier?", 21, "l'officier"),
        ("a tear-line here", 5, "tear-line"),
        ("end with space ", 15, None),
        ("", 0, None),
    ],
)
def test_word_at(text: str, position: int, expected: str | None) -> None:
    assert word_at(text, position) == expected


def test_exact_term_in_any_language_ranks_first(shipped_termbase: Termbase) -> None:
    index = TermIndex(shipped_termbase)
    assert _ids(index, "ajándék")[0] == "gift"
    assert _ids(index, "AJANDEK")[0] == "gift"  # case and accents folded
    assert _ids(index, "Verbindungsbeamter")[0] == "liaison-officer"
    top = index.search("ajándék")[0]
    assert top.exact
    assert top.term.language == "hu"


def test_search_as_you_type_prefix_and_typo(shipped_termbase: Termbase) -> None:
    index = TermIndex(shipped_termbase)
    assert _ids(index, "ajándékc")[0] == "gift-exchange"  # ajándékcsere, still being typed
    assert "liaison-officer" in _ids(index, "liaison off")[:2]
    assert "gift-exchange" in _ids(index, "gfit exch")  # a typo while typing
    assert "gift-exchange" in _ids(index, "ajnádékc")
    assert _ids(index, "xyzzyq") == []
    assert index.search("   ") == []


def test_one_hit_per_concept_best_term(shipped_termbase: Termbase) -> None:
    hits = TermIndex(shipped_termbase).search("gift")
    ids = [h.concept.id for h in hits]
    assert len(ids) == len(set(ids))
    # The exact term first, then the terms it begins, each concept shown by its best term
    # (the English one that matched, not another language's), best score first.
    assert ids[:5] == ["gift", "gift-value", "gift-exchange", "gift-declaration", "gift-retention"]
    assert [(h.term.language, h.term.text) for h in hits[:4]] == [
        ("en", "gift"),
        ("en", "gift value"),
        ("en", "gift exchange"),
        ("en", "gift declaration"),
    ]
    assert hits[0].score == 1.0
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    # A Hungarian query is matched by the Hungarian terms.
    hu = TermIndex(shipped_termbase).search("ajándék")
    assert (hu[0].concept.id, hu[0].term.language, hu[0].term.text) == ("gift", "hu", "ajándék")


def test_resolve_a_term_with_a_target_language(service: TermService) -> None:
    found = service.resolve("ajándékcsere -> German")
    assert isinstance(found, Lookup)
    assert found.concept.id == "gift-exchange"
    assert found.language == "de"


def test_resolve_a_sentence_offers_the_terms_it_contains(service: TermService) -> None:
    found = service.resolve("the exchange of gifts and a liaison officer")
    assert isinstance(found, list)
    assert [m.concept.id for m in found] == ["gift-exchange", "liaison-officer"]


def test_unknown_term_suggests_close_terms(service: TermService) -> None:
    with pytest.raises(NotFound) as caught:
        service.resolve("giftexchanging")
    assert caught.value.message == "no term found for 'giftexchanging'"
    assert "did you mean 'gift exchange'" in (caught.value.hint or "")


def test_unknown_language_is_bad_input(service: TermService) -> None:
    with pytest.raises(BadInput, match="unknown language 'klingon'"):
        service.resolve("gift -> klingon")


def test_no_termbase_is_not_found() -> None:
    with pytest.raises(NotFound, match="no termbase"):
        TermService(Source(None)).resolve("gift")


def test_mentions_one_per_concept_in_order(service: TermService) -> None:
    mentioned = service.mentions(
        (
            ("Who is the liaison officer?", None),
            ("The liaison officer arranges the gift exchange.", ["en"]),
        )
    )
    assert [m.concept.id for m in mentioned][:2] == ["liaison-officer", "gift-exchange"]
