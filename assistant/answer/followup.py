"""Follow-up questions in a conversation, resolved without a model.

After "What gifts are appropriate for XBO?", the officer asks "and for XMA?", "what about
dinners?", "same for Borealia", "és az XMA?", "und für XBO?" or "et pour XMA ?". Such an
elliptic follow-up is recognised by a few patterns per language and resolved against the
previous turn:

* a partner in the follow-up replaces the partner of the previous question
  ("What gifts are appropriate for XMA?");
* anything else is a new topic, asked about the partner the conversation carries
  ("What about dinners for XBO?");
* the audience is kept, unless the follow-up names a partner and the previous turn had an
  audience: then the audience moves to the new partner when the follow-up says "for" (für,
  pour, para, för, -nak/-nek/-ra/-re...) or when the replaced partner was the audience itself.

Anything that is not recognised as a follow-up is a new question, asked as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from assistant.corpus.partners import Registry
from assistant.text import ALL_STOPWORDS, ARTICLES, fold_chars

Kind = Literal["new", "partner", "topic"]
MAX_FOLLOWUP_WORDS = 5
"""A follow-up's remainder ("for XMA", "the gifts") is short; longer text is a new question."""


@dataclass(frozen=True)
class Resolved:
    """A question as it is to be asked: the resolved text, the audience and the partner."""

    question: str
    audience: str | None
    partner: str | None
    original: str = ""
    """What the officer typed."""
    kind: Kind = "new"
    partners: tuple[str, ...] = ()
    """Every partner the resolved question mentions, in order of first mention."""
    topic: tuple[str, ...] = ()
    """The resolved question's content words (no stop words, no partner names)."""
    focus: str | None = None
    """The topic phrase a topic follow-up asked about ("dinners")."""

    @property
    def is_followup(self) -> bool:
        return self.kind != "new"


@dataclass(frozen=True)
class Turn:
    question: str
    resolved: str
    partners: tuple[str, ...]
    audience: str | None
    topic: tuple[str, ...]
    partner: str | None = None
    focus: str | None = None


@dataclass
class Conversation:
    """The turns so far and the audience the next question is asked for. A UI that lets the
    officer pick the audience sets :attr:`audience`; :meth:`add` moves it with each turn."""

    turns: list[Turn] = field(default_factory=list)
    audience: str | None = None

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    def add(self, resolved: Resolved) -> Turn:
        turn = Turn(
            question=resolved.original or resolved.question,
            resolved=resolved.question,
            partners=resolved.partners,
            audience=resolved.audience,
            topic=resolved.topic,
            partner=resolved.partner,
            focus=resolved.focus,
        )
        self.turns.append(turn)
        self.audience = resolved.audience
        return turn

    def clear(self) -> None:
        self.turns.clear()


# -- patterns ------------------------------------------------------------------------------

_FOR = {"for", "für", "fur", "pour", "para", "för"}
_HU_FOR = re.compile(r"(?:-|\s)(?:nak|nek|ra|re|számára|szamara)\b", re.IGNORECASE)


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# (language, pattern): group "x" is the remainder, group "prep" an optional preposition.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("en", _p(r"^(?:and\s+)?(?:what|how)\s+about\s+(?:(?P<prep>for|with)\s+)?(?P<x>.+)$")),
    ("en", _p(r"^(?:and\s+)?(?:the\s+)?same\s+(?:question\s+|thing\s+|again\s+)?"
              r"(?P<prep>for|with|about|regarding)\s+(?P<x>.+)$")),
    ("en", _p(r"^(?:and|&)\s+(?:(?P<prep>for|with|about|regarding|in|at|to)\s+)?(?P<x>.+)$")),
    ("de", _p(r"^(?:und\s+)?(?:was|wie)\s+(?:ist\s+(?:es\s+)?)?mit\s+(?P<x>.+)$")),
    ("de", _p(r"^(?:und\s+)?(?:dasselbe|das\s+gleiche|gleiches|genauso)\s+"
              r"(?P<prep>für|fur|bei|mit)\s+(?P<x>.+)$")),
    ("de", _p(r"^und\s+(?:(?P<prep>für|fur|bei|mit|zu|über|uber)\s+)?(?P<x>.+)$")),
    ("fr", _p(r"^(?:et\s+)?qu['’]en\s+est-il\s+(?:(?P<prep>pour)\s+|de\s+|du\s+|des\s+|d['’])?"
              r"(?P<x>.+)$")),
    ("fr", _p(r"^(?:et\s+)?(?:la\s+)?m[êe]me\s+chose\s+(?P<prep>pour|avec|chez)\s+(?P<x>.+)$")),
    ("fr", _p(r"^et\s+(?:(?P<prep>pour|avec|chez|sur|concernant)\s+)?(?P<x>.+)$")),
    ("hu", _p(r"^(?:és\s+)?mi\s+a\s+helyzet\s+(?P<x>.+)$")),
    ("hu", _p(r"^(?:és\s+)?ugyan(?:ez|így|igy)\s+(?P<x>.+)$")),
    # Only "és" with its accent: a Spanish question may begin with "es".
    ("hu", _p(r"^és\s+(?P<x>.+)$")),
    ("es", _p(r"^(?:y\s+)?qu[ée]\s+(?:pasa|hay)\s+con\s+(?P<x>.+)$")),
    ("es", _p(r"^(?:y\s+)?lo\s+mismo\s+(?P<prep>para|con)\s+(?P<x>.+)$")),
    ("es", _p(r"^y\s+(?:(?P<prep>para|con|sobre|en)\s+)?(?P<x>.+)$")),
    ("sv", _p(r"^(?:och\s+)?hur\s+är\s+det\s+med\s+(?P<x>.+)$")),
    ("sv", _p(r"^(?:och\s+)?samma\s+(?:sak\s+)?(?P<prep>för|for|med)\s+(?P<x>.+)$")),
    ("sv", _p(r"^och\s+(?:(?P<prep>för|for|med|om)\s+)?(?P<x>.+)$")),
]  # fmt: skip

