"""Language detection on short questions, language names, the "sources are in English" notice,
and carrying a question in another language over to English with the termbase."""

from __future__ import annotations

import pytest

from assistant.language import detect as language
from assistant.language.detect import detect, detect_language
from assistant.language.expansion import expand_query
from assistant.language.names import (
    CORE_LANGUAGES,
    language_name,
    languages_named_in,
    parse_language,
    sources_in_english,
)
from assistant.language.termbase import Termbase
from assistant.language.termfile import TERMBASE_FILE, load_termbase
from tests.conftest import SHIPPED


@pytest.fixture(scope="module")
def termbase() -> Termbase:
    return load_termbase(SHIPPED / TERMBASE_FILE)


# -- detection ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Mik az együttműködés szintjei?", "hu"),
        ("Kell tolmács?", "hu"),
        ("Mi a protokollszint?", "hu"),
        ("Kell tolmács az XMA-hoz?", "hu"),
        ("Brauche ich einen Dolmetscher?", "de"),
        ("Was ist Stufe null?", "de"),
        ("Wer ist der Verbindungsbeamte?", "de"),
        ("Quel est le niveau zéro ?", "fr"),
        ("Faut-il un interprète ?", "fr"),
        ("Qui est l'officier de liaison ?", "fr"),
        ("What is level zero?", "en"),
        ("Do I need an interpreter for XMA?", "en"),
        ("Who is XBO?", "en"),
        ("What does 'do ut des' mean?", "en"),  # the Latin phrase is quoted, not the question
        ("Vad är protokollnivå?", "sv"),
        ("Co to jest poziom zero?", "pl"),
        ("Che cosa è il livello zero?", "it"),
        ("Что такое уровень ноль?", "ru"),
    ],
)
def test_detects_short_questions(question: str, expected: str) -> None:
    assert detect_language(question) == expected


def test_detection_is_restricted_to_the_languages_given() -> None:
    assert detect_language("Vad är protokollnivå?", ["en", "hu"]) in {"en", "hu"}
    assert detect_language("Что такое уровень ноль?", ["en", "hu", "de"]) != "ru"


def test_too_little_text_falls_back_to_english() -> None:
    assert detect("XBO?").language == "en"
    assert detect("XBO?").method == "default"
    assert detect("", default="hu").language == "hu"


def test_detector_is_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    builds: list[tuple[str, ...]] = []
    real = language._build

    def counting(languages: tuple[str, ...]) -> object:
        builds.append(languages)
        return real(languages)

    monkeypatch.setattr(language, "_DETECTORS", {})
    monkeypatch.setattr(language, "_build", counting)
    for question in ("Brauche ich einen Dolmetscher?", "Kell tolmács?", "Faut-il un interprète ?"):
        detect(question)
    assert len(builds) == 1


# -- names and notices -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("hu", "hu"),
        ("HU", "hu"),
        ("hu-HU", "hu"),
        ("Hungarian", "hu"),
        ("magyar", "hu"),
        ("németül", "de"),
        ("Deutsch", "de"),
        ("allemand", "de"),
        ("français", "fr"),
        ("Russian", "ru"),
        ("Dutch", "nl"),
        ("klingon", None),
        ("", None),
    ],
)
def test_parse_language(text: str, code: str | None) -> None:
    assert parse_language(text) == code


def test_language_names() -> None:
    assert language_name("hu") == "Hungarian"
    assert language_name("en-GB") == "English (en-GB)"
    assert language_name(None) == "unknown"
    assert languages_named_in("Wie sagt man das auf Ungarisch oder Englisch?") == ["hu", "en"]


# "English" in each language, to check each notice speaks of English in that language.
ENGLISH_WORD = {
    "hu": "angol",
    "de": "Englisch",
    "fr": "anglais",
    "sv": "engelska",
    "es": "inglés",
    "pl": "angielsk",
    "it": "inglese",
    "ru": "английск",
    "nl": "Engels",
}


@pytest.mark.parametrize("lang", sorted(ENGLISH_WORD))
def test_sources_in_english_in_the_questions_language(lang: str) -> None:
    sentence = sources_in_english(lang)
    assert sentence is not None
    assert ENGLISH_WORD[lang] in sentence
    assert sentence != sources_in_english("xx")


