"""Languages: folding and matching words across languages, detecting the language of a
question, naming languages, and carrying a question in another language over to the English of
the corpus with the termbase.

Matching folds case and accents everywhere and tolerates inflection with a stem-prefix rule,
because Hungarian, German, French and Polish all inflect at the end of the word (szint ->
szintjei, Ebene -> Ebenen, współpraca -> współpracy).

The corpus is written in English while officers ask in Hungarian, German, French and the
partners' languages. A question is detected offline, then expanded term for term with the
termbase (plus each matched concept's English term and definition words), so that lexical and
dense retrieval both reach the English doctrine.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.terms import Termbase, TermMatch

_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NON_WORD = re.compile(r"[^\w]+|_")
_VOWELS = set("aeiouyаеёиоуыэюяь")
# Letters that NFKD does not decompose but that users type without the diacritic.
_EXTRA_FOLD = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i"})


# -- folding and matching --------------------------------------------------------------------
@functools.lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Lower case, accents removed, punctuation to spaces: the form every match compares."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_EXTRA_FOLD))
    return " ".join(_NON_WORD.sub(" ", _COMBINING.sub("", decomposed)).split())


_ARTICLES = {
    "the", "a", "an", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "le",
    "la", "les", "l", "un", "une", "az", "el", "los", "las", "il", "lo", "gli", "de", "het",
    "een", "en", "ett",
}  # fmt: skip


def strip_articles(folded: str) -> str:
    tokens = folded.split()
    while len(tokens) > 1 and tokens[0] in _ARTICLES:
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
    for raw in _NON_WORD.split(text):
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

# Function words per language (folded). They drive the cheap English fast path and are
# dropped when a question is carried over to English.
STOPWORDS = {
    "en": "the a an is are was were be been do does did what which who whom whose how why "
    "when where of for with to in on at by from about and or not no can could should must "
    "would will shall may might i we you he she it they me us my our your their this that "
    "these those there any some need needs if than then",
    "hu": "a az egy es is mi mit mik mely melyik ki kik kit hogyan hogy miert mikor hol "
    "van vannak nem kell lehet szabad meg de vagy ha mint azt ezt ez az ami aki nekem "
    "nekunk mennyi milyen kinek kivel mivel rol ban ben bol nak nek hoz hez val vel ra re "
    "tol ba be ig ert kent meg mar csak sem se volt lesz nincs nincsenek akkor amikor ahol "
    "mert pedig itt ott neki nekik en te ti onok soran utan elott alatt kozott "
    "nelkul miatt szerint egyik minden mindig nagyon sok tobb mennyire szabad-e",
    "de": "der die das den dem des ein eine einen einem einer und oder nicht ist sind war "
    "was wer wie warum wann wo welche welcher welches mit von zu zum zur im in an auf fur "
    "ich wir sie es muss mussen kann konnen darf soll sollen gibt bei uber man eines "
    "sich wenn als auch noch nur nach vor unter aus durch ohne um bis dass da hier dort "
    "sehr mehr viel viele wird werden wurde haben habe ihr ihre ihren ihrem ihrer "
    "unser unsere unseren mein meine mir mich uns dies diese dieser dieses jede jeder "
    "jedes alle sollte sollten durfen konnte mussen",
    "fr": "le la les l un une des du de d et ou ne pas est sont que qu qui quoi quel quelle "
    "quels quelles comment pourquoi quand ou avec pour dans sur par je nous vous il elle "
    "ils faut peut doit y a au aux ce cette ces s se sa ses leur leurs mon ma mes "
    "notre nos votre vos en on lui me te si mais donc lorsque chez entre sans sous "
    "vers avant apres comme aussi tres tout tous toute toutes ont ai avez dois doivent "
    "peux",
    "sv": "en ett och eller inte ar var vad vem hur varfor nar vilken vilka med av till i "
    "pa for jag vi ni de det den som kan ska maste behover om",
    "es": "el la los las un una unos unas y o no es son que quien como por para cuando "
    "donde cual cuales con de del en al se lo le yo nosotros usted hay puede debe",
    "pl": "i a w z na do od o nie jest sa co kto jak dlaczego kiedy gdzie ktory ktora "
    "ktore czy sie to ten ta te ja my wy czy trzeba moze musi",
    "it": "il lo la i gli le un una e o non e sono che chi come perche quando dove quale "
    "quali con di del della da in su per io noi voi si ci puo deve bisogna",
    "ru": "и в во не на с со к ко по о об от до из за что кто как почему когда где какой "
    "какая какие ли это этот эта я мы вы он она они нужно можно надо есть",
    "nl": "de het een en of niet is zijn was wat wie hoe waarom wanneer waar welke met van "
    "naar in op voor door ik wij we jij u hij zij moet kan mag er",
}
_STOP = {lang: set(fold(words).split()) for lang, words in STOPWORDS.items()}
# English words that are also function words elsewhere (German "an", "in", Polish "i", "on",
# Italian "no") never count as evidence of English.
_AMBIGUOUS_EN = {"a", "an", "i", "in", "on", "no"}
_FOREIGN_MARKERS = set().union(*(_STOP[lang] for lang in _STOP if lang != "en")) - _STOP["en"]

# Question words carried over to English, so the embedding of the question keeps its shape.
_QUESTION_WORDS = {
    "hu": {"mi": "what", "mit": "what", "mik": "what", "ki": "who", "kik": "who",
           "hogyan": "how", "miert": "why", "mikor": "when", "hol": "where",
           "melyik": "which", "milyen": "what kind of", "kell": "must",
           "jelent": "mean"},
    "de": {"was": "what", "wer": "who", "wie": "how", "warum": "why", "wann": "when",
           "wo": "where", "welche": "which", "welcher": "which", "muss": "must",
           "bedeutet": "mean", "heißt": "mean"},
    "fr": {"quoi": "what", "qui": "who", "comment": "how", "pourquoi": "why",
           "quand": "when", "quel": "which", "quelle": "which", "quels": "which",
           "quelles": "which", "faut": "must", "doit": "must", "signifie": "mean"},
    "sv": {"vad": "what", "vem": "who", "hur": "how", "varfor": "why", "nar": "when",
           "vilken": "which", "vilka": "which"},
    "es": {"que": "what", "quien": "who", "como": "how", "cuando": "when",
           "donde": "where", "cual": "which", "cuales": "which"},
    "pl": {"co": "what", "kto": "who", "jak": "how", "dlaczego": "why", "kiedy": "when",
           "gdzie": "where", "ktory": "which"},
    "it": {"cosa": "what", "chi": "who", "come": "how", "perche": "why", "quando": "when",
           "dove": "where", "quale": "which", "quali": "which"},
    "ru": {"что": "what", "кто": "who", "как": "how", "почему": "why", "когда": "when",
           "где": "where", "какой": "which", "какие": "which"},
    "nl": {"wat": "what", "wie": "who", "hoe": "how", "waarom": "why", "wanneer": "when",
           "waar": "where", "welke": "which"},
}  # fmt: skip
_QUESTION_WORDS = {
    lang: {fold(k): v for k, v in words.items()} for lang, words in _QUESTION_WORDS.items()
}

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
    english = [w for w in words if w in _STOP["en"] and w not in _AMBIGUOUS_EN]
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


# -- cross-lingual expansion -------------------------------------------------------------------
@dataclass(frozen=True)
class Expansion:
    """A question carried over to English: ``english_query`` is what retrieval should search.

    ``matched_concepts`` are concept ids in order of appearance; ``matches`` say which words
    of the question matched which term.
    """

    lang: str
    english_query: str
    matched_concepts: tuple[str, ...] = ()
    matches: tuple[TermMatch, ...] = field(default=(), repr=False)
    question: str = ""
    units: tuple[tuple[str, ...], ...] = field(default=(), repr=False)
    """One entry per content word or term of the question: the English (or kept) words any
    of which renders it. Answer evidence measures how many of them a passage covers."""

    @property
    def expanded(self) -> bool:
        return self.english_query != self.question

    @property
    def notice(self) -> str | None:
        """ "The sources are in English", in the question's language (None for English)."""
        return sources_in_english(self.lang)


