"""Text helpers written once: accent folding, stop words, sentence splitting, the citation
mark, and the stemmed tokens that BM25, answer evidence and title matching compare.

A leaf module (PyStemmer is imported on first use). Language detection and term matching
build on these in :mod:`assistant.language`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

# -- text shown on a terminal ------------------------------------------------------------------
_LINE_BREAKS = "\n\t"


def printable(text: str, *, newlines: bool = True) -> str:
    """Document text made safe to show on a terminal: control characters (ESC, NUL, C1...),
    bidirectional controls and other invisible format characters are shown escaped
    (``\\x1b``, ``\\u202e``), so that a document can never move the cursor, recolour or
    rewrite a line, set the window title, or make a title read as something else. Newlines
    and tabs are kept unless ``newlines`` is false. JSON output does not use this: it escapes
    as JSON does and keeps the text exact."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch in _LINE_BREAKS:
            out.append(ch if newlines else " ")
        elif unicodedata.category(ch) in _HIDDEN:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
"""Control, format (bidi, zero-width), line and paragraph separators, surrogates, private use
and unassigned characters: nothing a reader can see for what it does."""


# -- folding ----------------------------------------------------------------------------------
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
NON_WORD = re.compile(r"[^\w]+|_")
"""What separates words: anything that is not a letter or a digit."""
# Letters that NFKD does not decompose but that users type without the diacritic.
_EXTRA_FOLD = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i"})


@functools.lru_cache(maxsize=16384)
def strip_accents(text: str) -> str:
    """Case folded, accents removed; punctuation and spacing kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_EXTRA_FOLD))
    return _COMBINING.sub("", decomposed)


@functools.lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Lower case, accents removed, punctuation to spaces: the form every match compares."""
    return " ".join(NON_WORD.sub(" ", strip_accents(text)).split())


def fold_chars(text: str) -> str:
    """Lower case without accents, one character for one, so spans line up with ``text``."""
    out = []
    for c in text:
        base = [d for d in unicodedata.normalize("NFKD", c) if not unicodedata.combining(d)]
        out.append(base[0].lower()[:1] if base else c.lower()[:1] or c)
    return "".join(out)


# -- stop words -------------------------------------------------------------------------------
# Function words per language, as typed; FOLDED_STOPWORDS holds them folded. They drive the
# cheap English fast path of language detection, are dropped when a question is carried over
# to English, and are not counted as content words anywhere.
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
    "nelkul miatt szerint egyik minden mindig nagyon sok tobb mennyire szabad-e vagyok "
    "vagyunk vagytok el fel le amely amelyek amelyik legfeljebb pontosan valo mire",
    "de": "der die das den dem des ein eine einen einem einer und oder nicht ist sind war "
    "was wer wie warum wann wo welche welcher welches mit von zu zum zur im in an auf fur "
    "ich wir sie es muss mussen kann konnen darf soll sollen gibt bei uber man eines "
    "sich wenn als auch noch nur nach vor unter aus durch ohne um bis dass da hier dort "
    "sehr mehr viel viele wird werden wurde haben habe ihr ihre ihren ihrem ihrer "
    "unser unsere unseren mein meine mir mich uns dies diese dieser dieses jede jeder "
    "jedes alle sollte sollten durfen konnte mussen hat beim statt meisten daruber "
    "stimmt",
    "fr": "le la les l un une des du de d et ou ne pas est sont que qu qui quoi quel quelle "
    "quels quelles comment pourquoi quand ou avec pour dans sur par je nous vous il elle "
    "ils faut peut doit y a au aux ce cette ces s se sa ses leur leurs mon ma mes "
    "notre nos votre vos en on lui me te si mais donc lorsque chez entre sans sous "
    "vers avant apres comme aussi tres tout tous toute toutes ont ai avez dois doivent "
    "peux eux etre",
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
FOLDED_STOPWORDS = {lang: frozenset(fold(words).split()) for lang, words in STOPWORDS.items()}
"""The function words of each language, folded (as :func:`fold` leaves a question's words)."""
ALL_STOPWORDS = frozenset().union(*FOLDED_STOPWORDS.values())
"""The function words of every core language together."""
ENGLISH_STOPWORDS = FOLDED_STOPWORDS["en"]
SEARCH_STOPWORDS = (
    ENGLISH_STOPWORDS
    | {"all", "also", "as", "being", "but", "has", "have", "into", "its", "so"}
    | {"them", "yes"}
) - {"could", "did", "he", "she", "might", "need", "needs", "some", "those", "us", "were", "whose"}
"""The English words BM25 and answer evidence do not count: the function words, less a few
that carry weight in a question ("need", modal "could", "might") or in a passage."""


