"""Naming languages: their codes, their names in the officers' languages, and the notice that
the sources are in English, said in the question's language."""

from __future__ import annotations

import re

from assistant.text import fold

# The ten languages of the shipped termbase: what the detector is restricted to by default.
CORE_LANGUAGES = ("en", "hu", "de", "fr", "sv", "es", "pl", "it", "ru", "nl")


LANGUAGE_NAMES = {
    "en": "English", "hu": "Hungarian", "de": "German", "fr": "French", "sv": "Swedish",
    "es": "Spanish", "pl": "Polish", "it": "Italian", "ru": "Russian", "nl": "Dutch",
    "pt": "Portuguese", "cs": "Czech", "sk": "Slovak", "sl": "Slovene", "hr": "Croatian",
    "sr": "Serbian", "ro": "Romanian", "bg": "Bulgarian", "el": "Greek", "tr": "Turkish",
    "uk": "Ukrainian", "fi": "Finnish", "da": "Danish", "no": "Norwegian", "nb": "Norwegian",
    "et": "Estonian", "lv": "Latvian", "lt": "Lithuanian", "ar": "Arabic", "he": "Hebrew",
    "fa": "Persian", "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
}  # fmt: skip


# How officers name the core languages: English, native, Hungarian (adjective and the
# "-ul/-ül" adverb), German and French names. Matched on folded text.
_ALIASES = {
    "en": "english angol angolul englisch anglais ingles inglese angielski engelska engels "
    "английский английски",
    "hu": "hungarian magyar magyarul ungarisch hongrois hungaro ungherese wegierski "
    "ungerska hongaars венгерский",
    "de": "german deutsch nemet nemetul allemand aleman tedesco niemiecki tyska duits немецкий",
    "fr": "french francais francia franciaul franzosisch frances francese francuski "
    "franska frans французский",
    "sv": "swedish svenska sved svedul schwedisch suedois sueco svedese szwedzki zweeds шведский",
    "es": "spanish espanol spanyol spanyolul spanisch espagnol spagnolo hiszpanski "
    "spanska spaans испанский castellano",
    "pl": "polish polski lengyel lengyelul polnisch polonais polaco polacco polska pools польский",
    "it": "italian italiano olasz olaszul italienisch italien italienska italiaans "
    "wloski итальянский",
    "ru": "russian russkij orosz oroszul russisch russe ruso russo rosyjski ryska russisch русский",
    "nl": "dutch nederlands holland hollandul niederlandisch hollandisch neerlandais "
    "neerlandes olandese niderlandzki nederlandska голландский нидерландский",
}


_ALIAS_TO_CODE = {fold(alias): code for code, words in _ALIASES.items() for alias in words.split()}


_SOURCES_IN_ENGLISH = {
    "hu": "A források angol nyelvűek, ezért a válasz angolul idéz belőlük.",
    "de": "Die Quellen sind auf Englisch, daher zitiert die Antwort sie auf Englisch.",
    "fr": "Les sources sont en anglais ; la réponse les cite donc en anglais.",
    "sv": "Källorna är på engelska, så svaret citerar dem på engelska.",
    "es": "Las fuentes están en inglés, por lo que la respuesta las cita en inglés.",
    "pl": "Źródła są w języku angielskim, dlatego odpowiedź cytuje je po angielsku.",
    "it": "Le fonti sono in inglese, quindi la risposta le cita in inglese.",
    "ru": "Источники на английском языке, поэтому ответ цитирует их на английском.",
    "nl": "De bronnen zijn in het Engels, dus het antwoord citeert ze in het Engels.",
}


SOURCES_IN_ENGLISH_EN = "The sources are in English; the answer quotes them in English."


# -- names -------------------------------------------------------------------------------------
def language_name(code: str | None) -> str:
    """The English name of a language tag (``hu`` -> Hungarian, ``en-GB`` -> English (en-GB))."""
    if not code:
        return "unknown"
    primary = code.strip().lower().replace("_", "-").split("-")[0]
    name = LANGUAGE_NAMES.get(primary, code)
    return name if primary == code.strip().lower() or name == code else f"{name} ({code})"


def parse_language(text: str) -> str | None:
    """A language code from a code (``hu``, ``hu-HU``) or a name in a core language
    (``Hungarian``, ``magyar``, ``magyarul``, ``Deutsch``, ``allemand``), or None."""
    tag = text.strip().lower().replace("_", "-")
    if re.fullmatch(r"[a-z]{2}(-[a-z0-9]+)*", tag) and tag[:2] in LANGUAGE_NAMES:
        return tag[:2]
    return _ALIAS_TO_CODE.get(fold(text)) if text.strip() else None


def languages_named_in(text: str) -> list[str]:
    """Codes of the languages a text names ("in Hungarian", "németül", "auf Deutsch")."""
    found: list[str] = []
    for token in fold(text).split():
        code = _ALIAS_TO_CODE.get(token)
        if code and code not in found:
            found.append(code)
    return found


def sources_in_english(lang: str | None) -> str | None:
    """ "The sources are in English" in the question's language; None for English questions."""
    if not lang or lang == "en":
        return None
    return _SOURCES_IN_ENGLISH.get(lang, SOURCES_IN_ENGLISH_EN)
