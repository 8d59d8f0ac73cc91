"""Which parts of the retrieved passages an extractive answer quotes, and how it lays them out.

An answer is made of *spans*: consecutive units of one passage, in the passage's order (a
lead-in always with its list). The main span comes from the passage that answers best; when the
question names no partner, a general passage (doctrine, etiquette, procedure of our own) is
preferred to a partner's note that answers about as well. Other passages add a span only when
they add a fact. A partner's particulars come after the general rule, under a line that names
the partner, so that they are never read as the rule.
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
SPAN_CHARS = 650
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
    if named and general and general[0].relevance >= best.relevance - PARTICULAR_MARGIN:
        main = general[0]  # a partner named: the general rule first, then its particulars
    else:
        main = _main_atom(relevant, hits)
    spans = [_grow(main, by_hit[main.hit_index], limit=max(length - 1, 0))]
    pool = general if named else relevant
    extra = MAX_EXTRA - 1 if named else MAX_EXTRA  # a named partner's particulars follow
    for atom in pool:
        if len(spans) > extra or atom.relevance < main.relevance - EXTRA_MARGIN:
            break
        if any(s.hit_index == atom.hit_index for s in spans) or not _adds(atom, spans):
            continue
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


def _main_atom(ranked: list[Atom], hits: Sequence[Hit]) -> Atom:
    """The best atom; a general one when one answers about as well as a partner's note."""
    best = ranked[0]
    if not partner_of(hits[best.hit_index]):
        return best
    for atom in ranked[1:]:
        if atom.relevance < best.relevance - GENERAL_MARGIN:
            break
        if not partner_of(hits[atom.hit_index]):
            return atom
    return best


def _grow(seed: Atom, passage: list[Atom], limit: int = 3) -> Span:
    """Consecutive atoms of one passage around ``seed``, the more relevant side first, while
    they stay close to the seed's relevance and the span stays short."""
    order = sorted(passage, key=lambda a: (a.group, a.units[0].block))
    at = order.index(seed)
    lo, hi = at, at
    added = 0
    while added < limit:
        options = []
        if lo > 0:
            options.append(("lo", order[lo - 1]))
        if hi < len(order) - 1:
            options.append(("hi", order[hi + 1]))
        options = [
            (side, a) for side, a in options if a.relevance >= seed.relevance - NEIGHBOUR_MARGIN
        ]
        chars = sum(a.chars for a in order[lo : hi + 1])
        options = [(side, a) for side, a in options if chars + a.chars <= SPAN_CHARS]
        if not options:
            break
        side, _ = max(options, key=lambda o: o[1].relevance)
        lo, hi = (lo - 1, hi) if side == "lo" else (lo, hi + 1)
        added += 1
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
