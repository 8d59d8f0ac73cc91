"""Which parts of the retrieved passages an extractive answer quotes, and how it lays them out.

An answer is made of *spans*: consecutive units of one passage, in the passage's order (a
lead-in always with its list). The main span comes from the passage that answers best; when the
question names no partner, a general passage (doctrine, etiquette, procedure of our own) is
preferred to a partner's note that answers about as well. Other passages, or a part of the
main passage the main span does not reach, add a span only when they add a fact. A partner's
particulars come after the general rule, under a line that names the partner, so that they are
never read as the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.corpus.passage import Unit
from assistant.retrieval.types import Hit
from assistant.text import tokenize

if TYPE_CHECKING:
    import numpy as np

GENERAL_MARGIN = 0.08
"""A general passage is preferred to a partner's note whose best atom is at most this much
more relevant (relevance is about 0.75 x cosine + 0.25 x overlap)."""
NEIGHBOUR_MARGIN = 0.15
"""A span grows by a neighbouring atom at most this much less relevant than its best."""
EXTRA_MARGIN = 0.10
"""Another passage adds a span when its best atom is at most this much less relevant."""
PARTICULAR_MARGIN = 0.25
"""The named partner's particulars are added when at most this much less relevant..."""
PARTICULAR_FLOOR = 0.33
"""... and at least this relevant: an unrelated particular is worse than none."""
SPAN_CHARS = 800
"""A span stops growing past this many characters (a lead-in with its list may exceed it)."""
MAX_EXTRA = 2
"""At most this many spans from other passages."""
REDUNDANT = 0.85
"""An atom whose units are this similar (cosine) to one already quoted repeats it."""


@dataclass
class Atom:
    """What is quoted as a whole: one sentence, item or row, or a lead-in with its list."""

    hit_index: int
    units: list[Unit]
    relevance: float
    vectors: list[np.ndarray] = field(default_factory=list)

    @property
    def group(self) -> int:
        return self.units[0].group

    @property
    def chars(self) -> int:
        return sum(len(u.text) for u in self.units)


@dataclass
class Span:
    hit_index: int
    atoms: list[Atom]

    @property
    def relevance(self) -> float:
        return max(a.relevance for a in self.atoms)

    @property
    def chars(self) -> int:
        return sum(a.chars for a in self.atoms)

    def tokens(self) -> set[str]:
        return {t for a in self.atoms for u in a.units for t in tokenize(u.text)}


def partner_of(hit: Hit) -> str:
    """The partner a passage is about ('' for general doctrine, etiquette and procedures)."""
    return str(hit.meta.get("partner") or "")


def choose_spans(
    atoms: Sequence[Atom], hits: Sequence[Hit], named: Sequence[str], *, length: int = 4
) -> list[Span]:
    """The spans an answer quotes, general first, then the named partners' particulars."""
    if not atoms:
        return []
    by_hit: dict[int, list[Atom]] = {}
    for atom in atoms:
        by_hit.setdefault(atom.hit_index, []).append(atom)
    ranked = sorted(atoms, key=lambda a: -a.relevance)
    relevant = [a for a in ranked if _allowed(hits[a.hit_index], named)] or ranked
    best = relevant[0]
    general = [a for a in relevant if not partner_of(hits[a.hit_index])]
    if general and general[0].relevance >= best.relevance - PARTICULAR_MARGIN:
        main = _main_atom(general, hits)  # the general rule first, a partner's after it
    else:
        main = _main_atom(relevant, hits)
    spans = [_grow(main, by_hit[main.hit_index], limit=max(length - 1, 0))]
    pool = general if named else relevant
    extra = MAX_EXTRA - 1 if named else MAX_EXTRA  # a named partner's particulars follow
    for atom in pool:
        if len(spans) > extra or atom.relevance < main.relevance - EXTRA_MARGIN:
            break
        if any(atom is a for s in spans for a in s.atoms) or not _adds(atom, spans):
            continue  # another sentence of the main passage may add a span too
        if authority(hits[atom.hit_index]) == 1 > authority(hits[main.hit_index]):
            continue  # a lesson restates the rule the answer already quotes
        partner = partner_of(hits[atom.hit_index])
        if partner and any(partner_of(hits[s.hit_index]) for s in spans):
            continue  # no partner asked about: one partner's particulars at most
        spans.append(_grow(atom, by_hit[atom.hit_index], limit=0))
    for code in named:
        if any(partner_of(hits[s.hit_index]) == code for s in spans):
            continue
        own = [a for a in relevant if partner_of(hits[a.hit_index]) == code]
        floor = max(best.relevance - PARTICULAR_MARGIN, PARTICULAR_FLOOR)
        if own and own[0].relevance >= floor and _adds(own[0], spans):
            spans.append(_grow(own[0], by_hit[own[0].hit_index], limit=2))
    # The general rule first, then each partner's particulars; by rank within each.
    order = {code: n for n, code in enumerate(named)}
    first = spans[0]
    return sorted(
        spans,
        key=lambda s: (
            bool(partner_of(hits[s.hit_index])),
            order.get(partner_of(hits[s.hit_index]), len(order)),
            s is not first,
            s.hit_index,
        ),
    )


