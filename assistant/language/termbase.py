"""The termbase: concepts with an English definition and their terms per language.

In each language the first term is the preferred term and any further terms are admitted
synonyms. Reading ``termbase.yaml`` and the store's snapshot is :mod:`assistant.termfile`.

Matching folds case and accents (:mod:`assistant.language`). Look-up of a single term also
tolerates small typos (Damerau-Levenshtein, scaled to the term's length); finding terms inside
a sentence tolerates inflection.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.errors import BadInput, NotFound
from assistant.language.matching import (
    is_acronym_use,
    match_tokens,
    strip_articles,
    surface_words,
    token_matches,
    typo_budget,
)
from assistant.text import fold

_ID = re.compile(r"^[a-z0-9-]+$")
_LANG = re.compile(r"^[a-z]{2}$")


class Status(StrEnum):
    PREFERRED = "preferred"
    ADMITTED = "admitted"


@dataclass(frozen=True)
class Term:
    language: str
    text: str
    status: Status

    def as_dict(self) -> dict[str, str]:
        return {"language": self.language, "term": self.text, "status": self.status.value}


class Concept(BaseModel):
    """One concept: an id, a subject field, an English definition and terms per language."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    subject: str | None = None
    definition: str = Field(min_length=1)
    terms: dict[str, tuple[str, ...]]
    note: str | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: object) -> str:
        text = str(value).strip() if value is not None else ""
        if not _ID.match(text):
            raise ValueError(f"id {value!r} must be lower-case letters, digits and '-'")
        return text

    @field_validator("subject", mode="before")
    @classmethod
    def _subject(cls, value: object) -> object:
        return value.strip().lower() or None if isinstance(value, str) else value

    @field_validator("definition", mode="before")
    @classmethod
    def _definition(cls, value: object) -> object:
        return " ".join(value.split()) if isinstance(value, str) else value

    @field_validator("terms", mode="before")
    @classmethod
    def _terms(cls, value: object) -> dict[str, tuple[str, ...]]:
        if not isinstance(value, dict) or not value:
            raise ValueError("terms must be a mapping of language to a list of terms")
        out: dict[str, tuple[str, ...]] = {}
        for lang, items in value.items():
            code = str(lang).strip().lower()
            if not _LANG.match(code):
                raise ValueError(f"terms.{lang}: language must be a two-letter ISO 639-1 code")
            listed = [items] if isinstance(items, str) else items
            if not isinstance(listed, list | tuple) or not listed:
                raise ValueError(f"terms.{lang}: must be a non-empty list of terms")
            seen: set[str] = set()
            texts: list[str] = []
            for item in listed:
                if not isinstance(item, str | int | float) or not str(item).strip():
                    raise ValueError(f"terms.{lang}: every term must be non-empty text")
                text = " ".join(str(item).split())
                key = fold(text)
                if key not in seen:  # a synonym listed twice adds nothing
                    seen.add(key)
                    texts.append(text)
            out[code] = tuple(texts)
        return out

    @property
    def languages(self) -> list[str]:
        return list(self.terms)

    def preferred(self, language: str) -> str | None:
        texts = self.terms.get(language)
        return texts[0] if texts else None

    def term_list(self, language: str | None = None) -> list[Term]:
        """The concept's terms, preferred first, in one language or in all (termbase order)."""
        langs = [language] if language else list(self.terms)
        return [
            Term(lang, text, Status.PREFERRED if i == 0 else Status.ADMITTED)
            for lang in langs
            for i, text in enumerate(self.terms.get(lang, ()))
        ]

    @property
    def label(self) -> str:
        """The English preferred term, or the id when the concept has no English term."""
        return self.preferred("en") or self.id.replace("-", " ")


@dataclass(frozen=True)
class TermMatch:
    """A term of the termbase found in a text: tokens ``start``..``end`` (exclusive)."""

    concept: Concept
    term: Term
    start: int
    end: int
    surface: str


@dataclass(frozen=True)
class Lookup:
    """The concept found for a query, the term that matched it and other close candidates."""

    query: str
    concept: Concept
    matched: Term
    exact: bool
    alternatives: tuple[tuple[Concept, Term], ...] = ()
    language: str | None = None  # the language asked for (--to), or None for all

    @property
    def terms(self) -> list[Term]:
        return self.concept.term_list(self.language)

    def as_dict(self) -> dict[str, Any]:
        """The ``liaison term --json`` object of SPEC section 4 (plus status and alternatives)."""
        return {
            "query": self.query,
            "concept": self.concept.id,
            "definition": self.concept.definition,
            "terms": [t.as_dict() for t in self.terms],
            "alternatives": [
                {"concept": c.id, "term": t.text, "language": t.language}
                for c, t in self.alternatives
            ],
        }