# Words that open a full question: "and what is the protocol for XBO?" is not elliptic.
_QUESTION_START = set(
    """what how who whom which when where why is are was were do does did can could should
    must may might will would shall i we you it there
    was wie wer wen wem welche welcher welches wann wo warum ist sind kann muss darf soll gibt
    ich wir
    que quoi qui quel quelle quels quelles comment quand pourquoi est sont peut doit faut je
    nous il
    mi mit mik ki kik hogyan hogy miert mikor hol melyik milyen kell lehet van vannak
    que quien como cuando donde cual cuales por es son puede debe hay
    vad vem hur varfor nar vilken vilka ar kan ska maste jag vi""".split()
)


# Stop words for the topic words of a turn (folded): function words of the core languages and
# the words a follow-up is made of.
_STOP = ALL_STOPWORDS | {"same", "also", "again", "question", "thing", "helyzet"}

# How a topic follow-up is put as a full question, in the follow-up's own language.
_TOPIC_TEMPLATE = {
    "en": ("What about {topic} for {partner}?", "What about {topic}?"),
    "de": ("Und {topic} bei {partner}?", "Und {topic}?"),
    "fr": ("Et {topic} pour {partner} ?", "Et {topic} ?"),
    "hu": ("És {topic} ({partner})?", "És {topic}?"),
    "es": ("¿Y {topic} para {partner}?", "¿Y {topic}?"),
    "sv": ("Och {topic} för {partner}?", "Och {topic}?"),
}
# How a partner is added to a question that named none: "... for XMA?".
_ADD_PARTNER = {"en": "for", "de": "für", "fr": "pour", "es": "para", "sv": "för"}


@dataclass(frozen=True)
class _Ellipsis:
    language: str
    rest: str
    explicit_for: bool


def _match(question: str) -> _Ellipsis | None:
    text = " ".join(question.split()).strip()
    text = text.lstrip("¿¡ ").rstrip(" ?!.…")
    for language, pattern in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        rest = m.group("x").strip(" ,;:")
        words = rest.split()
        if not words or len(words) > MAX_FOLLOWUP_WORDS:
            continue
        first = fold_chars(words[0])
        if first.strip("'’") in _QUESTION_START and first not in ARTICLES:
            continue
        prep = (m.groupdict().get("prep") or "").lower()
        explicit = prep in _FOR or (language == "hu" and bool(_HU_FOR.search(rest)))
        return _Ellipsis(language, rest, explicit)
    return None


# -- resolving -----------------------------------------------------------------------------


def resolve(question: str, conversation: Conversation, registry: Registry) -> Resolved:
    """The question to ask, the audience to ask it for and the partner it is about.

    A follow-up is only recognised when there is a previous turn; every other question is
    returned as typed, for the conversation's current audience."""
    text = " ".join(question.split())
    previous = conversation.last
    found = _match(text) if previous is not None else None
    if previous is None or found is None:
        return _new(text, conversation.audience, registry)

    named = registry.find_in_text(found.rest)
    topic_words = _remainder(found.rest, named, registry)
    audience = conversation.audience
    if not named:
        partner = previous.partner
        resolved = _topic_question(found, topic_words, partner)
        return _make(resolved, text, audience, partner, "topic", registry, focus=topic_words)

    new = named[0]
    old = _replaced_partner(previous, audience)
    if audience is not None and (found.explicit_for or old is None or old == audience):
        audience = new
    if topic_words:
        resolved = _topic_question(found, topic_words, new)
        return _make(resolved, text, audience, new, "topic", registry, focus=topic_words)
    if old is not None:
        resolved = replace_partner(previous.resolved, old, new, registry)
    elif audience == new:
        resolved = previous.resolved  # the same question, now for the new audience
    else:
        resolved = add_partner(previous.resolved, new, found.language)
    return _make(resolved, text, audience, new, "partner", registry, focus=previous.focus)


