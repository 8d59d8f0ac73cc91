"""Detecting the language of a question, offline, with lingua (restricted to the languages
of the termbase). Matching words across languages is :mod:`assistant.language.matching`,
naming languages :mod:`assistant.language.names`, and carrying a question over to English
:mod:`assistant.language.expansion`."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assistant.language.names import CORE_LANGUAGES
from assistant.text import FOLDED_STOPWORDS, fold

# English words that are also function words elsewhere (German "an", "in", Polish "i", "on",
# Italian "no") never count as evidence of English.
_AMBIGUOUS_EN = {"a", "an", "i", "in", "on", "no"}
_FOREIGN_MARKERS = (
    set().union(*(words for lang, words in FOLDED_STOPWORDS.items() if lang != "en"))
    - FOLDED_STOPWORDS["en"]
)


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
