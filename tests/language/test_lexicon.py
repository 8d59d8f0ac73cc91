"""The question lexicon: everyday words of the corpus rendered from hu/de/fr to English."""

from __future__ import annotations

import pytest

from assistant.language.expansion import expand_query
from assistant.language.lexicon import LEXICON_DIR, load_lexicon, parse_lexicon
from assistant.language.termbase import Termbase

HU = parse_lexicon(
    "hu",
    [
        "# comment",
        "alliance\tszövetség; szövetségi rendszer",
        "country\tország",
        "century\tszázad",
        "day\tnap",
        "sun\tnap",
        "ab\tab",
    ],
)
DE = parse_lexicon(
    "de", ["beer\tBier", "glass\tGlas", "money\tGeld", "release\tFreigabe", "check\tPrüfung"]
)
TERMBASE = """
concepts:
  - id: liaison
    definition: Contact between services.
    terms:
      en: [liaison]
      hu: [összekötés]
      de: [Verbindung]
      fr: [liaison]
"""


def test_inflected_forms_find_their_lemma() -> None:
    assert HU.translate("szövetséget") == ["alliance"]
    assert HU.translate("Országok") == ["country"]
    assert HU.translate("században") == ["century"]


def test_accents_may_be_left_out() -> None:
    assert HU.translate("orszagok") == ["country"]


def test_ambiguous_forms_bring_each_sense_and_short_forms_are_not_indexed() -> None:
    assert HU.translate("nap") == ["day", "sun"]
    assert HU.translate("ab") == []


def test_multi_word_forms_are_left_to_the_termbase() -> None:
    assert HU.translate("rendszer") == []


def test_compounds_are_read_by_head_and_modifier() -> None:
    assert DE.translate("Biergläsern") == ["beer", "glass"]
    assert DE.translate("Freigabeprüfung") == ["release", "check"]
    assert DE.translate("Geld") == ["money"]


def test_a_hungarian_verb_of_ability_is_read_as_its_verb_not_as_a_compound() -> None:
    lexicon = parse_lexicon("hu", ["keep\ttart", "six\that", "ask\tkér", "effect\thatás"])
    assert lexicon.translate("tarthatok") == ["keep"]  # I may keep, not "six"
    assert lexicon.translate("kérhetek") == ["ask"]
    assert lexicon.translate("hat") == ["six"]
    assert lexicon.translate("hatás") == ["effect"]
    assert lexicon.translate("zörghetek") == []  # an unknown verb stays unknown


def test_a_feminine_sense_is_left_out_after_an_article_that_is_never_feminine() -> None:
    """der Leiter is the head of a service, die Leiter a ladder: "den Leiter" is no ladder."""
    lexicon = parse_lexicon("de", ["head\tLeiter", "ladder\tLeiter [f]; Stufenleiter"])
    assert lexicon.translate("Leiter", "den") == ["head"]
    assert lexicon.translate("Leiter", "eines") == ["head"]
    assert lexicon.translate("Leiter", "die") == ["head", "ladder"]  # feminine, or a plural
    assert lexicon.translate("Leiter") == ["head", "ladder"]
    assert lexicon.translate("Stufenleiter", "den") == ["ladder"]  # not marked: kept
    expansion = expand_query("Wie spricht man den Leiter an?", _tiny_termbase(), "de")
    assert "ladder" not in expansion.english_query


def test_unknown_words_stay_unknown() -> None:
    assert DE.translate("Impfungen") == []


@pytest.mark.parametrize("lang", ["hu", "de", "fr"])
def test_a_lexicon_ships_for_each_core_language(lang: str) -> None:
    assert (LEXICON_DIR / f"{lang}.tsv").is_file()
    lexicon = load_lexicon(lang)
    assert lexicon is not None and len(lexicon) > 1000


def test_no_lexicon_for_english_or_unknown_languages() -> None:
    assert load_lexicon("en") is None
    assert load_lexicon("zz") is None


@pytest.mark.parametrize(
    ("lang", "question", "english"),
    [
        ("hu", "Mely országok alkotják a szövetséget?", {"country", "alliance"}),
        ("de", "Warum sollte ein Dienst einem anderen Geld geben?", {"money"}),
        ("fr", "Peut-on enregistrer une réunion ?", {"record"}),
    ],
)
def test_expansion_renders_everyday_words(lang: str, question: str, english: set[str]) -> None:
    expansion = expand_query(question, _tiny_termbase(), lang)
    words = set(expansion.english_query.lower().split())
    assert english <= words
    rendered = {w for unit in expansion.units for w in unit[1:]}
    assert english <= rendered


