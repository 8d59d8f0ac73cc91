"""Release questions, answered by the rules engine and never by a model.

"Can I share the XBO threat assessment with XNE?", "May I pass the migration report to
Veridia?", "What may I give XBO about money laundering?", "Is the migration report releasable to
XVE?". The question is recognised by :mod:`assistant.releasequestion`; the documents are found
by id or title words (or, for a topic, by retrieval within the user's clearance), and each
document is decided with :func:`assistant.release.check_document`.

What the answer may say: document titles and ids, decisions and their reasons, and the names of
the sections that are ALLOW for the recipient. It never quotes a document: its only quoted text
is the handling doctrine it cites, and those citations are hits that passed the gate for the
question's audience and for the recipient named in the question.
"""

from __future__ import annotations

from typing import Any

from assistant.answer.routes.base import Knowledge
from assistant.answer.types import Answer, Ruling
from assistant.corpus.catalogue import DocEntry
from assistant.policy.checks import (
    BANNER,
    CONSENT_PROCEDURE,
    DocumentCheck,
    check_document,
    doc_within_clearance,
    documents_named,
)
from assistant.policy.gate import Audience, admit
from assistant.policy.questions import ReleaseQuestion, parse_release_question
from assistant.policy.rules import Outcome
from assistant.retrieval.types import Filters, Hit, Withheld
from assistant.text import sentences, strip_marking

MAX_DOCUMENTS = 8
DOCTRINE = (
    "release-rules-explained",
    "handling-model",
    CONSENT_PROCEDURE,
    "sharing-checklist",
    "tlp-2",
)
"""The handling doctrine an answer cites, in order of preference."""

RULE_QUERIES = {
    "unmarked": "unmarked rule denies a portion with no handling or a missing classification",
    "unknown-recipient": "unknown-recipient rule denies a recipient not in the partner registry",
    "agreement": "agreement rule denies a portion classified above the recipient agreement level",
    "originator": "originator rule allows a portion to go back to the partner that originated it",
    "consent": "consent rule allows foreign material when a consent for the recipient is recorded",
    "rel-to": "rel-to rule stops a classified portion when the recipient is not in its REL TO",
    "third-party": "third-party rule asks the originator's consent on ORCON foreign material",
    "tlp-green": "tlp-green rule consent for TLP:GREEN material outside its community",
    "orcon-own": "orcon-own rule denies our own ORCON portion to a recipient not in REL TO",
    "releasable": "releasable rule allows every portion that no earlier rule has decided",
}
CONSENT_QUERY = "how to request the originator's consent through the liaison channel"

# -- finding the documents -------------------------------------------------------------------


def find_documents(
    assistant: Knowledge,
    question: ReleaseQuestion,
    audience: Audience,
    filters: Filters,
) -> list[str]:
    """The documents a release question is about, most relevant first, within the clearance."""
    manifest = assistant.manifest
    registry = assistant.registry
    named = [
        d
        for d in documents_named(manifest, registry, question.topic)
        if filters.matches(_meta(manifest.documents[d]))
    ]
    found: list[str] = list(named)
    if question.topic and (question.mode == "topic" or not named):
        own = Audience(audience.clearance, None, audience.registry, audience.today)
        result = assistant.retriever.search(question.topic, own, k=12, filters=filters)
        best: dict[str, float] = {}
        for hit in result.hits:
            if hit.dense is not None:
                best[hit.doc_id] = max(best.get(hit.doc_id, 0.0), hit.dense)
        if best:
            # Keep the documents close to the best match: retrieval always returns k hits,
            # relevant or not.
            floor = max(0.35, max(best.values()) - 0.1)
            for hit in result.hits:
                if best.get(hit.doc_id, 0.0) >= floor and hit.doc_id not in found:
                    found.append(hit.doc_id)
    visible = [
        d
        for d in found
        if d in manifest.documents
        and doc_within_clearance(manifest.documents[d], audience.clearance)
    ]
    return visible[:MAX_DOCUMENTS]


def _meta(entry: DocEntry) -> dict[str, Any]:
    return {
        "partner": entry.partner or "",
        "kind": entry.kind,
        "topics": "," + ",".join(entry.topics) + ",",
    }


# -- the answer ------------------------------------------------------------------------------