def test_no_notice_for_english_questions() -> None:
    assert sources_in_english("en") is None
    assert sources_in_english(None) is None
    assert "English" in (sources_in_english("xx") or "")
    assert len({sources_in_english(lang) for lang in CORE_LANGUAGES if lang != "en"}) == 9


# -- expansion ---------------------------------------------------------------------------------
def test_hungarian_question_on_levels_of_cooperation_reaches_english(termbase: Termbase) -> None:
    expansion = expand_query("Mik az együttműködés szintjei?", termbase, "hu")
    words = expansion.english_query.lower().split()
    for word in ("level", "cooperation"):
        assert word in words, expansion.english_query
    # The concept's definition ("... from protocol contacts at level zero ...") is not
    # appended: its words pulled questions toward other passages (docs/evaluation.md).
    assert "protocol" not in words
    assert expansion.matched_concepts == ("level-of-cooperation",)
    assert expansion.lang == "hu"
    assert expansion.expanded
    assert expansion.notice == sources_in_english("hu")
    # Hungarian function words do not reach the English query.
    assert "az" not in words


@pytest.mark.parametrize(
    ("question", "lang", "concept", "english"),
    [
        ("Welche Stufen der Zusammenarbeit gibt es?", "de", "level-of-cooperation", "level"),
        ("Quels sont les niveaux de coopération ?", "fr", "level-of-cooperation", "level"),
        ("Mi a protokolláris szint?", "hu", "level-zero", "zero"),
        ("Kell tolmács az XMA-hoz?", "hu", "interpreter", "interpreter"),
        ("Was ist ein Verbindungsbeamter?", "de", "liaison-officer", "officer"),
        ("Co to jest oficer łącznikowy?", "pl", "liaison-officer", "officer"),
    ],
)
def test_expansion_in_other_languages(
    termbase: Termbase, question: str, lang: str, concept: str, english: str
) -> None:
    expansion = expand_query(question, termbase, lang)
    assert concept in expansion.matched_concepts
    assert english in expansion.english_query.lower().split()


def test_expansion_keeps_codes_and_unknown_words(termbase: Termbase) -> None:
    expansion = expand_query("Kell tolmács az XMA-hoz?", termbase, "hu")
    assert "XMA" in expansion.english_query.split()


def test_expansion_units_are_the_questions_own_words(termbase: Termbase) -> None:
    """Answer evidence counts the question's words, each rendered by its English terms, so a
    longer English query (definitions, synonyms) neither dilutes nor inflates it."""
    expansion = expand_query("Kell tolmács az XMA-hoz egy vacsorán?", termbase, "hu")
    units = {unit[0].lower(): unit for unit in expansion.units}
    assert "interpreter" in units["tolmács"]  # a term, with its English terms
    assert "xma" in units  # words the termbase does not know are kept: names, codes
    # Function words and question words are not units; definition words are not either.
    assert not {"kell", "az", "egy"} & set(units)
    assert len(expansion.units) < len(expansion.english_query.split())


def test_english_question_has_no_units(termbase: Termbase) -> None:
    assert expand_query("Is an interpreter needed?", termbase, "en").units == ()


def test_english_question_is_left_as_it_is(termbase: Termbase) -> None:
    question = "What are the levels of cooperation?"
    expansion = expand_query(question, termbase, "en")
    assert expansion.english_query == question
    assert not expansion.expanded
    assert "level-of-cooperation" in expansion.matched_concepts
    assert expansion.notice is None


def test_expansion_without_a_termbase_is_the_question() -> None:
    assert expand_query("Mik a szintek?", None, "hu").english_query == "Mik a szintek?"


@pytest.mark.integration
def test_expanded_hungarian_question_retrieves_the_english_doctrine(
    shipped, termbase: Termbase
) -> None:  # type: ignore[no-untyped-def]
    question = "Mik az együttműködés szintjei?"
    lang = detect_language(question, termbase.languages)
    assert lang == "hu"
    expansion = expand_query(question, termbase, lang)
    hits = shipped.search(expansion.english_query, k=5).hits
    assert "levels-of-cooperation" in [hit.doc_id for hit in hits[:3]]
