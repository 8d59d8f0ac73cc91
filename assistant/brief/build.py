"""Building a meeting brief for partner P from the audience-safe path only.

Every passage the brief quotes comes through the gated retriever for an audience of P, with
the release rules applied as of the meeting date; every document decision comes from the
rules engine (:func:`assistant.policy.checks.check_document`). Nothing else is read: no text
of a portion that is not ALLOW for P can reach the brief, and a document that is DENY for P
is never named. No language model is needed; sentences are picked, never written, and each
keeps the ``[n]`` of its passage. Registry facts and termbase terms are stated as facts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assistant.answer.routes.base import Knowledge
from assistant.brief.model import SECTION_TITLES, Brief, Paragraph, Section
from assistant.corpus.ledger import Ledger
from assistant.corpus.markings import OWN, Handling, Level
from assistant.corpus.partners import Partner
from assistant.policy.banner import composed_banner
from assistant.policy.gate import Audience
from assistant.retrieval.types import Filters, Hit
from assistant.text import sentences, strip_marking, word_share

FACT = Handling(classification=Level.UNCLASSIFIED, originator=OWN)
"""The handling of a fact from the partner registry or the termbase: the partner's own
particulars and our glossary, stated as facts (docs/briefs.md)."""
LADDER = (
    ("protocol", r"\bprotocol level\b|\blevel zero\b"),
    ("training and technical assistance", r"\btraining and technical assistance\b"),
    ("common knowledge bases", r"\bcommon knowledge bases?\b"),
    ("joint operations", r"\bjoint operations?\b"),
)
_CURRENT = re.compile(r"\b(since|has been|is at|remains|currently|now)\b", re.I)
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_SKIP_TOPICS = frozenset({"etiquette", "reciprocity", "protocol", "interpreting"})


@dataclass
class Context:
    """What a brief is built from, and the citations it has made so far."""

    knowledge: Knowledge
    partner: Partner
    audience: Audience
    topics: tuple[str, ...]
    ledger: Ledger | None
    citations: list[Hit] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.partner.code

    def cite(self, hit: Hit) -> int:
        ids = [h.chunk_id for h in self.citations]
        if hit.chunk_id not in ids:
            self.citations.append(hit)
            return len(self.citations)
        return ids.index(hit.chunk_id) + 1

    def quote(self, hits: Sequence[tuple[Hit, str]], label: str = "") -> Paragraph:
        """A paragraph of passage sentences, each with its ``[n]``, marked with the most
        restrictive handling among them."""
        text = " ".join(f"{_as_sentence(s)} [{self.cite(h)}]" for h, s in hits)
        handling = composed_banner((h.handling for h, _ in hits), self.code)
        return Paragraph(text, handling, label)

    def search(self, query: str, *, k: int = 6, filters: Filters | None = None) -> list[Hit]:
        """Passages for P (gated, rules as of the meeting date)."""
        return self.knowledge.retriever.search(query, self.audience, k=k, filters=filters).hits

    def profile(self) -> list[Hit]:
        """The passages of P's own partner notes that P may see, in document order."""
        manifest = self.knowledge.manifest
        notes = sorted(
            (
                d
                for d, e in manifest.documents.items()
                if e.partner == self.code and e.kind == "partner-note"
            ),
            key=lambda d: (not d.endswith("-profile"), d),
        )
        return self.knowledge.retriever.passages(notes[:1], self.audience) if notes else []


def build_brief(
    knowledge: Knowledge,
    partner: str,
    *,
    meeting: dt.date,
    clearance: Level,
    topics: Iterable[str] = (),
    ledger: Ledger | None = None,
    prepared: dt.date | None = None,
) -> Brief:
    """The brief for a meeting with ``partner`` (a code, service or country) on ``meeting``."""
    from assistant.brief.share import reciprocity, shareable, talking_points, withheld_items

    registry = knowledge.registry
    code = registry.require(partner)
    p = registry.partners[code]
    audience = Audience(clearance, code, registry, meeting)
    ctx = Context(knowledge, p, audience, _topics(knowledge, code, topics), ledger)
    sections = [Section(title) for title in SECTION_TITLES]
    glance(ctx, sections[0])
    etiquette(ctx, sections[1])
    language(ctx, sections[2])
    rulings = shareable(ctx, sections[3])
    withheld, consent_rulings = withheld_items(ctx, sections[4])
    balance = reciprocity(ctx, sections[5])
    talking_points(ctx, sections, withheld, balance)
    return Brief(
        partner=p,
        meeting=meeting,
        prepared=prepared or dt.date.today(),
        topics=ctx.topics,
        sections=sections,
        citations=ctx.citations,
        withheld=withheld,
        balance=balance,
        rulings=rulings + consent_rulings,
    )