_DEFINITION_WORDS = 10


def expand_query(question: str, termbase: Termbase | None, lang: str) -> Expansion:
    """Translate ``question`` (in ``lang``) into an English retrieval query with the termbase.

    Terms are replaced longest first (case and accents folded, inflected forms accepted), each
    by its concept's English preferred term; question words are translated and other function
    words dropped; words the termbase does not know are kept (names, codes, numbers). Then the
    English admitted terms and the content words of each matched definition are appended.
    An English question is returned unchanged (its concepts are still reported).
    """
    lang = (lang or "en").lower()
    if termbase is None or not len(termbase):
        return Expansion(lang, question, question=question)
    matches = termbase.find_in_text(question, [lang])
    concepts = tuple(dict.fromkeys(m.concept.id for m in matches))
    if lang == "en":
        return Expansion(lang, question, concepts, tuple(matches), question)
    tokens = fold(question).split()
    surfaces = surface_words(question)
    if len(surfaces) != len(tokens):
        surfaces = tokens
    starts = {m.start: m for m in matches}
    stop = _STOP.get(lang, set())
    wh = _QUESTION_WORDS.get(lang, {})
    parts: list[str] = []
    loose: list[str] = []  # content words no whole term matched
    units: list[tuple[str, ...]] = []
    i = 0
    while i < len(tokens):
        match = starts.get(i)
        if match is not None:
            parts.append(match.concept.label)
            units.append((match.surface, *match.concept.terms.get("en", ())))
            i = match.end
            continue
        token = tokens[i]
        if token in wh:
            parts.append(wh[token])
        elif token not in stop:
            parts.append(surfaces[i])
            loose.append(token)
        i += 1
    english = " ".join(parts)
    extra: list[str] = []
    present = set(fold(english).split())
    translations = _word_translations(loose, termbase, lang, set(concepts))
    for token in loose:
        units.append((token, *translations.get(token, ())))
    for words in translations.values():
        _add_words(" ".join(words), present, extra)
    for concept_id in concepts:
        concept = termbase.get(concept_id)
        if concept is None:
            continue
        for synonym in concept.terms.get("en", ())[1:]:
            _add_words(synonym, present, extra)
        words = [w for w in fold(concept.definition).split() if w not in _STOP["en"]]
        _add_words(" ".join(words[:_DEFINITION_WORDS]), present, extra)
    english_query = " ".join([english.rstrip(" ?.!"), *extra]).strip() or question
    return Expansion(lang, english_query, concepts, tuple(matches), question, tuple(units))