def _allowed(hit: Hit, named: Sequence[str]) -> bool:
    """A passage about a partner the question does not name is off the point when the
    question names partners."""
    partner = partner_of(hit)
    return not (named and partner and partner not in named)


def authority(hit: Hit) -> int:
    """How much a passage is the rule itself: the doctrine, etiquette, sharing rules and our
    procedures (0) before a lesson that teaches them (1), before a note on one partner (2)."""
    if partner_of(hit) or hit.meta.get("kind") == "partner-note":
        return 2
    return 1 if hit.meta.get("kind") == "lesson" else 0


def _main_atom(ranked: list[Atom], hits: Sequence[Hit]) -> Atom:
    """The best atom; among those that answer about as well, the most authoritative one (the
    rule before a lesson about it, before a partner's particular)."""
    best = ranked[0]
    close = [a for a in ranked if a.relevance >= best.relevance - GENERAL_MARGIN]
    return min(close, key=lambda a: (authority(hits[a.hit_index]), -a.relevance))


def _grow(seed: Atom, passage: list[Atom], limit: int = 3) -> Span:
    """Consecutive atoms of one passage around ``seed``: the window (at most ``limit`` atoms
    besides the seed, at most :data:`SPAN_CHARS`) whose atoms gain the most over a floor just
    below the seed's relevance. A window may bridge a weaker sentence to reach a strong one
    beyond it, and it keeps the source's order."""
    order = sorted(passage, key=lambda a: (a.group, a.units[0].block))
    at = order.index(seed)
    floor = seed.relevance - NEIGHBOUR_MARGIN
    best = (0.0, 0, at, at)
    for lo in range(max(0, at - limit), at + 1):
        for hi in range(at, min(len(order), lo + limit + 1)):
            window = order[lo : hi + 1]
            if hi > lo and sum(a.chars for a in window) > SPAN_CHARS:
                continue
            gain = sum(a.relevance - floor for a in window if a is not seed)
            if gain > best[0] + 1e-9 or (abs(gain - best[0]) <= 1e-9 and hi - lo < best[1]):
                best = (gain, hi - lo, lo, hi)
    lo, hi = best[2], best[3]
    span = Span(seed.hit_index, order[lo : hi + 1])
    if len(span.atoms) == 1 and span.chars < 120:
        # One short sentence rarely answers alone: add its better neighbour.
        near = [
            a
            for a in (order[lo - 1] if lo else None, order[hi + 1] if hi + 1 < len(order) else None)
            if a
        ]
        if near:
            extra = max(near, key=lambda a: a.relevance)
            span.atoms = sorted([*span.atoms, extra], key=lambda a: (a.group, a.units[0].block))
    return span


def _adds(atom: Atom, spans: Sequence[Span]) -> bool:
    """True when ``atom`` says something the spans do not: not a near-repeat of a quoted unit,
    and at least half of its content words new."""
    quoted = [v for s in spans for a in s.atoms for v in a.vectors]
    if quoted and atom.vectors:
        similarity = max(float(v @ q) for v in atom.vectors for q in quoted)
        if similarity > REDUNDANT:
            return False
    words = {t for u in atom.units for t in tokenize(u.text)}
    if not words:
        return False
    seen: set[str] = set().union(*(s.tokens() for s in spans))
    return len(words - seen) / len(words) >= 0.5