def _topics(knowledge: Knowledge, code: str, given: Iterable[str]) -> tuple[str, ...]:
    """The meeting's topics: as given, else the topics of P's partner notes."""
    wanted = tuple(dict.fromkeys(t.strip().lower() for t in given if t.strip()))
    if wanted:
        return wanted
    found: dict[str, None] = {}
    for entry in knowledge.manifest.documents.values():
        if entry.partner == code and entry.kind == "partner-note":
            found |= dict.fromkeys(t for t in entry.topics if t not in _SKIP_TOPICS)
    return tuple(list(found)[:4])


# -- 1. partner at a glance --------------------------------------------------------------------
def glance(ctx: Context, section: Section) -> None:
    p = ctx.partner
    communities = ", ".join(p.communities) or "none"
    facts = (
        f"{p.name} ({p.code}){', ' + p.country if p.country else ''}. Security agreement up to "
        f"{p.agreement_level.value}. TLP:GREEN communities: {communities}."
    )
    section.paragraphs.append(Paragraph(facts, FACT, "Partner"))
    passages = ctx.profile()
    level = _current_level(passages)
    if level is not None:
        name, hit, sentence = level
        para = ctx.quote([(hit, sentence)], "Cooperation level")
        section.paragraphs.append(
            Paragraph(f"{name.capitalize()}. {para.text}", para.handling, para.label)
        )
    else:
        section.note = f"The corpus states no current cooperation level for {p.code}."
    history = _history(passages, exclude=level[2] if level else "")
    if history:
        section.paragraphs.append(ctx.quote(history, "Recent history"))


def _current_level(passages: list[Hit]) -> tuple[str, Hit, str] | None:
    """The rung the profile says the partner is on now: in the last present-tense sentence
    (document order: profiles tell the history forwards) that names a rung, the rung named
    nearest after its tense cue ("has been at", "remains classed as", "since")."""
    found: tuple[str, Hit, str] | None = None
    for hit in passages:
        for sentence in quotable(hit):
            cues = [m.end() for m in _CURRENT.finditer(sentence)]
            if not cues:
                continue
            named = [
                (m.start(), name)
                for name, pattern in LADDER
                for m in re.finditer(pattern, sentence, re.I)
            ]
            after = [(start - cue, name) for start, name in named for cue in cues if start >= cue]
            if after:
                found = (min(after)[1], hit, sentence)
    return found


def _history(passages: list[Hit], exclude: str, n: int = 3) -> list[tuple[Hit, str]]:
    """The most recent dated sentences of the profile's history, oldest of them first."""
    dated: list[tuple[int, int, Hit, str]] = []
    for i, hit in enumerate(passages):
        if "history" not in hit.section.lower() and "level" not in hit.section.lower():
            continue
        for sentence in quotable(hit):
            years = [int(m.group(0)) for m in _YEAR.finditer(sentence)]
            if years and sentence != exclude:
                dated.append((max(years), i, hit, sentence))
    dated.sort(key=lambda d: (d[0], d[1]))
    return [(h, s) for _, _, h, s in dated[-n:]]


# -- 2. protocol and etiquette -----------------------------------------------------------------
ETIQUETTE = (
    ("Forms of address", "address addressee title titles surname first name rank"),
    ("Precedence and seating", "precedence seating seat seated table order place honour"),
    ("Gifts", "gift gifts value euro euros declared accepted threshold"),
    ("Hospitality and dress", "lunch dinner meal toast alcohol dress suit hospitality"),
)
_PARTICULAR = 0.2
"""A partner sentence counts as a particular on a subject when it shares this much of it."""