class _Doctrine:
    """The doctrine passages an answer quotes, numbered in order of use. Each passage passed the
    gate for the question's audience and for every recipient named in the question."""

    def __init__(self, assistant: Knowledge, audiences: list[Audience]) -> None:
        self.assistant = assistant
        self.audiences = audiences
        self.hits: list[Hit] = []
        # No doctrine in this store (a test or partial corpus): no need to search for it.
        self.available = any(d in assistant.manifest.documents for d in DOCTRINE)

    def quote(self, label: str, query: str, *, prefer: str | None = None, section: str = "") -> str:
        """``"<label>. <the passage's first sentence> [n]."``, or "" when no passage may be shown.
        The quoted sentence is the cited passage's own, so the mark is supported by construction.
        """
        hit = self._find(query, prefer, section) if self.available and query else None
        if hit is None:
            return ""
        first = strip_marking((sentences(hit.text) or [hit.text])[0]).strip().rstrip(".;:")
        if hit not in self.hits:
            self.hits.append(hit)
        return f"{label}. {first} [{self.hits.index(hit) + 1}]."

    def _find(self, query: str, prefer: str | None, section: str) -> Hit | None:
        result = self.assistant.retriever.search(
            query, self.audiences[0], k=8, filters=Filters(topic="sharing")
        )
        hits = [h for h in result.hits if h.doc_id in DOCTRINE]
        for audience in self.audiences[1:]:
            hits = admit(hits, audience)
        if not hits:
            return None

        def rank(hit: Hit) -> tuple[int, int, int]:
            return (
                0 if prefer and hit.doc_id == prefer else 1,
                0 if section and section in hit.section.lower() else 1,
                DOCTRINE.index(hit.doc_id),
            )

        return min(hits, key=rank)


def route(
    assistant: Knowledge, question: str, audience: Audience, filters: Filters
) -> Answer | None:
    """The release-question route (:data:`assistant.pipeline.Route`): an answer decided by the
    rules engine, or None when ``question`` is not a release question."""
    parsed = parse_release_question(question, assistant.registry)
    if parsed is None:
        return None
    recipients = parsed.recipients or parsed.unknown
    if audience.partner is not None and any(r != audience.partner for r in recipients):
        return _other_audience(question, audience, recipients)
    if not parsed.recipients:
        return _unknown(question, audience, parsed)
    docs = find_documents(assistant, parsed, audience, filters)
    if not docs:
        return _nothing_found(question, audience, parsed)
    lines, withheld, rules, consent, rulings = _decisions(assistant, parsed, docs, audience)
    doctrine = _Doctrine(
        assistant,
        [
            audience,
            *(
                Audience(audience.clearance, r, audience.registry, audience.today)
                for r in parsed.recipients
            ),
        ],
    )
    quotes = [
        doctrine.quote(f"Rule {rule}", RULE_QUERIES.get(rule, ""), section=rule) for rule in rules
    ]
    if consent:
        quotes.append(doctrine.quote("Consent", CONSENT_QUERY, prefer=CONSENT_PROCEDURE))
    quotes = [q for q in quotes if q]
    if quotes:
        lines += ["", "What the handling doctrine says", "", *quotes]
    return Answer(
        question=question,
        audience=audience.partner,
        text="\n".join(lines),
        citations=admit(doctrine.hits, audience),
        abstained=False,
        withheld=withheld,
        kind="release",
        evidence=1.0,
        rulings=rulings,
    )


def _decisions(
    assistant: Knowledge, parsed: ReleaseQuestion, docs: list[str], audience: Audience
) -> tuple[list[str], list[Withheld], list[str], bool, list[Ruling]]:
    """The decision lines for every recipient, the documents withheld for consent, the rules
    that decided (in order), whether some document needs consent, and every decision made."""
    lines: list[str] = []
    withheld: list[Withheld] = []
    rules: dict[str, None] = {}
    consent = False
    rulings: list[Ruling] = []
    for recipient in parsed.recipients:
        checks = [
            check_document(
                assistant.manifest, d, recipient, audience.today, clearance=audience.clearance
            )
            for d in docs
        ]
        if lines:
            lines.append("")
        stated, asked = _recipient_lines(checks, parsed, audience, lines)
        rules |= dict.fromkeys(stated)
        consent = consent or asked
        for c in checks:
            rulings.append(Ruling(c.doc_id, c.to, c.outcome.value, c.decision.rule))
            w = _withheld(c)
            if c.outcome is Outcome.NEEDS_CONSENT and w not in withheld:
                withheld.append(w)
    return lines, withheld, list(rules), consent, rulings


def _recipient_lines(
    checks: list[DocumentCheck], parsed: ReleaseQuestion, audience: Audience, lines: list[str]
) -> tuple[list[str], bool]:
    """Append the decisions for one recipient to ``lines``; return the rules they rest on and
    whether some need consent."""
    first = checks[0]
    about = f' about "{parsed.topic}"' if parsed.mode == "topic" and parsed.topic else ""
    lines.append(
        f"Release to {first.recipient_label()}{about}, decided by the release rules on "
        f"{audience.today.isoformat()}, document by document:"
    )
    officer = audience.partner is None
    rules: list[str] = []
    consent_needed = False
    for check in sorted(checks, key=lambda c: c.outcome.severity):
        if check.outcome is not Outcome.DENY or officer:
            rules.append(check.decision.rule)
        if check.outcome is Outcome.ALLOW:
            lines.append(f"- May be given: {_name(check)}, {_why(check)}")
        elif check.outcome is Outcome.NEEDS_CONSENT:
            lines.append(_consent_line(check))
        elif officer:
            lines.append(_denied_line(check))
        else:
            lines += _denied_for_partner(check)
        consent_needed = consent_needed or bool(check.sections_with(Outcome.NEEDS_CONSENT))
        consent_needed = consent_needed or check.outcome is Outcome.NEEDS_CONSENT
    if consent_needed:
        lines.append(
            "Consent is asked of the originator through the liaison channel, and nothing is "
            "passed before it is recorded and the check says ALLOW."
        )
    lines.append(
        "Pass only what is ALLOW, with its markings kept; `liaison check DOC_ID --to "
        f"{first.to}` gives the decision for every portion."
    )
    return rules, consent_needed


