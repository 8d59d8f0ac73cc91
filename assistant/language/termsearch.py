"""Term look-up for the UI: the search behind the command palette, the look-up of a selected
word or a typed query, and the terms an answer mentions.

Plain Python over :mod:`assistant.terms` (no Textual), called from worker threads: nothing
here runs on the event loop. The matching itself (case, accents, typos, inflection) is the
termbase's; this module adds what a search box needs on top of it: prefix and substring
matches while a term is still being typed, one hit per concept, and a score for ranking.

Query syntax, in the palette and in the term input: ``TERM`` or ``TERM -> LANG`` (also
``→``), where LANG is a code or a language name (``ajándék -> de``, ``gift -> Hungarian``):
the term view then lists that language first.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from assistant.errors import BadInput, NotFound
from assistant.language.matching import strip_articles, typo_budget
from assistant.language.names import language_name, parse_language
from assistant.language.termbase import (
    Concept,
    Lookup,
    Status,
    Term,
    Termbase,
    TermMatch,
    lookup_term,
)
from assistant.text import fold

MAX_QUERY = 120
"""Longer text (a whole selected paragraph) is searched for terms, not looked up as one."""

_ARROW = re.compile(r"\s*(?:->|→|=>)\s*")
_WORD = re.compile(r"[\w'’-]+")


class TermSource(Protocol):
    """Whatever holds the termbase (the assistant, in the UI)."""

    @property
    def termbase(self) -> Termbase | None: ...


TermContext = tuple[tuple[str, list[str] | None], ...]
"""Texts to find terms in, each with the languages whose terms may be inflected in it."""


@dataclass(frozen=True)
class TermQuery:
    """What the user typed: the term and the language wanted first (None: all, termbase order)."""

    text: str
    to: str | None = None


def parse_query(raw: str) -> TermQuery:
    """``gift -> hu`` into ``TermQuery("gift", "hu")``. The language is kept as typed (a code or
    a name); :meth:`TermService.language` checks it against the termbase."""
    parts = _ARROW.split(raw.strip(), maxsplit=1)
    text = " ".join(parts[0].split())
    to = parts[1].strip() if len(parts) > 1 and parts[1].strip() else None
    return TermQuery(text, to)


@dataclass(frozen=True)
class Candidate:
    """A concept the query may mean, the term that matched and a score from 0 to 1."""

    concept: Concept
    term: Term
    score: float

    @property
    def exact(self) -> bool:
        return self.score >= 1.0


@dataclass(frozen=True)
class _Entry:
    folded: str
    words: tuple[str, ...]
    concept: Concept
    term: Term


class TermIndex:
    """Every term of a termbase, folded once, for search-as-you-type."""

    def __init__(self, termbase: Termbase) -> None:
        self.termbase = termbase
        self._entries = [
            _Entry(folded, tuple(folded.split()), concept, term)
            for concept in termbase
            for term in concept.term_list()
            if (folded := fold(term.text))
        ]
        self._words = sorted({word for entry in self._entries for word in entry.words})

    def search(self, text: str, limit: int = 12) -> list[Candidate]:
        """The concepts ``text`` may mean, best first, one per concept.

        An exact term (or concept id) scores 1.0; a term that starts with the query 0.8-0.95,
        since the user may still be typing it; the termbase's own match for a typo or an
        inflected form 0.75; a term with a later word that starts with the query 0.55-0.7;
        the termbase's other close candidates 0.5; a term that contains the query (from three
        letters) 0.4-0.5; a word that starts with it give or take a typo 0.3-0.4.
        """
        query = strip_articles(fold(text))
        if not query:
            return []
        best: dict[str, Candidate] = {}

        def offer(concept: Concept, term: Term, score: float) -> None:
            held = best.get(concept.id)
            if held is None or score > held.score:
                best[concept.id] = Candidate(concept, term, score)

        found = self.termbase.lookup(text)
        if found is not None:
            offer(found.concept, found.matched, 1.0 if found.exact else 0.75)
            for concept, term in found.alternatives:
                offer(concept, term, 0.5)
        qwords = query.split()
        close = [self._close_words(q) for q in qwords]
        for entry in self._entries:
            score = _partial_score(query, qwords, close, entry)
            if score:
                offer(entry.concept, entry.term, score)
        order = {c.id: i for i, c in enumerate(self.termbase)}
        ranked = sorted(
            best.values(),
            key=lambda c: (-c.score, c.term.status != Status.PREFERRED, order[c.concept.id]),
        )
        return ranked[:limit]

    def _close_words(self, typed: str) -> set[str]:
        """The words of the termbase that start with ``typed`` give or take the typos its
        length allows (each distinct word is compared once, not once per term)."""
        budget = typo_budget(len(typed))
        if not budget:
            return set()
        from rapidfuzz import process
        from rapidfuzz.distance import DamerauLevenshtein

        size = len(typed)
        found = process.extract(
            typed,
            [word[:size] for word in self._words],
            scorer=DamerauLevenshtein.distance,
            score_cutoff=budget,
            limit=None,
        )
        return {self._words[index] for _, _, index in found}


def _partial_score(query: str, qwords: list[str], close: list[set[str]], entry: _Entry) -> float:
    coverage = 0.1 * len(query) / max(len(entry.folded), len(query))
    if entry.folded.startswith(query):
        whole = len(entry.folded) == len(query) or entry.folded[len(query)] == " "
        return (0.85 if whole else 0.8) + coverage
    if len(qwords) == 1 and any(w.startswith(query) for w in entry.words[1:]):
        return 0.6 + coverage
    if len(qwords) > 1 and all(any(w.startswith(q) for w in entry.words) for q in qwords):
        return 0.55 + coverage
    if len(query) >= 3 and query in entry.folded:
        return 0.4 + coverage
    if all(
        any(w.startswith(q) or w in near for w in entry.words)
        for q, near in zip(qwords, close, strict=True)
    ):
        return 0.3 + coverage  # a typo in what is typed so far: "gfit exch" for "gift exchange"
    return 0.0


class TermService:
    """The assistant's termbase for the UI, with its search index built once.

    Thread-safe: the termbase is read-only once loaded and the index is built under a lock,
    so the palette and the look-up workers may call it at the same time.
    """

    def __init__(self, source: TermSource) -> None:
        self.source = source
        self._lock = threading.Lock()
        self._index: TermIndex | None = None

    @property
    def termbase(self) -> Termbase:
        """The termbase snapshot of the store. NotFound when the corpus has none."""
        termbase = self.source.termbase
        if termbase is None or not len(termbase):
            raise NotFound(
                "the store has no termbase",
                "add termbase.yaml to the corpus, then run: liaison ingest",
            )
        return termbase

    @property
    def index(self) -> TermIndex:
        termbase = self.termbase
        with self._lock:
            if self._index is None or self._index.termbase is not termbase:
                self._index = TermIndex(termbase)
            return self._index

    def language(self, to: str | None) -> str | None:
        """The code of the language asked for, checked against the termbase (BadInput)."""
        if to is None:
            return None
        termbase = self.termbase
        code = parse_language(to)
        known = ", ".join(termbase.languages)
        if code is None:
            raise BadInput(f"unknown language {to!r}", f"termbase languages: {known}")
        if code not in termbase.languages:
            raise BadInput(
                f"the termbase has no {language_name(code)} terms", f"termbase languages: {known}"
            )
        return code

    def search(self, raw: str, limit: int = 12) -> tuple[TermQuery, list[Candidate]]:
        """Palette search: the parsed query and its candidates (none for an empty term)."""
        query = parse_query(raw)
        return query, self.index.search(query.text, limit) if query.text else []

    @staticmethod
    def lookup(
        candidate: Candidate, query: str, language: str | None, others: Iterable[Candidate]
    ) -> Lookup:
        """The term view's content for a candidate picked from a search; the other candidates
        are its close alternatives. ``language`` is a code checked by :meth:`language`."""
        return Lookup(
            query=query,
            concept=candidate.concept,
            matched=candidate.term,
            exact=candidate.exact,
            alternatives=tuple(
                (c.concept, c.term) for c in others if c.concept.id != candidate.concept.id
            )[:5],
            language=language,
        )

    def resolve(self, raw: str) -> Lookup | list[TermMatch]:
        """Look up a typed query or a selected text.

        A term (typos and inflection tolerated) gives its Lookup. Failing that, the terms the
        text contains: one concept is shown, several are offered to choose from. Raises
        NotFound with suggestions, or BadInput for an unknown language.
        """
        query = parse_query(raw)
        termbase = self.termbase
        language = self.language(query.to)
        if not query.text:
            raise BadInput("the term is empty")
        if len(query.text) <= MAX_QUERY:
            try:
                return lookup_term(termbase, query.text, language)
            except NotFound:
                pass
        found = distinct(termbase.find_in_text(query.text))
        if len(found) == 1:
            match = found[0]
            return Lookup(query.text, match.concept, match.term, False, (), language)
        if found:
            return found
        raise NotFound(f"no term found for {clip(query.text)!r}", self.suggestions(query.text))

    def suggestions(self, text: str) -> str:
        """A "did you mean" hint: close terms from the index, then the termbase's fuzzy guess."""
        names: list[str] = []
        if len(text) <= MAX_QUERY:
            names = [c.term.text for c in self.index.search(text, limit=3)]
            if not names and len(fold(text)) > 4:  # an inflected form: try its stem
                names = [c.term.text for c in self.index.search(fold(text)[:-2], limit=3)]
            guess = self.termbase.suggest(text)
            if guess and guess not in names:
                names.append(guess)
        if not names:
            return "try another spelling, or ctrl+p to search the termbase"
        return "did you mean " + ", ".join(repr(n) for n in names[:4]) + "?"

    def mentions(self, texts: TermContext) -> list[TermMatch]:
        """The termbase concepts the texts mention, first mention first, one per concept.
        Each text comes with the languages whose terms may be inflected in it (None: all)."""
        termbase = self.termbase
        matches: list[TermMatch] = []
        for text, languages in texts:
            matches.extend(termbase.find_in_text(text, languages))
        return distinct(matches)


def distinct(matches: Iterable[TermMatch]) -> list[TermMatch]:
    """One match per concept, in order."""
    seen: set[str] = set()
    out: list[TermMatch] = []
    for match in matches:
        if match.concept.id not in seen:
            seen.add(match.concept.id)
            out.append(match)
    return out


def clip(text: str, n: int = 60) -> str:
    """``text`` cut to ``n`` characters with an ellipsis, for titles and messages."""
    return text if len(text) <= n else text[: n - 1] + "…"


def word_at(text: str, position: int) -> str | None:
    """The word under (or just before) the cursor at ``position``, or None."""
    for match in _WORD.finditer(text):
        if match.start() <= position <= match.end():
            return match.group().strip("'’-") or None
    return None