def etiquette(ctx: Context, section: Section) -> None:
    """For each subject, the partner's particular first (labelled), then the general rule."""
    particulars = [h for h in ctx.profile() if "etiquette" in h.section.lower()]
    used: set[str] = set()
    for label, query in ETIQUETTE:
        own = best_sentence(particulars, query, minimum=_PARTICULAR, skip=used)
        if own is not None:
            used.add(own[1])
            section.paragraphs.append(ctx.quote([own], f"{label}, {ctx.code} particular"))
        general = best_sentence(ctx.search(query, k=4, filters=Filters(kind="etiquette")), query)
        if general is not None:
            quoted = [general, *_figures(general, limit=2)]
            section.paragraphs.append(ctx.quote(quoted, f"{label}, the rule"))
    if not section.paragraphs:
        section.note = f"No etiquette passage may be shown for {ctx.code}."


# -- 3. language plan --------------------------------------------------------------------------
_MODE = re.compile(r"\b(consecutive|simultaneous|whispered|chuchotage)\b", re.I)


def language(ctx: Context, section: Section) -> None:
    from assistant.language.guidance import language_plan
    from assistant.language.names import language_name

    plan = language_plan(ctx.partner)
    working = language_name(plan.working_language) if plan.working_language else "not recorded"
    need = {
        "not-needed": "not needed",
        "on-request": "on request",
        "needed": "needed",
    }[plan.interpreter.value]
    section.paragraphs.append(Paragraph(f"{working}.", FACT, "Working language"))
    section.paragraphs.append(Paragraph(f"{need.capitalize()}. {plan.advice}", FACT, "Interpreter"))
    mode = _mode(ctx) if plan.interpreter.value != "not-needed" else None
    if mode is not None:
        section.paragraphs.append(ctx.quote([mode], "Interpreting mode"))
    terms = _key_terms(ctx, plan.languages)
    if terms:
        section.paragraphs.append(Paragraph("; ".join(terms) + ".", FACT, "Key terms"))


def _mode(ctx: Context) -> tuple[Hit, str] | None:
    """The interpreting mode: the partner's language plan first, then the doctrine."""
    plan = [h for h in ctx.profile() if "language" in h.section.lower()]
    for hits in (plan, ctx.search("interpreting mode consecutive simultaneous", k=4)):
        for hit in hits:
            for sentence in quotable(hit):
                if _MODE.search(sentence):
                    return hit, sentence
    return None


def _key_terms(ctx: Context, languages: Sequence[str]) -> list[str]:
    termbase = ctx.knowledge.termbase
    if termbase is None:
        return []
    wanted = [lang.split("-")[0] for lang in languages if not lang.startswith("en")]
    out: list[str] = []
    for topic in ctx.topics:
        found = termbase.lookup(topic.replace("-", " "))
        if found is None:
            continue
        concept = found.concept
        renderings = [
            f"{lang} {concept.preferred(lang)}" for lang in wanted if concept.preferred(lang)
        ]
        if renderings:
            out.append(f"{concept.preferred('en') or concept.id} — {', '.join(renderings)}")
    return out


# -- helpers -----------------------------------------------------------------------------------
_FIGURE = re.compile(r"\d")


def _figures(chosen: tuple[Hit, str], limit: int) -> list[tuple[Hit, str]]:
    """The sentences after ``chosen`` in its passage that hold a figure (a value, a number of
    days), when ``chosen`` itself holds none: a rule's numbers come with it."""
    hit, sentence = chosen
    if _FIGURE.search(sentence):
        return []
    rest = quotable(hit)
    after = rest[rest.index(sentence) + 1 :] if sentence in rest else []
    return [(hit, s) for s in after if _FIGURE.search(s)][:limit]


def quotable(hit: Hit) -> list[str]:
    return [strip_marking(s) for s in sentences(hit.text) if len(s) >= 20 and "|" not in s]


def best_sentence(
    hits: Iterable[Hit], query: str, *, minimum: float = 0.0, skip: set[str] | None = None
) -> tuple[Hit, str] | None:
    """The sentence among ``hits`` sharing most of ``query``'s words, earliest on ties (none:
    no sentence shares more than ``minimum``); sentences in ``skip`` are passed over."""
    scored = [
        (word_share(query, s), -i, -j, h, s)
        for i, h in enumerate(hits)
        for j, s in enumerate(quotable(h))
        if not skip or s not in skip
    ]
    scored = [x for x in scored if x[0] > minimum]
    if not scored:
        return None
    top = max(scored, key=lambda x: x[:3])
    return top[3], top[4]


def _as_sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