_MIN_WORD = 4
"""Shorter words are not looked up inside terms (too many false friends)."""


def _word_translations(
    words: list[str], termbase: Termbase, lang: str, matched: set[str]
) -> dict[str, list[str]]:
    """English words for single words of a question that occur inside multi-word terms.

    "Zusammenarbeit" alone is no term, but it is a word of "Stufe der Zusammenarbeit" and of
    "bilaterale Zusammenarbeit". Aligning words by position across languages is unreliable,
    so a word found in the terms of one concept brings every content word of that concept's
    English terms; a word found in several concepts brings the English words most of them
    share ("cooperation"). Inflected forms match by stem prefix either way (Ebenen / Ebene,
    együttműködés / együttműködési).
    """
    stop = _STOP.get(lang, set()) | _STOP["en"]
    index: list[tuple[str, str]] = []  # (folded term word, concept id)
    for concept in termbase:
        for term in concept.terms.get(lang, ()):
            for word in fold(term).split():
                if len(word) >= _MIN_WORD and word not in stop:
                    index.append((word, concept.id))
    out: dict[str, list[str]] = {}
    for word in words:
        if len(word) < _MIN_WORD or word in out:
            continue
        found = {
            cid
            for term_word, cid in index
            if token_matches(word, term_word) or token_matches(term_word, word)
        }
        if not found and lang in _COMPOUNDING:
            found = {cid for term_word, cid in index if compound_head(word, term_word)}
        found -= matched
        if not found:
            continue
        votes: dict[str, int] = {}
        for cid in sorted(found):
            found_concept = termbase.get(cid)
            english = found_concept.terms.get("en", ()) if found_concept is not None else ()
            words_en = {w for t in english for w in fold(t).split() if w not in _STOP["en"]}
            for w in words_en:
                votes[w] = votes.get(w, 0) + 1
        if len(found) == 1:
            out[word] = sorted(votes)
        else:
            need = max(2, (len(found) + 1) // 2)
            out[word] = sorted(w for w, n in votes.items() if n >= need)
    return out


_COMPOUNDING = frozenset({"hu", "de", "nl", "sv"})
"""Languages that write compounds as one word (díszvendég, Arbeitsessen)."""

_MIN_HEAD = 5


def compound_head(word: str, term_word: str) -> bool:
    """``word`` and ``term_word`` share a compound head (folded forms): "vendeg" is the head of
    "diszvendeg", "vacsoran" (with a case ending) of "munkavacsora", and "abendessen" ends in
    the term word "essen". Heads shorter than five letters are ignored (too many accidents)."""
    if len(word) < _MIN_HEAD or len(term_word) < _MIN_HEAD or word == term_word:
        return False
    if len(word) > len(term_word):
        return word.endswith(term_word)
    return any(
        len(word) - cut >= _MIN_HEAD and term_word.endswith(word[: len(word) - cut])
        for cut in range(3)
    )


def _add_words(text: str, present: set[str], out: list[str]) -> None:
    for word in text.split():
        key = fold(word)
        if key and key not in present and len(key) > 1:
            present.add(key)
            out.append(word)