@dataclass(frozen=True)
class _Entry:
    folded: str
    tokens: tuple[str, ...]
    concept: Concept
    term: Term
    foreign_ok: bool  # may match exactly inside text of another language


def _foreign_ok(concept: Concept, term: Term, folded: str) -> bool:
    """Whether ``term`` may match, uninflected, in text of another language.

    Multi-word terms, acronyms, English terms (the lingua franca of liaison work) and words
    the concept shares between languages (true loanwords) are specific enough; any other
    single word is not: the French "quelle" is not the German "Quelle".
    """
    if " " in folded or term.language == "en" or (term.text.isupper() and len(term.text) > 1):
        return True
    return any(fold(t.text) == folded for t in concept.term_list() if t.language != term.language)


@dataclass
class Termbase:
    """All concepts, with indexes for look-up. ``source`` says where they were read from."""

    concepts: tuple[Concept, ...] = ()
    source: str | None = None
    _by_id: dict[str, Concept] = field(init=False, repr=False)
    _entries: list[_Entry] = field(init=False, repr=False)
    _by_first: dict[str, list[_Entry]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {c.id: c for c in self.concepts}
        if len(self._by_id) != len(self.concepts):
            dupes = sorted({c.id for c in self.concepts if _count(self.concepts, c.id) > 1})
            raise BadInput(f"termbase: duplicate concept id {dupes[0]!r}")
        self._entries = []
        for concept in self.concepts:
            for term in concept.term_list():
                folded = fold(term.text)
                if folded:
                    self._entries.append(
                        _Entry(
                            folded,
                            tuple(folded.split()),
                            concept,
                            term,
                            _foreign_ok(concept, term, folded),
                        )
                    )
        self._by_first = {}
        for entry in self._entries:
            self._by_first.setdefault(entry.tokens[0][:3], []).append(entry)

    def __len__(self) -> int:
        return len(self.concepts)

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts)

    def get(self, concept_id: str) -> Concept | None:
        return self._by_id.get(concept_id)

    @property
    def languages(self) -> list[str]:
        """Every language with at least one term, English first, then in termbase order."""
        seen: dict[str, None] = {"en": None} if any("en" in c.terms for c in self) else {}
        for concept in self.concepts:
            seen.update(dict.fromkeys(concept.terms))
        return list(seen)

    # -- look-up ---------------------------------------------------------------------------
    def lookup(self, text: str, language: str | None = None) -> Lookup | None:
        """The concept for ``text`` (a term in any language, or a concept id), or None.

        Exact matches (after folding case and accents) win; otherwise the closest term within
        a typo budget scaled to its length; otherwise a term the query inflects (stem prefix).
        ``language`` only narrows the terms reported, not the matching.
        """
        query = strip_articles(fold(text))
        if not query:
            return None
        scored: list[tuple[float, int, _Entry]] = []
        for order, entry in enumerate(self._entries):
            score = _score(query, entry)
            if score > 0:
                scored.append((score, order, entry))
        by_id = self._by_id.get(text.strip().lower())
        if not scored and by_id is None:
            return None
        # Best score first; at equal score a preferred term, then termbase order.
        scored.sort(key=lambda s: (-s[0], s[2].term.status != Status.PREFERRED, s[1]))
        if by_id is not None:
            best_concept, best_term, exact = by_id, by_id.term_list()[0], True
        else:
            top = scored[0]
            best_concept, best_term, exact = top[2].concept, top[2].term, top[0] >= 100
        alternatives: list[tuple[Concept, Term]] = []
        seen = {best_concept.id}
        for _, _, entry in scored:
            if entry.concept.id not in seen and len(alternatives) < 5:
                seen.add(entry.concept.id)
                alternatives.append((entry.concept, entry.term))
        return Lookup(
            query=text,
            concept=best_concept,
            matched=best_term,
            exact=exact,
            alternatives=tuple(alternatives),
            language=language,
        )

    def find_in_text(self, text: str, languages: Iterable[str] | None = None) -> list[TermMatch]:
        """Terms of ``languages`` (all if None) that occur in ``text``, longest first and never
        overlapping, returned in text order. Terms in ``languages`` may be inflected; terms of
        any other language must occur exactly and be specific (see ``_foreign_ok``), such as the
        loanwords "do ut des" or "TLP"."""
        wanted = set(languages) if languages is not None else None
        tokens = fold(text).split()
        surfaces = surface_words(text)
        candidates: list[tuple[int, int, int, TermMatch]] = []
        for start, token in enumerate(tokens):
            for entry in self._by_first.get(token[:3], ()):
                inflect = wanted is None or entry.term.language in wanted
                if not inflect and not entry.foreign_ok:
                    continue
                end = match_tokens(tokens, start, entry.tokens, inflect=inflect)
                if end is None:
                    continue
                surface = " ".join(surfaces[start:end])
                if len(entry.folded) <= 3 and not is_acronym_use(surface, entry.term.text):
                    continue  # "lo" in a sentence is a word, not the acronym LO
                match = TermMatch(entry.concept, entry.term, start, end, surface)
                # Longest first; then a term of the question's language; then preferred terms.
                rank = (0 if inflect else 1) * 2 + (entry.term.status != Status.PREFERRED)
                candidates.append((-(end - start), -len(entry.folded), rank, match))
        candidates.sort(key=lambda c: c[:3])
        taken: list[TermMatch] = []
        used: set[int] = set()
        for *_, match in candidates:
            span = set(range(match.start, match.end))
            if span & used:
                continue
            used |= span
            taken.append(match)
        return sorted(taken, key=lambda m: m.start)

    def suggest(self, text: str) -> str | None:
        """The term closest to ``text`` even beyond the typo budget (for a "did you mean")."""
        from rapidfuzz import fuzz, process

        query = strip_articles(fold(text))
        if not query or not self._entries:
            return None
        best = process.extractOne(
            query, [e.folded for e in self._entries], scorer=fuzz.WRatio, score_cutoff=70
        )
        return self._entries[best[2]].term.text if best else None

    # -- serialisation ---------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps(
            {"version": 1, "concepts": [c.model_dump(exclude_none=True) for c in self.concepts]},
            ensure_ascii=False,
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str, source: str | None = None) -> Termbase:
        data = json.loads(text)
        concepts = tuple(Concept.model_validate(c) for c in data.get("concepts", []))
        return cls(concepts, source=data.get("source", source))

    def to_yaml(self) -> str:
        """The termbase as ``termbase.yaml`` text (one flow list of terms per language)."""
        body = yaml.safe_dump(
            {"concepts": [c.model_dump(exclude_none=True) for c in self.concepts]},
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=None,
            width=120,
        )
        return "# Termbase (docs/corpus-format.md, 'Termbase'). First term = preferred.\n" + body


