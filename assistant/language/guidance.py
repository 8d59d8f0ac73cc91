"""Interpreter and language guidance: "Do I need an interpreter for XMA?", "What language does
XBO work in?", "What does 'do ut des' mean in Hungarian?".

These are answered from structured data, stated exactly: the partner registry (working
language, other languages, interpreter) and the termbase. :func:`language_plan` is the one
place that turns a partner's registry entry into these facts, so meeting briefs say the same.
The text never quotes a partner note: the doc ids to cite are returned for the caller to
gate and cite (partner profiles are marked documents; only the gate may release them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.corpus.partners import Interpreter, Partner, Registry
from assistant.language.names import language_name, languages_named_in
from assistant.language.termbase import Concept, Termbase
from assistant.text import fold

PIN = re.compile(r"⟦([a-z0-9-]+)⟧")
"""A citation pin in guidance text: the clause before it is cited to that document."""

INTERPRETERS_DOC = "working-with-interpreters"
LANGUAGE_DOC = "language-in-cooperation"


@dataclass(frozen=True)
class Fact:
    """One structured fact behind an answer, e.g. ``Fact("XMA", "interpreter", "on-request")``."""

    subject: str
    attribute: str
    value: str

    def as_dict(self) -> dict[str, str]:
        return {"subject": self.subject, "attribute": self.attribute, "value": self.value}


@dataclass(frozen=True)
class LanguagePlan:
    """How to work with a partner language-wise, from its registry entry."""

    partner: str
    name: str
    working_language: str | None
    other_languages: tuple[str, ...]
    interpreter: Interpreter
    sentence: str
    advice: str

    @property
    def languages(self) -> tuple[str, ...]:
        first = (self.working_language,) if self.working_language else ()
        return first + self.other_languages

    @property
    def english_available(self) -> bool:
        return any(_primary(lang) == "en" for lang in self.languages)

    def facts(self) -> list[Fact]:
        return [
            Fact(self.partner, "working_language", self.working_language or ""),
            Fact(self.partner, "other_languages", ", ".join(self.other_languages)),
            Fact(self.partner, "interpreter", self.interpreter.value),
        ]


@dataclass(frozen=True)
class GuidanceAnswer:
    """An answer from structured data. ``cite`` lists the doc ids that support it, most
    relevant first; the caller keeps those that exist and that the gate admits."""

    kind: str  # "partner-language" | "partners-overview" | "term"
    text: str
    partner: str | None = None
    partners: tuple[str, ...] = ()
    cite: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    plans: tuple[LanguagePlan, ...] = ()
    concept: str | None = None
    found: bool = True  # False: a term question the termbase cannot answer
    sources: tuple[str, ...] = field(default=())  # non-document sources ("partner registry")

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "partner": self.partner,
            "partners": list(self.partners),
            "cite": list(self.cite),
            "facts": [f.as_dict() for f in self.facts],
            "concept": self.concept,
            "found": self.found,
            "sources": list(self.sources),
        }


# -- the language plan -------------------------------------------------------------------------
_INTERPRETER_PHRASE = {
    Interpreter.NOT_NEEDED: "no interpreter is needed",
    Interpreter.ON_REQUEST: "an interpreter is provided on request",
    Interpreter.NEEDED: "an interpreter is needed",
}


def language_plan(partner: Partner) -> LanguagePlan:
    """The partner's working language, other languages and interpreter need, with a sentence
    that states them exactly and practical advice that follows from them."""
    code = partner.code
    working = partner.working_language
    others = tuple(partner.languages[1:])
    need = partner.interpreter
    who = f"{code} ({partner.name})"
    exact = f"{_INTERPRETER_PHRASE[need]} (interpreter: {need.value})"
    if working is None:
        works = "the partner registry records no working language for it"
        sentence = f"For {who} {works}; {exact}."
    else:
        also = f", and also in {_names(others)}" if others else " only"
        sentence = f"{who} works in {language_name(working)}{also}; {exact}."
    plan = LanguagePlan(code, partner.name, working, others, need, sentence, "")
    return LanguagePlan(code, partner.name, working, others, need, sentence, _advice(plan))


def _article(word: str) -> str:
    """ "an" before a vowel ("an Italian interpreter"), else "a"."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def _advice(plan: LanguagePlan) -> str:
    code = plan.partner
    shared = "English" if plan.english_available else language_name(plan.working_language)
    foreign = language_name(plan.working_language) if plan.working_language else ""
    interpreter = f"{foreign} interpreter".strip()
    if plan.interpreter is Interpreter.NEEDED:
        return (
            f"Plan every meeting with {code} for interpreting: book a security-cleared "
            f"{interpreter} in good time, send the interpreter the agenda and the key "
            "terms in advance, and allow about twice the time, since consecutive interpreting "
            "roughly doubles a meeting."
        )
    if plan.interpreter is Interpreter.ON_REQUEST:
        return (
            f"Before each meeting, confirm with {code} whether it wants "
            f"{_article(interpreter)} {interpreter}; without one, the meeting can be held in "
            f"{shared}."
        )
    if plan.working_language is None:
        return f"Meetings with {code} are held without an interpreter."
    return f"Meetings with {code} can be held in {shared} without an interpreter."


