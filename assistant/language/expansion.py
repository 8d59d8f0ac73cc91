"""Carrying a question in another language over to the English of the corpus.

The corpus is written in English while officers ask in Hungarian, German, French and the
partners' languages. A detected question is expanded term for term with the termbase (plus
each matched concept's English terms), its everyday words are rendered
with the question lexicon (:mod:`assistant.lexicon`), and words neither knows are looked up
inside multi-word terms, so that lexical and dense retrieval both reach the English doctrine.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from assistant.language.detect import detect_language
from assistant.language.lexicon import Lexicon, load_lexicon
from assistant.language.matching import surface_words, token_matches
from assistant.language.names import sources_in_english
from assistant.text import FOLDED_STOPWORDS, fold

if TYPE_CHECKING:
    from assistant.corpus.partners import Registry
    from assistant.language.termbase import Termbase, TermMatch

_STOP = FOLDED_STOPWORDS

# Question words carried over to English, so the embedding of the question keeps its shape.
QUESTION_WORDS = {
    "hu": {"mi": "what", "mit": "what", "mik": "what", "ki": "who", "kik": "who",
           "hogyan": "how", "miert": "why", "mikor": "when", "hol": "where",
           "melyik": "which", "milyen": "what kind of", "kell": "must",
           "hany": "how many", "mennyi": "how much", "meddig": "how long",
           "mekkora": "how much", "mennyivel": "how much", "mennyire": "how much",
           "jelent": "mean", "mire": "what for", "mihez": "what for", "miben": "in what"},
    "de": {"was": "what", "wer": "who", "wie": "how", "warum": "why", "wann": "when",
           "wo": "where", "welche": "which", "welcher": "which", "muss": "must",
           "bedeutet": "mean", "heißt": "mean", "wieviel": "how much",
           "wieviele": "how many", "welchem": "which", "welchen": "which",
           "welches": "which", "wofür": "what for", "wozu": "what for"},
    "fr": {"quoi": "what", "qui": "who", "comment": "how", "pourquoi": "why",
           "quand": "when", "quel": "which", "quelle": "which", "quels": "which",
           "quelles": "which", "faut": "must", "doit": "must", "signifie": "mean",
           "combien": "how many"},
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
QUESTION_WORDS = {
    lang: {fold(k): v for k, v in words.items()} for lang, words in QUESTION_WORDS.items()
}


# -- expansion -------------------------------------------------------------------
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


def carry_over(question: str, termbase: Termbase | None, registry: Registry) -> Expansion:
    """Detect the question's language; carry a non-English question over to English.

    Partners named in the question's language ("lumeriai", "lumérien") are then named the way
    the English corpus names them: by code and country. Without a termbase the question
    lexicon still carries the everyday words over."""
    from assistant.language.termbase import Termbase

    terms = termbase if termbase is not None else Termbase(())
    languages = terms.languages if len(terms) else None
    expansion = expand_query(question, terms, detect_language(question, languages))
    if not expansion.expanded:
        return expansion
    present = set(expansion.english_query.lower().split())
    names: list[str] = []
    for code in registry.find_in_text(question):
        partner = registry.partners[code]
        for name in (code, partner.country or ""):
            if name and name.lower() not in present:
                present.add(name.lower())
                names.append(name)
    if not names:
        return expansion
    units = tuple(_name_partners(unit, registry) for unit in expansion.units)
    query = " ".join([expansion.english_query, *names])
    return replace(expansion, english_query=query, units=units)


def _name_partners(unit: tuple[str, ...], registry: Registry) -> tuple[str, ...]:
    """A question word naming a partner ("lumérien") is also rendered by its code and
    country, as the corpus names it."""
    named: list[str] = []
    for code in registry.find_in_text(unit[0]) if unit else ():
        named += [code, registry.partners[code].country or ""]
    return (*unit, *filter(None, named))


def expand_query(question: str, termbase: Termbase | None, lang: str) -> Expansion:
    """Translate ``question`` (in ``lang``) into an English retrieval query with the termbase.

    Terms are replaced longest first (case and accents folded, inflected forms accepted), each
    by its concept's English preferred term; question words are translated and other function
    words dropped; other words are rendered with the question lexicon (``assistant.lexicon``)
    and words neither knows are kept (names, codes, numbers). Then the
    English admitted terms (synonyms) of each matched concept are appended.
    An English question is returned unchanged (its concepts are still reported).
    """
    lang = (lang or "en").lower()
    if termbase is None:
        return Expansion(lang, question, question=question)
    matches = termbase.find_in_text(question, [lang])
    concepts = tuple(dict.fromkeys(m.concept.id for m in matches))
    if lang == "en":
        return Expansion(lang, question, concepts, tuple(matches), question)
    lexicon = load_lexicon(lang)
    tokens = fold(question).split()
    surfaces = surface_words(question)
    if len(surfaces) != len(tokens):
        surfaces = tokens
    verbs = lexicon.particle_verbs(surfaces) if lexicon is not None else {}
    # "redet ... an" is "anreden" (address), not the term "Rede" (speech) it also matches.
    matches = [m for m in matches if not (m.start in verbs and m.end == m.start + 1)]
    matches = [m for m in matches if not _verb_not_noun(m, lang, lexicon)]
    concepts = tuple(dict.fromkeys(m.concept.id for m in matches))
    walk = _walk(tokens, surfaces, matches, lang, lexicon, verbs)
    english = " ".join(walk.parts)
    translations = _word_translations(walk.loose, termbase, lang, set(concepts))
    units = list(walk.units)
    for token in walk.loose:
        if len(token) >= _MIN_UNIT or token.isdigit():  # "el", "ne": particles, not content
            units.append((token, *translations.get(token, ())))
    extra = _extra_words(english, translations, concepts, termbase)
    english_query = " ".join([english.rstrip(" ?.!"), *extra]).strip() or question
    return Expansion(lang, english_query, concepts, tuple(matches), question, tuple(units))


def _verb_not_noun(match: TermMatch, lang: str, lexicon: Lexicon | None) -> bool:
    """German writes nouns with a capital: "empfange" (I receive) written in lower case is not
    the noun term "Empfang" (a reception) it matches by stem. Such a one-word match is dropped
    when the lexicon can render the word as written (else the term is the best there is)."""
    if lang != "de" or lexicon is None or match.end != match.start + 1:
        return False
    term, surface = match.term.text, match.surface
    if not (term[:1].isupper() and surface[:1].islower()):
        return False
    return bool(lexicon.translate(surface))


@dataclass
class _Walk:
    """A question's words carried over one by one: the English parts of the query, one unit per
    content word or term, and the content words nothing rendered."""

    parts: list[str] = field(default_factory=list)
    units: list[tuple[str, ...]] = field(default_factory=list)
    loose: list[str] = field(default_factory=list)


def _walk(
    tokens: list[str],
    surfaces: list[str],
    matches: list[TermMatch],
    lang: str,
    lexicon: Lexicon | None,
    verbs: dict[int, list[str]],
) -> _Walk:
    """Terms (longest first, already matched) become their English preferred term, question
    words their English ones; function words go; other words go through the lexicon, and
    those it does not know are kept as written (names, codes, numbers)."""
    starts = {m.start: m for m in matches}
    stop = _STOP.get(lang, frozenset())
    wh = QUESTION_WORDS.get(lang, {})
    out = _Walk()
    i = 0
    while i < len(tokens):
        match = starts.get(i)
        if match is not None:
            english_terms = match.concept.terms.get("en", ())
            # One word matching a term may also be an everyday word ("empfange": I receive,
            # not only "Empfang", a reception): its lexicon senses join, so that neither
            # reading is lost.
            senses = []
            if match.end == i + 1 and lexicon is not None:
                known = {w for t in english_terms for w in t.split()}
                before = surfaces[i - 1] if i else ""
                senses = [w for w in lexicon.translate(surfaces[i], before) if w not in known]
            out.parts.append(" ".join([match.concept.label, *senses]))
            out.units.append((match.surface, *english_terms, *senses))
            i = match.end
            continue
        token = tokens[i]
        if token in wh:
            out.parts.append(wh[token])
        elif token not in stop:
            english_words = verbs.get(i) or (
                lexicon.translate(surfaces[i], surfaces[i - 1] if i else "")
                if lexicon is not None
                else []
            )
            if english_words:
                out.parts.append(" ".join(english_words))
                out.units.append((token, *english_words))
            else:
                out.parts.append(surfaces[i])
                out.loose.append(token)
        i += 1
    return out


def _extra_words(
    english: str,
    translations: dict[str, list[str]],
    concepts: tuple[str, ...],
    termbase: Termbase,
) -> list[str]:
    """Words appended to the query: renderings of loose words found inside terms, and for each
    matched concept its English synonyms. (Its definition's words were appended too until
    2026-12: measured on the evaluation set, they pulled questions toward passages about the
    definition's words rather than the question's; without them every ranking and answer
    score rose or held; docs/evaluation.md.)"""
    extra: list[str] = []
    present = set(fold(english).split())
    for words in translations.values():
        _add_words(" ".join(words), present, extra)
    for concept_id in concepts:
        concept = termbase.get(concept_id)
        if concept is None:
            continue
        for synonym in concept.terms.get("en", ())[1:]:
            _add_words(synonym, present, extra)
    return extra


_MIN_UNIT = 3
"""Shorter words left untranslated are particles; they do not count in answer evidence."""

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