def _new(text: str, audience: str | None, registry: Registry) -> Resolved:
    partners = tuple(registry.find_in_text(text))
    return Resolved(
        question=text,
        audience=audience,
        partner=partners[0] if partners else None,
        original=text,
        partners=partners,
        topic=topic_words(text, partners, registry),
    )


def _make(
    resolved: str,
    original: str,
    audience: str | None,
    partner: str | None,
    kind: Kind,
    registry: Registry,
    *,
    focus: str | None,
) -> Resolved:
    partners = tuple(registry.find_in_text(resolved))
    return Resolved(
        question=resolved,
        audience=audience,
        partner=partner,
        original=original,
        kind=kind,
        partners=partners,
        topic=topic_words(resolved, partners, registry),
        focus=focus or None,
    )


def _replaced_partner(previous: Turn, audience: str | None) -> str | None:
    """The partner of the previous question a new partner replaces: the audience if the
    question named it, else its first partner."""
    if audience is not None and audience in previous.partners:
        return audience
    return previous.partners[0] if previous.partners else None


def _remainder(rest: str, named: list[str], registry: Registry) -> str:
    """What a follow-up says besides its partner: "gifts" in "gifts for XMA"."""
    for code in named:
        rest = _mask(rest, code, registry, "")
    rest = _HU_FOR.sub(" ", rest)
    rest = re.sub(r"^\s*['’]s\b", "", rest)  # "XBO's rules" -> "rules"
    words = [w for w in re.split(r"\s+", rest.strip(" ,;:-?")) if w]
    while words and (fold_chars(words[-1]) in _STOP or fold_chars(words[-1]) in ARTICLES):
        words.pop()
    # A leading article stays ("the gifts", "les cadeaux"); a leading preposition goes.
    while words and fold_chars(words[0]) in _STOP and fold_chars(words[0]) not in ARTICLES:
        words.pop(0)
    return " ".join(words) if any(fold_chars(w) not in _STOP for w in words) else ""


def _topic_question(found: _Ellipsis, topic: str, partner: str | None) -> str:
    """A topic follow-up as a full question in its own language, about the carried partner.
    (Splicing the topic into the previous question would need to know which of its words were
    the topic; a template is predictable and retrieves as well.)"""
    with_partner, without = _TOPIC_TEMPLATE[found.language]
    if partner:
        return with_partner.format(topic=topic, partner=partner)
    return without.format(topic=topic)


def add_partner(question: str, code: str, language: str) -> str:
    stem = question.rstrip(" ?!.")
    mark = question[len(stem) :].strip() or "?"
    prep = _ADD_PARTNER.get(language)
    return f"{stem} {prep} {code}{mark}" if prep else f"{stem} ({code}){mark}"


def replace_partner(text: str, old: str, new: str, registry: Registry) -> str:
    """``text`` with every mention of partner ``old`` (code, service, country or adjective)
    replaced by the code ``new``."""
    return _mask(text, old, registry, new)


def _mask(text: str, code: str, registry: Registry, by: str) -> str:
    spans = _mentions(text, code, registry)
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + by + text[end:]
    return re.sub(r"\s{2,}", " ", text).strip() if not by else text


def _mentions(text: str, code: str, registry: Registry) -> list[tuple[int, int]]:
    """Non-overlapping spans of ``text`` that mention the partner ``code``."""
    folded = fold_chars(text)
    patterns = [rf"\b{re.escape(code.lower())}\b"]
    partner = registry.get(code)
    if partner is not None:
        patterns.append(rf"\b{re.escape(fold_chars(partner.name))}\b")
        if partner.country:
            country = fold_chars(partner.country)
            patterns.append(rf"\b{re.escape(country)}\w*")
            if len(country) > 5:
                patterns.append(rf"\b{re.escape(country[:-1])}\w*")
    spans: list[tuple[int, int]] = []
    for pattern in patterns:
        for m in re.finditer(pattern, folded):
            if all(m.end() <= s or m.start() >= e for s, e in spans):
                spans.append((m.start(), m.end()))
    return spans


def topic_words(text: str, partners: tuple[str, ...], registry: Registry) -> tuple[str, ...]:
    """The content words of ``text``: folded, no stop words, no partner mentions."""
    for code in partners:
        text = _mask(text, code, registry, " ")
    words = re.findall(r"\w+", fold_chars(text))
    seen = dict.fromkeys(w for w in words if w not in _STOP and len(w) > 1 and not w.isdigit())
    return tuple(seen)
