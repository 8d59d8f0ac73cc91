"""Interpreter and language guidance from the partner registry and the termbase.

The expected values are read from the shipped partners.yaml with plain YAML, not through the
code under test, so the answers are checked against the registry itself."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from assistant.corpus.partners import Interpreter, Partner, Registry, load_registry
from assistant.language.guidance import (
    INTERPRETERS_DOC,
    LANGUAGE_DOC,
    GuidanceAnswer,
    answer_language_question,
    language_plan,
)
from assistant.language.names import language_name
from assistant.language.termbase import Termbase
from assistant.language.termfile import TERMBASE_FILE, load_termbase
from tests.conftest import SHIPPED

RAW: dict[str, dict[str, Any]] = yaml.safe_load(
    (SHIPPED / "partners.yaml").read_text(encoding="utf-8")
)["partners"]
CODES = sorted(RAW)
PHRASE = {
    "not-needed": "no interpreter is needed",
    "on-request": "an interpreter is provided on request",
    "needed": "an interpreter is needed",
}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(SHIPPED / "partners.yaml")


@pytest.fixture(scope="module")
def termbase() -> Termbase:
    return load_termbase(SHIPPED / TERMBASE_FILE)


def _ask(question: str, registry: Registry, termbase: Termbase) -> GuidanceAnswer:
    answer = answer_language_question(question, registry, termbase)
    assert answer is not None, question
    return answer


def _facts(answer: GuidanceAnswer, code: str) -> dict[str, str]:
    return {f.attribute: f.value for f in answer.facts if f.subject == code}


@pytest.mark.parametrize("code", CODES)
def test_interpreter_answer_for_each_shipped_partner(
    code: str, registry: Registry, termbase: Termbase
) -> None:
    expected = RAW[code]["interpreter"]
    answer = _ask(f"Do I need an interpreter for {code}?", registry, termbase)
    assert answer.kind == "partner-language"
    assert answer.partner == code
    assert _facts(answer, code)["interpreter"] == expected
    assert f"{PHRASE[expected]} (interpreter: {expected})" in answer.text
    assert answer.cite[0] == f"{code.lower()}-profile"
    assert INTERPRETERS_DOC in answer.cite and LANGUAGE_DOC in answer.cite


@pytest.mark.parametrize("code", CODES)
def test_language_plan_states_the_registry_exactly(code: str, registry: Registry) -> None:
    languages = RAW[code]["languages"]
    plan = language_plan(registry.partners[code])
    assert plan.working_language == languages[0]
    assert list(plan.other_languages) == languages[1:]
    assert plan.interpreter.value == RAW[code]["interpreter"]
    assert plan.sentence.startswith(f"{code} ({RAW[code]['name']}) works in ")
    assert language_name(languages[0]) in plan.sentence
    assert plan.advice
    assert {f.attribute: f.value for f in plan.facts()} == {
        "working_language": languages[0],
        "other_languages": ", ".join(languages[1:]),
        "interpreter": RAW[code]["interpreter"],
    }


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("What language does XBO work in?", "XBO"),
        ("What language does Borealia work in?", "XBO"),
        ("Which language do the Maravian Intelligence Directorate officers speak?", "XMA"),
        ("Do I need an interpreter for the Lumerians?", "XLU"),
        ("Kell tolmács az XLU-hoz?", "XLU"),
        ("Brauche ich einen Dolmetscher für XTA?", "XTA"),
        ("Faut-il un interprète pour XLU ?", "XLU"),
    ],
)
def test_partner_by_code_service_or_country(
    question: str, code: str, registry: Registry, termbase: Termbase
) -> None:
    answer = _ask(question, registry, termbase)
    assert answer.partner == code
    assert answer.text.startswith(f"{code} (")


def test_named_language_is_checked_against_the_registry(
    registry: Registry, termbase: Termbase
) -> None:
    answer = _ask("Does XLU speak English?", registry, termbase)
    assert "English is not among XLU's languages" in answer.text
    answer = _ask("Can I speak German with the Calderans?", registry, termbase)
    assert answer.partner == "XCA"
    assert "German is XCA's working language" in answer.text


def test_several_partners_in_one_question(registry: Registry, termbase: Termbase) -> None:
    answer = _ask("Do I need an interpreter for XTA and XOS?", registry, termbase)
    assert answer.partners == ("XTA", "XOS")
    assert answer.cite[:2] == ("xta-profile", "xos-profile")
    assert _facts(answer, "XTA")["interpreter"] == "needed"
    assert _facts(answer, "XOS")["interpreter"] == "on-request"


def test_overview_of_interpreter_needs(registry: Registry, termbase: Termbase) -> None:
    answer = _ask("Which partners need an interpreter?", registry, termbase)
    assert answer.kind == "partners-overview"
    needed = sorted(c for c in CODES if RAW[c]["interpreter"] == "needed")
    clause = re.search(r"an interpreter is needed for ([^;]+);", answer.text)
    assert clause is not None
    assert sorted(re.findall(r"\bX[A-Z]{2}\b", clause.group(1))) == needed
    assert {f.subject for f in answer.facts} == set(CODES)


@pytest.mark.parametrize(
    ("question", "concept", "expected"),
    [
        ("What does 'do ut des' mean in Hungarian?", "do-ut-des", "kölcsönösség elve"),
        ("What does do ut des mean in German?", "do-ut-des", "Gegenseitigkeitsprinzip"),
        ("How do you say liaison officer in French?", "liaison-officer", "officier de liaison"),
        ("What is the French for level zero?", "level-zero", "niveau zéro"),
        ("Hogy mondják németül, hogy összekötő tiszt?", "liaison-officer", "Verbindungsbeamter"),
        ("Was heißt Verbindungsbeamter auf Ungarisch?", "liaison-officer", "összekötő tiszt"),
        ("Que veut dire do ut des en hongrois ?", "do-ut-des", "kölcsönösség elve"),
    ],
)
def test_term_questions_are_answered_from_the_termbase(
    question: str, concept: str, expected: str, registry: Registry, termbase: Termbase
) -> None:
    answer = _ask(question, registry, termbase)
    assert answer.kind == "term"
    assert answer.found
    assert answer.concept == concept
    assert expected in answer.text
    assert any(f.value == expected for f in answer.facts)


def test_term_in_every_language(registry: Registry, termbase: Termbase) -> None:
    answer = _ask("What is do ut des in all languages?", registry, termbase)
    langs = {f.attribute for f in answer.facts if f.attribute.startswith("term.")}
    assert {"term.en", "term.hu", "term.de", "term.fr"} <= langs


def test_quoted_unknown_term_says_so(registry: Registry, termbase: Termbase) -> None:
    answer = _ask("What does 'xyzzy quux' mean in French?", registry, termbase)
    assert answer.kind == "term"
    assert not answer.found
    assert "no entry for 'xyzzy quux'" in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "What is level zero?",
        "How should I address XLU officials?",
        "What does the XBO assessment say about English?",
        "Is the XBO report in English?",
        "Do I need an interpreter?",  # no partner: the doctrine answers, with citations
        "What are the levels of cooperation?",
    ],
)
def test_other_questions_are_left_to_retrieval(
    question: str, registry: Registry, termbase: Termbase
) -> None:
    assert answer_language_question(question, registry, termbase) is None


def test_cited_documents_exist_in_the_shipped_corpus(
    registry: Registry, termbase: Termbase
) -> None:
    ids = set()
    for path in SHIPPED.rglob("*.md"):
        match = re.search(r"^id:\s*(\S+)", path.read_text(encoding="utf-8"), re.M)
        if match:
            ids.add(match.group(1))
    for code in CODES:
        answer = _ask(f"Do I need an interpreter for {code}?", registry, termbase)
        assert set(answer.cite) <= ids, set(answer.cite) - ids


def _on_request(languages: list[str]) -> Partner:
    """A partner that provides an interpreter on request, with these working languages."""
    return Partner(
        code="XQQ",
        name="Quux Service",
        agreement_level="RESTRICTED",  # type: ignore[arg-type]
        interpreter=Interpreter.ON_REQUEST,
        languages=languages,
    )


def test_partner_without_languages() -> None:
    plan = language_plan(_on_request([]))
    assert plan.working_language is None
    assert "records no working language" in plan.sentence
    assert "(interpreter: on-request)" in plan.sentence
    assert "wants an interpreter;" in plan.advice  # no language to name, no stray article


def test_the_advice_reads_as_english() -> None:
    assert "wants an Italian interpreter" in language_plan(_on_request(["it", "en"])).advice


@pytest.mark.parametrize(
    ("question", "language", "term"),
    [
        ("How do I say liaison officer in their language for XMA?", "Spanish", "oficial de enlace"),
        ("How do I say liaison officer in the language of XMA?", "Spanish", "oficial de enlace"),
        ("What is liaison officer in the Borealians' language?", "Swedish", None),
    ],
)
def test_a_term_in_the_partners_own_language(
    question: str, language: str, term: str | None, registry: Registry, termbase: Termbase
) -> None:
    answer = _ask(question, registry, termbase)
    assert answer.kind == "term", answer.text
    assert answer.text.startswith(f"In {language}") or f"no {language} term" in answer.text
    if term:
        assert term in answer.text


def test_their_language_without_a_partner_is_not_a_term_question(
    registry: Registry, termbase: Termbase
) -> None:
    answer = answer_language_question(
        "How do I say liaison officer in their language?", registry, termbase
    )
    assert answer is None or answer.kind != "term"


def test_addressing_someone_in_german_is_not_a_language_question(
    registry: Registry, termbase: Termbase
) -> None:
    assert (
        answer_language_question(
            "Wie spricht man den Leiter eines Partnerdienstes mündlich und schriftlich an?",
            registry,
            termbase,
        )
        is None
    )
    spoken = answer_language_question("Welche Sprache spricht man bei XBO?", registry, termbase)
    assert spoken is not None and spoken.found
