"""Recognising a release question: "Can I share the XBO threat assessment with XNE?".

Fixed patterns, never a model: the question is brought to a canonical "can I ..." form, split
into what is to be shared and who it is for, and the recipient is resolved in the partner
registry (an unregistered code such as XQQ is kept, to be denied). What the question is about
is a document (by id or title words) or a topic. The answer is built in :mod:`assistant.sharing`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Literal

from assistant.corpus.partners import Registry

Mode = Literal["document", "topic"]

_VERB = (
    r"(?:share|pass(?:\s+on)?|give|send|release|forward|disclose|show|provide|hand(?:\s+over)?"
    r"|tell|transmit|communicate|circulate)"
)
_MODAL = r"(?:can|may|could|might|should|shall)"
_ASKER = r"(?:i|we)(?:\s+(?:still|now|also|legally|safely))?"
_ABOUT = r"(?:about|on|regarding|concerning|relating\s+to|in\s+relation\s+to|from)"
_PARTICIPLE = (
    r"(?:shared|passed(?:\s+on)?|given|released|sent|forwarded|disclosed|shown|provided"
    r"|handed\s+over|go|goes)"
)
_RELEASABLE = (
    r"(?:releasable|releaseable|shareable|sharable|cleared(?:\s+for\s+release)?|ok|okay|fine"
    r"|allowed|approved)"
)

# Ways of asking "can I" that say the same thing.
_CANONICAL = (
    (
        re.compile(
            r"^(?:am\s+i|are\s+we)\s+(?:allowed|permitted|authori[sz]ed|cleared|free)\s+to\s+", re.I
        ),
        "can i ",
    ),
    (
        re.compile(
            r"^(?:is\s+it|would\s+it\s+be)\s+(?:ok|okay|all\s+right|alright|fine|allowed|permitted"
            r"|possible|acceptable)\s+(?:for\s+(?:me|us)\s+)?to\s+",
            re.I,
        ),
        "can i ",
    ),
    (
        re.compile(r"^do\s+(?:i|we)\s+need\s+(?:the\s+originator'?s?\s+)?consent\s+to\s+", re.I),
        "can i ",
    ),
    (re.compile(r"^(?:please\s+)?(?:tell\s+me\s+)?", re.I), ""),
)

_CAN_I = re.compile(rf"^{_MODAL}\s+{_ASKER}\s+{_VERB}\s+(?P<rest>.+)$", re.I)
_WHAT = re.compile(
    rf"^what\s+(?:else\s+)?(?:(?:information|material|intelligence|documents?|reports?)\s+)?"
    rf"{_MODAL}\s+{_ASKER}\s+{_VERB}\s+(?P<rest>.+)$",
    re.I,
)
_IS_RELEASABLE = re.compile(
    rf"^(?:is|are)\s+(?P<topic>.+?)\s+{_RELEASABLE}\s+(?:for\s+release\s+)?(?:to|with|for)\s+"
    rf"(?P<partner>.+)$",
    re.I,
)
_CAN_IT = re.compile(
    rf"^{_MODAL}\s+(?P<topic>.+?)\s+(?:be\s+)?{_PARTICIPLE}\s+(?:on\s+)?(?:to|with)\s+"
    rf"(?P<partner>.+)$",
    re.I,
)
_TO = re.compile(r"\s+(?:with|to)\s+", re.I)
_ABOUT_SEP = re.compile(rf"\s+{_ABOUT}\s+", re.I)
_LEAD_TO = re.compile(r"^(?:with|to)\s+", re.I)
_LEAD_ABOUT = re.compile(rf"^{_ABOUT}\s+", re.I)
_SHORT_ABOUT = re.compile(rf"^(?P<partner>\S+(?:\s+\S+)?)\s+{_ABOUT}\s+(?P<topic>.+)$", re.I)
_TOPIC_ABOUT = re.compile(
    rf"^(?:anything|something|information|material|intelligence)\s+{_ABOUT}\s+(?P<topic>.+)$",
    re.I,
)

_LEADING = re.compile(
    r"^(?:(?:all|any|some|everything|anything)\s+(?:of\s+)?)?(?:the|a|an|our|my|this|that|these"
    r"|those|its|their)\s+",
    re.I,
)
_ANYTHING = re.compile(
    r"^(?:anything|everything|something|it|this|that|them|all|any(?:thing)?\s+at\s+all)$", re.I
)
# Things one shares that are not information: such questions are for the etiquette corpus.
_NOT_INFORMATION = re.compile(
    r"\b(?:meal|lunch|dinner|breakfast|drink|coffee|table|taxi|car|ride|room|hotel|office|gift"
    r"s?|toast|joke|umbrella|screen|desk|flat)\b",
    re.I,
)
_CODE_LIKE = re.compile(r"\b[A-Z]{3}\b")
_NOT_CODES = frozenset({"THE", "AND", "FOR", "ALL", "ANY", "OUR", "TLP", "OWN", "REL", "ORCON"})


@dataclass(frozen=True)
class ReleaseQuestion:
    """A recognised release question: who it is for and what it is about."""

    recipients: tuple[str, ...]
    """Known partner codes, in order of mention."""
    unknown: tuple[str, ...]
    """Recipient codes that are not in the registry (each is an ``unknown-recipient`` DENY)."""
    topic: str
    mode: Mode


def parse_release_question(question: str, registry: Registry) -> ReleaseQuestion | None:
    """Recognise a release question; None when the text is not one (or names no recipient)."""
    text = " ".join(question.split()).strip().rstrip("?!. ").strip()
    for pattern, repl in _CANONICAL:
        text = pattern.sub(repl, text, count=1)
    found: tuple[str, str, Mode] | None = None
    for strict in (True, False):
        # First look for a registered partner; only then for an unknown code such as XQQ.
        found = _split(text, partial(_names_recipient, registry, strict=strict))
        if found is not None:
            break
    if found is None:
        return None
    topic, partner, mode = found
    topic = _clean_topic(topic)
    if _NOT_INFORMATION.search(topic) or topic.lower() in ("i", "we", "you"):
        return None
    recipients = tuple(registry.find_in_text(partner))
    unknown: tuple[str, ...] = ()
    if not recipients:
        unknown = tuple(dict.fromkeys(_codes(partner)))
        if not unknown:
            return None
    return ReleaseQuestion(recipients, unknown, topic, mode)


def _names_recipient(registry: Registry, text: str, strict: bool) -> bool:
    return bool(registry.find_in_text(text)) or (not strict and bool(_codes(text)))


def _codes(text: str) -> list[str]:
    return [c for c in _CODE_LIKE.findall(text) if c not in _NOT_CODES]


def _cuts(text: str, sep: re.Pattern[str]) -> list[tuple[str, str]]:
    """Every (left, right) split of ``text`` at ``sep``, the last split first."""
    return [(text[: m.start()], text[m.end() :]) for m in reversed(list(sep.finditer(text)))]


def _split(text: str, names: Callable[[str], bool]) -> tuple[str, str, Mode] | None:
    """(topic, recipient text, mode) from a canonical question; ``names`` tells whether a piece
    of text names a recipient."""
    match = _WHAT.match(text)
    if match:
        rest = _LEAD_TO.sub("", match.group("rest"))
        if _LEAD_ABOUT.match(rest):  # "about money laundering with XBO"
            body = _LEAD_ABOUT.sub("", rest)
            for topic, partner in _cuts(body, _TO):
                if names(partner):
                    return topic, partner, "topic"
        for partner, topic in reversed(_cuts(rest, _ABOUT_SEP)):  # "XBO about money laundering"
            if names(partner):
                return topic, partner, "topic"
        return ("", rest, "topic") if names(rest) else None
    match = _CAN_I.match(text)
    if match:
        rest = match.group("rest")
        words = rest.split()
        if _LEAD_TO.match(rest):  # "with XBO the threat assessment"
            words = words[1:]
            for n in (1, 2, 3):
                if len(words) > n and names(" ".join(words[:n])):
                    return " ".join(words[n:]), " ".join(words[:n]), "document"
        short = _SHORT_ABOUT.match(rest)
        if short and names(short.group("partner")):  # "XBO about money laundering"
            return short.group("topic"), short.group("partner"), "topic"
        for topic, partner in _cuts(rest, _TO):  # "the threat assessment to XNE"
            if names(partner):
                about = _TOPIC_ABOUT.match(topic)
                if about:
                    return about.group("topic"), partner, "topic"
                return topic, partner, "document"
        for partner, topic in reversed(_cuts(rest, _ABOUT_SEP)):  # "the Borealian service about"
            if names(partner):
                return topic, partner, "topic"
        if not _TO.search(rest):  # "XBO the threat assessment"
            for n in (1, 2):
                if len(words) > n and names(" ".join(words[:n])):
                    return " ".join(words[n:]), " ".join(words[:n]), "document"
        return None
    for pattern in (_IS_RELEASABLE, _CAN_IT):
        match = pattern.match(text)
        if match and names(match.group("partner")):
            return match.group("topic"), match.group("partner"), "document"
    return None


def _clean_topic(topic: str) -> str:
    topic = topic.strip().strip("\"'“”‘’").strip()
    previous = None
    while previous != topic:
        previous = topic
        topic = _LEADING.sub("", topic).strip()
    return "" if _ANYTHING.match(topic) else topic