ARTICLES = frozenset(
    "the a an der die das den dem des ein eine einen le la les l un une az el los las il lo "
    "gli de het een en ett".split()
)
"""Articles of the core languages (folded): stripped from the front of a term or phrase."""


# -- sentences --------------------------------------------------------------------------------
CITATION = re.compile(r"\[\s*(\d+(?:\s*[-–,;]\s*\d+)*)\s*\]")
"""A citation mark: ``[1]``, ``[1, 3]``, ``[1-3]`` (group 1 holds the numbers)."""
_CITATIONS = r"(?:\s*\[\s*\d+(?:\s*[-–,;]\s*\d+)*\s*\])*"
# A sentence ends at . ! ? (plus closing quotes or brackets) and any citations that follow it.
_END = re.compile(r"[.!?]+[\"'”’)\]]*" + _CITATIONS + r"(?=\s|$)")
_ITEM = re.compile(r"^([-*+]|\d+[.)]|\|)")
_BULLET = re.compile(r"^([-*+]|\d+[.)])\s*")


def cited_numbers(text: str) -> list[int]:
    """Every number the citation marks in ``text`` cite, in order (ranges expanded)."""
    return [n for m in CITATION.finditer(text) for n in citation_numbers(m.group(1))]


def citation_numbers(group: str) -> list[int]:
    """The numbers of one mark's inside: ``"1, 3"`` -> [1, 3], ``"2-4"`` -> [2, 3, 4]."""
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group):
        bounds = re.split(r"\s*[-–]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            lo, hi = int(bounds[0]), int(bounds[1])
            out += list(range(lo, hi + 1)) if 0 < hi - lo < 20 else [lo, hi]
        elif part.isdigit():
            out.append(int(part))
    return out


def split_sentences(line: str) -> list[str]:
    """The sentences of one line of prose. A citation after the full stop stays with the
    sentence before it, and a stop followed by a lower-case word ("e.g. the") ends nothing."""
    out: list[str] = []
    start = 0
    for m in _END.finditer(line):
        rest = line[m.end() :].lstrip()
        if rest and rest[0].islower():
            continue
        piece = line[start : m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    tail = line[start:].strip()
    if tail:
        out.append(tail)
    return out


def sentences(text: str) -> list[str]:
    """Split prose into sentences; list items and table rows count as one sentence each."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
        if not lines:
            continue
        if all(_ITEM.match(ln) for ln in lines):
            out += [_BULLET.sub("", ln) for ln in lines]
            continue
        out += split_sentences(" ".join(lines))
    return out


_CLAIMED_MARKING = re.compile(r"^\s*\(\s*(?:TS|[URCS])\s*(?://[^)]*)?\)\s*", re.IGNORECASE)


def strip_marking(sentence: str) -> str:
    """A quoted sentence without a portion marking its own text claims (``(U) The...``):
    what an answer shows as a passage's marking comes from the passage's handling, never from
    what the passage says of itself."""
    return _CLAIMED_MARKING.sub("", sentence, count=1)


# -- tokens -----------------------------------------------------------------------------------
_TOKEN = re.compile(r"[a-z0-9]+(?:[+'][a-z0-9]+)*")


@functools.lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Lower-case, accent-folded, stemmed English word tokens (stop words dropped)."""
    words = _TOKEN.findall(strip_accents(text))
    if not keep_stopwords:
        words = [w for w in words if w not in SEARCH_STOPWORDS]
    return list(_stemmer().stemWords(words))


def word_share(sentence: str, passage: str) -> float:
    """The share of ``sentence``'s content words (stemmed) that ``passage`` contains."""
    words = set(tokenize(sentence))
    if not words:
        return 0.0
    return len(words & set(tokenize(passage))) / len(words)