def _count(concepts: tuple[Concept, ...], concept_id: str) -> int:
    return sum(1 for c in concepts if c.id == concept_id)


def _score(query: str, entry: _Entry) -> float:
    if query == entry.folded:
        return 100.0
    from rapidfuzz.distance import DamerauLevenshtein

    length = max(len(query), len(entry.folded))
    budget = typo_budget(min(len(query), len(entry.folded)))
    if budget and abs(len(query) - len(entry.folded)) <= budget:
        distance = DamerauLevenshtein.distance(query, entry.folded, score_cutoff=budget)
        if distance <= budget:
            return 100.0 * (1 - distance / length) - 1
    qtokens = query.split()
    if len(qtokens) == len(entry.tokens) and all(
        token_matches(q, t) for q, t in zip(qtokens, entry.tokens, strict=True)
    ):
        return 80.0  # an inflected form of the term
    return 0.0


def lookup_term(termbase: Termbase, text: str, to: str | None = None) -> Lookup:
    """The termbase entry for ``text``, with terms in every language or only in ``to`` (a code
    or a language name). Raises NotFound for an unknown term and BadInput for a bad ``to``."""
    from assistant.language.names import language_name, parse_language

    language = None
    if to is not None:
        language = parse_language(to)
        known = ", ".join(termbase.languages) or "none"
        if language is None:
            raise BadInput(f"unknown language {to!r}", f"termbase languages: {known}")
        if language not in termbase.languages:
            raise BadInput(
                f"the termbase has no {language_name(language)} terms",
                f"termbase languages: {known}",
            )
    if not text.strip():
        raise BadInput("the term is empty")
    found = termbase.lookup(text, language)
    if found is None:
        suggestion = termbase.suggest(text)
        hint = f"did you mean {suggestion!r}?" if suggestion else "try another spelling"
        raise NotFound(f"no termbase entry for {text!r}", hint)
    return found