def _name(check: DocumentCheck) -> str:
    return f'"{check.title}" ({check.doc_id})'


def _why(check: DocumentCheck) -> str:
    return f"under rule {check.decision.rule}. {check.basis}"


def _consent_line(check: DocumentCheck) -> str:
    """A document that needs the originator's consent: whom to ask, and what may go now."""
    line = f"- Needs the consent of {_originator(check)}: {_name(check)}, {_why(check)}"
    if any(c.expired for c in check.recipient_consents):
        line += f" A new consent from {check.ask} is needed."
    allowed = _names(check.sections_with(Outcome.ALLOW))
    if allowed:
        line += f" Its sections {allowed} may be given now."
    return line


def _denied_line(check: DocumentCheck) -> str:
    """A denied document, for the officer: why, and which sections may still go on their own."""
    line = f"- Not releasable as a whole: {_name(check)}, {_why(check)}"
    allowed = _names(check.sections_with(Outcome.ALLOW))
    consent = check.sections_with(Outcome.NEEDS_CONSENT)
    if allowed:
        line += f" Its sections {allowed} may be given on their own."
    if consent:
        line += (
            f" {_plural(len(consent), 'section')} "
            f"{'needs' if len(consent) == 1 else 'need'} the consent of {_originator(check)}."
        )
    return line


def _denied_for_partner(check: DocumentCheck) -> list[str]:
    """For a partner audience a denied document is left out, its reasons too; its ALLOW
    sections and the sections that need consent are still named."""
    allowed = _names(check.sections_with(Outcome.ALLOW))
    consent = check.sections_with(Outcome.NEEDS_CONSENT)
    out = []
    if allowed:
        out.append(f"- Only some sections may be given: {_name(check)}: {allowed}.")
    if consent:
        out.append(
            f"- Needs the consent of {_originator(check)}: {_name(check)} "
            f"({_plural(len(consent), 'section')})."
        )
    return out


def _names(portions: list[Any]) -> str:
    names = [f'"{p.section}"' for p in portions if p.section != BANNER and not p.above_clearance]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _originator(check: DocumentCheck) -> str:
    who = check.ask or check.originator or "the originator"
    return f"{who} ({check.originator_name}), the originator" if check.originator_name else who


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _withheld(check: DocumentCheck) -> Withheld:
    return Withheld(
        doc_id=check.doc_id,
        title=check.title,
        originator=check.originator or "?",
        decision=check.outcome.value,
        rule=check.decision.rule,
        reason=check.basis,
    )


def _note(question: str, audience: Audience, text: str, *, abstained: bool) -> Answer:
    """An answer that decides nothing document by document, so it cites nothing."""
    return Answer(
        question=question,
        audience=audience.partner,
        text=text,
        citations=[],
        abstained=abstained,
        kind="release",
        evidence=0.0 if abstained else 1.0,
    )


def _other_audience(question: str, audience: Audience, recipients: tuple[str, ...]) -> Answer:
    others = ", ".join(r for r in recipients if r != audience.partner)
    text = (
        f"This question is about a release to {others}, but answers are being prepared for "
        f"{audience.partner}. Ask it without an audience, or with {others} as the audience."
    )
    return _note(question, audience, text, abstained=True)


def _unknown(question: str, audience: Audience, parsed: ReleaseQuestion) -> Answer:
    verb = "is" if len(parsed.unknown) == 1 else "are"
    text = (
        f"Not releasable: {', '.join(parsed.unknown)} {verb} not in the partner registry, and "
        "nothing is released to a service that is not (rule unknown-recipient). Known partners: "
        f"{', '.join(audience.registry.codes()) or 'none'}."
    )
    return _note(question, audience, text, abstained=False)


def _nothing_found(question: str, audience: Audience, parsed: ReleaseQuestion) -> Answer:
    to = parsed.recipients[0]
    if parsed.topic:
        text = (
            f'No document within your clearance matches "{parsed.topic}", so there is nothing '
            "to decide. Name the document by its id (shown with every search hit), or run "
            f"`liaison check DOC_ID --to {to}`."
        )
    else:
        text = (
            "Release is decided document by document: name a document or a topic, for example "
            f'"What may I give {to} about money laundering?", or run '
            f"`liaison check DOC_ID --to {to}`."
        )
    return _note(question, audience, text, abstained=True)