def _tiny_termbase() -> Termbase:
    from assistant.language.termfile import parse_termbase

    return parse_termbase(TERMBASE)


def test_words_and_stems_too_short_to_tell_apart_are_not_translated() -> None:
    lexicon = parse_lexicon("hu", ["life\télet", "law\ttörvény"])
    assert lexicon.translate("el") == []  # "élet" stems to "él": not indexed
    assert lexicon.translate("életet") == []
    assert lexicon.translate("törvények") == ["law"]


def test_endings_the_stemmer_leaves_are_read_off_a_known_stem() -> None:
    lexicon = parse_lexicon("hu", ["draft\ttervezet", "create\tkészít", "lead\tvezet"])
    assert lexicon.translate("tervezetét") == ["draft"]  # not "vezet" (lead) as a compound head
    assert lexicon.translate("készíti") == ["create"]
    assert lexicon.translate("készítményekkel") == []  # a long ending is another word


def test_the_written_form_wins_over_a_stem_that_conflates_words() -> None:
    lexicon = parse_lexicon("fr", ["low\tbas", "base\tbase", "basis\tbase", "database\tbase"])
    assert lexicon.translate("bas") == ["low"]  # "bas" and "base" share the stem "bas"


def test_a_german_verb_particle_at_the_end_joins_its_verb() -> None:
    lexicon = parse_lexicon(
        "de", ["address\tanreden", "speech\tRede", "letter\tBrief", "guidance\tAnleitung"]
    )
    words = ["Wie", "redet", "man", "den", "Leiter", "im", "Brief", "an"]
    assert lexicon.particle_verbs(words) == {1: ["address"]}  # not "Leiter" -> "Anleitung"
    assert lexicon.particle_verbs(["Redet", "man", "ihn", "an"]) == {0: ["address"]}
    assert lexicon.particle_verbs(["Wie", "redet", "man"]) == {}
    assert HU.particle_verbs(["szövetség", "an"]) == {}


def test_an_inflection_of_a_written_form_the_stemmer_shortens_is_found() -> None:
    # "fogad" (to receive) stems to "fog"; "fogadni" (the infinitive) is "fogad" + "ni".
    hu = parse_lexicon("hu", ["receive\tkap; fogad"])
    assert hu.translate("fogadni") == ["receive"]


GERMAN_TERMS = """
concepts:
  - id: reception
    definition: A standing social event with drinks where guests meet their hosts.
    terms:
      en: [reception]
      de: [Empfang]
"""


def test_a_lower_case_german_word_is_not_taken_for_the_noun_term_it_stems_to() -> None:
    from assistant.language.termfile import parse_termbase

    termbase = parse_termbase(GERMAN_TERMS)
    lexicon = load_lexicon("de")
    assert lexicon is not None and lexicon.translate("empfange") == ["receive"]
    verb = expand_query("Wie empfange ich eine Delegation?", termbase, "de")
    assert "receive" in verb.english_query.split()
    assert "reception" not in verb.english_query and verb.matched_concepts == ()
    # Written as a noun, it is the term (with its definition words for retrieval).
    noun = expand_query("Wann ist der Empfang für die Delegation?", termbase, "de")
    assert noun.matched_concepts == ("reception",)
    assert "reception" in noun.english_query.split()


def test_a_one_word_term_keeps_the_lexicon_senses_of_the_word_too() -> None:
    from assistant.language.termfile import parse_termbase

    termbase = parse_termbase(
        "concepts:\n  - id: hosting\n    definition: Receiving guests.\n"
        "    terms:\n      en: [hosting]\n      hu: [fogadás]\n"
    )
    expansion = expand_query("Mikor van a fogadás?", termbase, "hu")
    (unit,) = [u for u in expansion.units if u[0].startswith("fogad")]
    # The term's English, then what the lexicon knows of the word ("reception").
    assert unit[1] == "hosting" and "reception" in unit[2:]


@pytest.mark.parametrize(
    ("lang", "question"),
    [("hu", "Mire való a szövetség?"), ("de", "Wofür gibt ein Dienst Geld?")],
)
def test_what_for_is_a_question_word_not_a_content_word(lang: str, question: str) -> None:
    """"Mire való", "wofür": "what for". Kept as an unknown word, it would count against the
    question's coverage and decline a question its English twin answers."""
    expansion = expand_query(question, _tiny_termbase(), lang)
    assert expansion.english_query.lower().startswith("what for")
    assert not any(unit[0] in ("mire", "valo", "wofur") for unit in expansion.units)