# -- recognising the questions -------------------------------------------------------------------
_INTERPRETER_CUE = re.compile(
    r"\b(interpret\w*|tolmac\w*|dolmetsch\w*|tlumacz\w*|tolk\w*|переводчик\w*|traduttor\w*)"
)
_LANGUAGE_CUE = re.compile(
    r"\b(languages?|speaks?|speaking|spoken|nyelv\w*|beszel\w*|sprache\w*|sprich\w*|spricht|"
    r"langues?|parle\w*|idioma\w*|lengua\w*|lingua\w*|jezyk\w*|язык\w*|taal|talen|sprak\w*|"
    r"spreekt|habla\w*)\b"
)
_ADDRESS_DE = re.compile(r"\ban\W*$")
"""German "spricht ... an" closes "ansprechen", to address someone: not about a language."""


def _asks_about_language(folded: str) -> bool:
    cues = [m.group(1) for m in _LANGUAGE_CUE.finditer(folded)]
    if not cues:
        return False
    return not (_ADDRESS_DE.search(folded) and all(c.startswith("sprich") for c in cues))


_OVERVIEW_CUE = re.compile(
    r"\b(partners|all partner\w*|every partner|each partner|which partner\w*|partnerek\w*|"
    r"melyik partner\w*|mely partner\w*|partnerdienste\w*|welche partner\w*|alle partner\w*|"
    r"partenaires|quels partenaires)\b"
)
_TRANSLATION_CUE = re.compile(
    r"\b(mean|means|meaning|say|said|called|translat\w*|term|word|jelent\w*|mond\w*|"
    r"fordit\w*|kifejezes\w*|heisst|bedeutet|sagt man|ubersetz\w*|begriff|wort|veut dire|"
    r"signifie|dit on|tradu\w*|terme|mot|significa|se dice|si dice|znaczy|betekent|betyder)\b"
)
_ALL_LANGUAGES = re.compile(
    r"\b(all|every|each|minden|alle[n]?|toutes les|tous les) (languages?|nyelv\w*|sprachen|langues)"
)
_QUOTED = re.compile(
    r"[\"“„«»](?P<a>[^\"“”„«»]+)[\"”“»«]|(?:^|(?<=[\s(]))['‘‚](?P<b>[^'‘’]+)['’](?=[\s?.!,:;)]|$)"
)
# Words of a term question that are not the term (folded): question words, verbs of meaning
# and saying, and the prepositions that introduce a language.
_FILLER = set(
    "what whats does do is the a an mean means meaning say said called call how you we i one "
    "would should could translate translated translation term word for of in into to please "
    "mit jelent jelenti hogy hogyan mondjuk mondjak mondom van mi az kifejezes szo "
    "was heisst bedeutet wie sagt man ubersetzt ubersetzung der die das auf begriff wort "
    "que veut dire signifie comment dit on traduit traduire le la les l en terme mot".split()
)


def answer_language_question(
    question: str, registry: Registry, termbase: Termbase | None
) -> GuidanceAnswer | None:
    """Answer an interpreter, working-language or term-translation question, or None when the
    question is not one of those (the caller then retrieves as usual)."""
    if termbase is not None and len(termbase):
        term = _term_question(question, termbase, registry)
        if term is not None:
            return term
    folded = fold(question)
    interpreter = bool(_INTERPRETER_CUE.search(folded))
    if not interpreter and not _asks_about_language(folded):
        return None
    codes = [c for c in registry.find_in_text(question) if registry.get(c) is not None]
    if codes:
        return _partner_answer(question, [registry.partners[c] for c in codes], interpreter)
    if _OVERVIEW_CUE.search(folded) and registry.partners:
        return _overview(registry, interpreter)
    return None


