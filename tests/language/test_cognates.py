"""Cognates: an unknown word of a foreign question matched to a corpus word spelt almost the
same, strictly, and only to words of passages the audience may see."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.language.cognates import cognate

VOCABULARY = frozenset(
    {"quarantine", "consecutive", "delegation", "protocol", "regular", "register", "liberal"}
)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("quarantaine", "quarantine"),
        ("konszekutív", None),  # starts differently: k/c
        ("délégation", "delegation"),
        ("protocole", "protocol"),
        ("libérer", None),  # "liberal" is not close enough
        ("átjárón", None),
        ("regul", None),  # too short to trust
        ("XBO2026", None),
    ],
)
def test_cognates_are_strict(word: str, expected: str | None) -> None:
    assert cognate(word, VOCABULARY) == expected


def test_the_vocabulary_holds_only_what_the_audience_may_see(shipped: Any) -> None:
    retriever = shipped.retriever
    own = retriever.vocabulary(shipped.audience(None))
    xta = retriever.vocabulary(shipped.audience("XTA"))
    assert "quarantine" not in own or "quarantine" in xta  # a sanity check on the fixture
    assert xta < own  # XTA may see UNCLASSIFIED only: fewer words
    # A word of a SECRET portion only is never offered to XTA as a cognate.
    secret_only = own - xta
    assert secret_only
    word = sorted(w for w in secret_only if len(w) >= 8)[0]
    assert cognate(word + "e", xta) != word
    assert retriever.vocabulary(shipped.audience("XTA")) is xta  # built once per audience
