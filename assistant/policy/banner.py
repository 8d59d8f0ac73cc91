"""The banner of a document we compose (a brief, an export): the most restrictive handling of
everything it quotes, computed, never defaulted.

* the level is the highest level quoted; anything unmarked makes the whole UNMARKED;
* REL TO is what every quoted classified portion allows: the intersection of their REL TO
  lists, plus the audience the composition was made for (each quoted portion was decided
  ALLOW for it by the rules engine, which is what REL TO records);
* ORCON when any quoted portion is ORCON; the strictest TLP label quoted.
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.corpus.markings import OWN, UNMARKED, Handling, Level, Tlp

_TLP_ORDER = [Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED]


def composed_banner(handlings: Iterable[Handling], audience: str | None = None) -> Handling:
    """The banner for a composition quoting portions of ``handlings`` for ``audience``."""
    quoted = list(handlings)
    if not quoted:
        return Handling(classification=Level.UNCLASSIFIED, originator=OWN)
    if any(not h.is_marked for h in quoted):
        return UNMARKED
    level = max((h.effective_level() for h in quoted), key=lambda lvl: lvl.rank)
    classified = [h for h in quoted if h.classification is not Level.UNCLASSIFIED]
    rel_to: set[str] | None = None
    for h in classified:
        rel_to = set(h.rel_to) if rel_to is None else rel_to & set(h.rel_to)
    codes = set(rel_to or ())
    if audience and level is not Level.UNCLASSIFIED:
        codes.add(audience)
    tlps = [h.tlp for h in quoted if h.tlp is not None]
    return Handling(
        classification=level,
        originator=OWN,
        rel_to=tuple(sorted(codes)) if level is not Level.UNCLASSIFIED else (),
        orcon=any(h.orcon for h in quoted),
        tlp=max(tlps, key=_TLP_ORDER.index) if tlps else None,
        community=next((h.community for h in quoted if h.tlp is Tlp.GREEN), None),
    )


def portion_mark(handling: Handling) -> str:
    """A paragraph's portion mark as marked documents write it: ``(R)``, ``(C//REL TO XBO)``."""
    if not handling.is_marked or handling.classification is None:
        return "(UNMARKED)"
    parts = [handling.classification.short]
    if handling.rel_to and handling.classification is not Level.UNCLASSIFIED:
        parts.append("REL TO " + ", ".join(handling.rel_to))
    if handling.orcon:
        parts.append("ORCON")
    if handling.tlp is not None:
        parts.append(f"TLP:{handling.tlp.value}")
    return "(" + "//".join(parts) + ")"
