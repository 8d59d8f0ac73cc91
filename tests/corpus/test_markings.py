import datetime as dt

import pytest
from pydantic import ValidationError

from assistant.corpus.markings import (
    UNMARKED,
    Handling,
    Level,
    MarkingError,
    Tlp,
    from_metadata,
    parse_portion,
    to_metadata,
)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("U", Level.UNCLASSIFIED),
        ("r", Level.RESTRICTED),
        ("confidential", Level.CONFIDENTIAL),
        ("TS", Level.TOP_SECRET),
        ("top secret", Level.TOP_SECRET),
        ("TOP_SECRET", Level.TOP_SECRET),
    ],
)
def test_level_parse_accepts_short_and_long_forms(text: str, level: Level) -> None:
    assert Level.parse(text) is level


def test_level_parse_rejects_unknown() -> None:
    with pytest.raises(ValueError, match="unknown classification"):
        Level.parse("SECRETISH")


def test_portion_marking_with_rel_to() -> None:
    marking, title = parse_portion("(C//REL TO XBO, xma) Liaison contacts")
    assert marking is not None
    assert marking.classification is Level.CONFIDENTIAL
    assert marking.rel_to == ("XBO", "XMA")
    assert marking.orcon is None
    assert title == "Liaison contacts"


def test_portion_marking_orcon_and_tlp() -> None:
    marking, title = parse_portion("(S//ORCON//TLP:amber+strict) Source reporting")
    assert marking is not None
    assert marking.orcon is True
    assert marking.tlp is Tlp.AMBER_STRICT
    assert title == "Source reporting"


def test_heading_without_marking() -> None:
    assert parse_portion("Background (public)") == (None, "Background (public)")
    assert parse_portion("(Un)usual title")[0] is None


@pytest.mark.parametrize(
    "heading", ["(C//REL TO XBOX) Bad code", "(S//NOFORN) Unknown control", "(U//TLP:PINK) x"]
)
def test_bad_portion_marking_is_an_error(heading: str) -> None:
    with pytest.raises(MarkingError):
        parse_portion(heading)


def test_portion_inherits_banner_fields() -> None:
    banner = Handling.model_validate(
        {
            "classification": "secret",
            "originator": "xbo",
            "rel_to": ["xne"],
            "tlp": "amber",
            "consents": [{"to": "xca", "expires": "2027-01-01"}],
        }
    )
    marking, _ = parse_portion("(R) Key judgements")
    assert marking is not None
    portion = marking.apply(banner)
    assert portion.classification is Level.RESTRICTED
    assert portion.originator == "XBO"
    assert portion.rel_to == ("XNE",)
    assert portion.tlp is Tlp.AMBER
    assert portion.consents[0].to == "XCA"


def test_handling_is_normalised_and_validated() -> None:
    h = Handling.model_validate({"classification": "c", "originator": "own", "rel_to": "xbo, xma"})
    assert (h.classification, h.originator, h.rel_to) == (Level.CONFIDENTIAL, "OWN", ("XBO", "XMA"))
    with pytest.raises(ValidationError, match="community"):
        Handling.model_validate({"classification": "U", "originator": "XBO", "tlp": "GREEN"})
    with pytest.raises(ValidationError):
        Handling.model_validate({"classification": "U", "originator": "OWN", "typo": 1})


def test_unmarked_counts_as_top_secret() -> None:
    assert UNMARKED.effective_level() is Level.TOP_SECRET
    assert Handling(classification=Level.UNCLASSIFIED).effective_level() is Level.TOP_SECRET


def test_metadata_round_trip() -> None:
    h = Handling.model_validate(
        {
            "classification": "R",
            "originator": "XMA",
            "rel_to": ["XVE"],
            "tlp": "AMBER",
            "orcon": True,
            "consents": [{"to": "XBO", "expires": dt.date(2027, 3, 31)}],
        }
    )
    assert from_metadata(to_metadata(h)) == h
    assert (
        from_metadata({"marked": True, "classification": "BOGUS", "originator": "OWN"}) == UNMARKED
    )
    assert from_metadata({}) == UNMARKED


def test_partners_matching_as_one_types() -> None:
    from tests.conftest import registry_of

    registry = registry_of("XBO", "XMA", "XNE", "XCA")
    assert registry.matching("") == ["XBO", "XCA", "XMA", "XNE"]
    assert registry.matching("xn") == ["XNE"]
    assert registry.matching("security") == ["XBO", "XNE"]  # name words
    assert registry.matching("intelligence maravian") == ["XMA"]  # every word, any order
    assert registry.matching("CALDERA") == ["XCA"]  # the country, any case
    assert registry.matching("  ") == registry.codes()
    assert registry.matching("atlantis") == []
    # A code that starts with what was typed comes first.
    assert registry.matching("x")[0] == "XBO"
    assert registry.matching("c")[0] == "XCA"