def _partner_answer(question: str, partners: list[Partner], interpreter: bool) -> GuidanceAnswer:
    plans = [language_plan(p) for p in partners]
    named = [lang for lang in languages_named_in(_unquoted(question))]
    parts: list[str] = []
    for plan in plans:
        parts.append(plan.sentence)
        for lang in named:
            parts.append(_language_check(plan, lang))
        parts.append(plan.advice)
    cite: list[str] = [_profile(p.partner) for p in plans]
    needs_interpreter = any(p.interpreter is not Interpreter.NOT_NEEDED for p in plans)
    docs = [INTERPRETERS_DOC, LANGUAGE_DOC]
    if not interpreter and not needs_interpreter:
        docs.reverse()
    cite += docs
    return GuidanceAnswer(
        kind="partner-language",
        text=" ".join(parts),
        partner=plans[0].partner,
        partners=tuple(p.partner for p in plans),
        cite=tuple(cite),
        facts=tuple(f for p in plans for f in p.facts()),
        plans=tuple(plans),
        sources=("partner registry",),
    )


def _language_check(plan: LanguagePlan, lang: str) -> str:
    name = language_name(lang)
    codes = [_primary(x) for x in plan.languages]
    if lang not in codes:
        listed = _names(plan.languages) or "none"
        return f"{name} is not among {plan.partner}'s languages in the registry ({listed})."
    if codes.index(lang) == 0:
        return f"{name} is {plan.partner}'s working language."
    return f"{name} is one of {plan.partner}'s languages, after {language_name(codes[0])}."


def _overview(registry: Registry, interpreter: bool) -> GuidanceAnswer:
    plans = [language_plan(registry.partners[c]) for c in registry.codes()]
    groups: list[str] = []
    for need, label in (
        (Interpreter.NEEDED, "an interpreter is needed for"),
        (Interpreter.ON_REQUEST, "an interpreter is provided on request for"),
        (Interpreter.NOT_NEEDED, "no interpreter is needed for"),
    ):
        members = [
            (
                f"{p.partner} ({language_name(p.working_language)})"
                if p.working_language
                else p.partner
            )
            + _pin(p.partner)
            for p in plans
            if p.interpreter is need
        ]
        if members:
            groups.append(f"{label} {_join(members)}")
    by_interpreter = "Per the partner registry, " + "; ".join(groups) + "."
    languages = "Working languages: " + "; ".join(
        f"{p.partner} {_names(p.languages) or 'none recorded'}{_pin(p.partner)}" for p in plans
    )
    parts = [by_interpreter, languages + "."]
    if not interpreter:
        parts.reverse()
    return GuidanceAnswer(
        kind="partners-overview",
        text=" ".join(parts),
        partners=tuple(p.partner for p in plans),
        cite=tuple(_profile(p.partner) for p in plans)
        + ((INTERPRETERS_DOC, LANGUAGE_DOC) if interpreter else (LANGUAGE_DOC, INTERPRETERS_DOC)),
        facts=tuple(f for p in plans for f in p.facts()),
        plans=tuple(plans),
        sources=("partner registry",),
    )


def _profile(code: str) -> str:
    return f"{code.lower()}-profile"


def _pin(code: str) -> str:
    return f"⟦{_profile(code)}⟧"


def unpinned(text: str) -> str:
    """Guidance text without its citation pins."""
    return PIN.sub("", text)


# -- term questions ----------------------------------------------------------------------------
def _term_question(
    question: str, termbase: Termbase, registry: Registry | None = None
) -> GuidanceAnswer | None:
    quoted = _quoted(question)
    folded_rest = fold(_unquoted(question))
    every = bool(_ALL_LANGUAGES.search(folded_rest))
    targets = _target_languages(folded_rest)
    if not (targets or every) and registry is not None:
        targets = _partner_language(folded_rest, question, registry)
    if not (targets or every):
        return None
    # "... in Hungarian?" and "the French for ..." ask for a term even without a verb.
    asks = bool(targets) and (targets[-1][1] == len(folded_rest.split()) - 1 or targets[-1][2])
    if not (_TRANSLATION_CUE.search(folded_rest) or quoted or every or asks):
        return None
    target = None if every else targets[-1][0]
    candidate, concept = _term_of(question, quoted, termbase)
    if concept is None:
        if not quoted:
            return None  # not clearly a term: let retrieval try
        return GuidanceAnswer(
            kind="term",
            text=f"The termbase has no entry for '{candidate}'.",
            found=False,
            sources=("termbase",),
        )
    return _term_answer(candidate, concept, target, termbase)


_THEIR_LANGUAGE = re.compile(
    r"\b(?:in|into)\s+(?:their|its|his|her|the\s+partner'?s?|the\s+\w+'?s?)\s+(?:own\s+)?"
    r"(?:language|tongue)\b|\bin\s+the\s+language\s+of\b"
)


