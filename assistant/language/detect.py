"""Languages: folding and matching words across languages, detecting the language of a
question and naming languages. Carrying a question over to English is :mod:`assistant.expansion`.

Matching folds case and accents everywhere and tolerates inflection with a stem-prefix rule,
because Hungarian, German, French and Polish all inflect at the end of the word (szint ->
szintjei, Ebene -> Ebenen, współpraca -> współpracy).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assistant.text import ARTICLES, FOLDED_STOPWORDS, NON_WORD, fold

_VOWELS = set("aeiouyаеёиоуыэюяь")


# -- folding and matching --------------------------------------------------------------------
def strip_articles(folded: str) -> str:
    tokens = folded.split()
    while len(tokens) > 1 and tokens[0] in ARTICLES:
        tokens = tokens[1:]
    return " ".join(tokens)


def typo_budget(length: int) -> int:
    """Typos tolerated in a term of ``length`` characters: none in short acronyms."""
    if length <= 3:
        return 0
    if length <= 6:
        return 1
    if length <= 12:
        return 2
    return 3


def is_acronym_use(surface: str, term: str) -> bool:
    """A short term counts in running text only as written, or in capitals (LO, TLP)."""
    return surface == term or (surface.isupper() and len(surface) > 1)


def _stem(token: str) -> str:
    if len(token) >= 6 and token[-1] in _VOWELS:
        return token[:-1]
    return token


def token_matches(word: str, term_token: str) -> bool:
    """``word`` is ``term_token`` or an inflected form of it (folded forms).

    Short tokens (up to 3 letters) must be equal; longer ones may take an ending of up to
    seven letters after the stem (a final vowel of a long word may change: współpraca ->
    współpracy, Ebene -> Ebenen, szint -> szintjei).
    """
    if word == term_token:
        return True
    if len(term_token) < 4:
        return False
    stem = _stem(term_token)
    return word.startswith(stem) and len(word) - len(stem) <= 7


def match_tokens(
    tokens: list[str], start: int, term: tuple[str, ...], *, inflect: bool
) -> int | None:
    end = start + len(term)
    if end > len(tokens):
        return None
    for word, term_token in zip(tokens[start:end], term, strict=True):
        if not (token_matches(word, term_token) if inflect else word == term_token):
            return None
    return end


def surface_words(text: str) -> list[str]:
    """The words of ``text`` as written, one per token of ``fold(text).split()`` (a word that
    folds to two tokens, such as "l'officier", is repeated)."""
    words: list[str] = []
    for raw in NON_WORD.split(text):
        if raw:
            words += [raw] * len(fold(raw).split())
    return words


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

# English words that are also function words elsewhere (German "an", "in", Polish "i", "on",
# Italian "no") never count as evidence of English.
_AMBIGUOUS_EN = {"a", "an", "i", "in", "on", "no"}
_FOREIGN_MARKERS = (
    set().union(*(words for lang, words in FOLDED_STOPWORDS.items() if lang != "en"))
    - FOLDED_STOPWORDS["en"]
)

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


# -- detection ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Detection:
    language: str
    confidence: float
    method: str  # "lingua" | "english-words" | "script" | "default"


def detect(text: str, languages: Iterable[str] | None = None, *, default: str = "en") -> Detection:
    """The language of ``text`` among ``languages`` (default: the ten core languages).

    Quoted phrases and partner codes are ignored first ("What does 'do ut des' mean?" is an
    English question about a Latin term). A question made of English function words is
    recognised without the detector, and Cyrillic text is Russian when Russian is allowed;
    the rest goes to lingua.
    """
    allowed = tuple(dict.fromkeys(lang.lower() for lang in (languages or CORE_LANGUAGES)))
    cleaned = _strip_for_detection(text)
    letters = sum(ch.isalpha() for ch in cleaned)
    if letters < 3:
        return Detection(default, 0.0, "default")
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in cleaned)
    if cyrillic > letters / 2 and "ru" in allowed:
        return Detection("ru", 1.0, "script")
    words = fold(cleaned).split()
    english = [w for w in words if w in FOLDED_STOPWORDS["en"] and w not in _AMBIGUOUS_EN]
    if "en" in allowed and len(english) >= 2 and not any(w in _FOREIGN_MARKERS for w in words):
        return Detection("en", 1.0, "english-words")
    detector = _detector(tuple(sorted(allowed)))
    if detector is None:
        return Detection(default, 0.0, "default")
    values = detector.compute_language_confidence_values(cleaned)
    if not values or values[0].value <= 0:
        return Detection(default, 0.0, "default")
    top = values[0]
    return Detection(top.language.iso_code_639_1.name.lower(), float(top.value), "lingua")


def detect_language(text: str, languages: Iterable[str] | None = None) -> str:
    """The ISO 639-1 code of the language of ``text`` (English when unsure)."""
    return detect(text, languages).language


def _strip_for_detection(text: str) -> str:
    text = re.sub(r"[\"'“”„‘’‚«»`].*?[\"'“”‘’«»`]", " ", text)
    text = re.sub(r"\b[A-Z]{2,6}\b|\d+|https?://\S+", " ", text)
    return " ".join(text.split())


_BUILD_LOCK = threading.Lock()
_DETECTORS: dict[tuple[str, ...], Any] = {}


def _detector(languages: tuple[str, ...]) -> Any:
    """The lingua detector for ``languages``, built once per set (and once across threads).

    lingua is used because it is maintained, fully offline, and the most accurate detector on
    short text (a one-line question), where n-gram classifiers such as langdetect guess. It is
    restricted to the termbase's languages: fewer candidates are both faster and more accurate.
    Built lazily, without ``with_preloaded_language_models()``: measured on this machine, the
    models load in ~2.5 s either way (preloading at build, or lazily on the first detection,
    which loads the models of every candidate language), so preloading would only move the cost
    to commands that never detect. Low-accuracy mode loads in 0.07 s but misdetects short
    questions ("What is level zero?" -> Hungarian), so it is not used. Call :func:`warm` from a
    worker thread to pay the cost before the first question.
    """
    with _BUILD_LOCK:
        if languages not in _DETECTORS:
            _DETECTORS[languages] = _build(languages)
        return _DETECTORS[languages]


def _build(languages: tuple[str, ...]) -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder
    from lingua import Language as LinguaLanguage

    chosen = []
    for code in languages:
        try:
            chosen.append(LinguaLanguage.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
        except (AttributeError, ValueError):
            continue  # a language lingua does not know cannot be detected; skip it
    if len(chosen) < 2:
        return None
    return LanguageDetectorBuilder.from_languages(*chosen).build()


def warm(languages: Iterable[str] | None = None) -> None:
    """Load the detector's models now (for the UI's worker thread)."""
    allowed = tuple(sorted({lang.lower() for lang in (languages or CORE_LANGUAGES)}))
    detector = _detector(allowed)
    if detector is not None:
        detector.detect_language_of("warm up the models")