def _partner_language(
    folded: str, question: str, registry: Registry
) -> list[tuple[str, int, bool]]:
    """ "How do I say X in their language" about a partner the question names: the partner's
    first working language other than English (English when it has no other)."""
    found = _THEIR_LANGUAGE.search(folded)
    codes = registry.find_in_text(question)
    if found is None or not codes or registry.get(codes[0]) is None:
        return []
    languages = registry.partners[codes[0]].languages
    if not languages:
        return []
    own = [lang for lang in languages if _primary(lang) != "en"] or list(languages)
    index = len(folded[: found.end()].split()) - 1
    return [(_primary(own[0]), index, True)]


_TARGET_PREPOSITIONS = {"in", "into", "to", "auf", "en", "na", "po", "pa", "op", "ins"}


def _target_languages(folded: str) -> list[tuple[str, int, bool]]:
    """Languages a question asks for, with their token index: "in Hungarian", "into German",
    "the French for", "auf Deutsch", "en anglais", and Hungarian adverbs ("magyarul").
    A language merely mentioned ("what does it say about English") is not a target.
    Each is (code, token index, whether it was "the <language> for")."""
    tokens = folded.split()
    found: list[tuple[str, int, bool]] = []
    for i, token in enumerate(tokens):
        codes = languages_named_in(token)
        if not codes:
            continue
        before = tokens[i - 1] if i else ""
        after = tokens[i + 1 : i + 3]
        adverb = token.endswith("ul")
        the_x_for = before == "the" and ("for" in after)
        if adverb or before in _TARGET_PREPOSITIONS or the_x_for:
            found.append((codes[0], i, the_x_for))
    return found


def _term_of(question: str, quoted: str | None, termbase: Termbase) -> tuple[str, Concept | None]:
    if quoted:
        found = termbase.lookup(quoted)
        return quoted, found.concept if found else None
    rest = _unquoted(question)
    names = set(_language_words(rest))
    matches = [
        m
        for m in termbase.find_in_text(rest)
        if not names & set(fold(m.surface or m.term.text).split())
    ]
    if matches:
        best = max(matches, key=lambda m: (m.end - m.start, len(m.term.text)))
        return best.surface or best.term.text, best.concept
    words = [w for w in fold(rest).split() if w not in _FILLER and w not in names]
    candidate = " ".join(words)
    if not candidate:
        return "", None
    found = termbase.lookup(candidate)
    return candidate, found.concept if found else None


def _term_answer(
    asked: str, concept: Concept, target: str | None, termbase: Termbase
) -> GuidanceAnswer:
    facts = [Fact(concept.id, "definition", concept.definition)]
    if target is None:
        listing = "; ".join(
            f"{lang}: {_term_texts(concept, lang)}" for lang in concept.terms if concept.terms[lang]
        )
        text = f"'{asked}' ({concept.label}): {concept.definition} Terms: {listing}."
        facts += [Fact(concept.id, f"term.{t.language}", t.text) for t in concept.term_list()]
    elif concept.terms.get(target):
        name = language_name(target)
        text = (
            f"In {name}, '{asked}' is {_term_texts(concept, target)}. "
            f"Definition ({concept.label}): {concept.definition}"
        )
        facts += [Fact(concept.id, f"term.{t.language}", t.text) for t in concept.term_list(target)]
    else:
        name = language_name(target)
        known = "; ".join(f"{lang}: {_term_texts(concept, lang)}" for lang in concept.terms)
        text = (
            f"The termbase has no {name} term for '{asked}' ({concept.label}) yet. "
            f"Definition: {concept.definition} Terms in other languages: {known}."
        )
    return GuidanceAnswer(
        kind="term",
        text=text,
        cite=(),
        facts=tuple(facts),
        concept=concept.id,
        sources=(f"termbase ({termbase.source})" if termbase.source else "termbase",),
    )


def _term_texts(concept: Concept, lang: str) -> str:
    texts = concept.terms.get(lang, ())
    if not texts:
        return "none"
    first = f'"{texts[0]}"'
    if len(texts) == 1:
        return first
    return f"{first} (preferred; also {', '.join(repr(t) for t in texts[1:])})"


# -- small helpers -----------------------------------------------------------------------------
def _quoted(text: str) -> str | None:
    match = _QUOTED.search(text)
    if match is None:
        return None
    return (match.group("a") or match.group("b") or "").strip() or None


def _unquoted(text: str) -> str:
    return _QUOTED.sub(" ", text)


def _language_words(text: str) -> list[str]:
    return [w for w in fold(text).split() if languages_named_in(w)]


def _primary(tag: str) -> str:
    return tag.strip().lower().replace("_", "-").split("-")[0]


def _names(codes: tuple[str, ...] | list[str]) -> str:
    return _join([language_name(c) for c in codes])


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
