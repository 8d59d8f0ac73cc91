"""The brief's sections on release and reciprocity, and the talking points drawn from all.

What we may share is what the gated search returns for P on each topic: ALLOW portions only.
The withheld list names, by title and originator, the documents on the topics whose decision
for P is NEEDS_CONSENT, with the action to take; a DENY document is never named.
"""

from __future__ import annotations

from assistant.brief.build import FACT, Context, best_sentence, quotable
from assistant.brief.model import Paragraph, Section, WithheldItem
from assistant.corpus.catalogue import DocEntry
from assistant.corpus.ledger import Balance, balance
from assistant.corpus.markings import OWN
from assistant.policy.checks import CONSENT_PROCEDURE, check_document
from assistant.policy.consent import consent_request
from assistant.policy.rules import Outcome, decide
from assistant.retrieval.types import Hit

MAX_PER_TOPIC = 2


def shareable(ctx: Context, section: Section) -> list[dict[str, str]]:
    """For each topic, the material P may be given: products on the topic (reports, notes and
    partners' procedures; not our profiles of partners, not P's own material), each quoted
    from the portions the gate lets through for P. Returns the decisions it rests on."""
    manifest = ctx.knowledge.manifest
    rulings: list[dict[str, str]] = []
    seen: set[str] = set()
    for topic in ctx.topics:
        shown = 0
        for doc_id, entry in sorted(manifest.documents.items()):
            if shown >= MAX_PER_TOPIC or doc_id in seen or topic not in entry.topics:
                continue
            if not _material(entry, ctx.code):
                continue
            check = check_document(
                manifest, doc_id, ctx.code, ctx.audience.today, clearance=ctx.audience.clearance
            )
            passages = ctx.knowledge.retriever.passages([doc_id], ctx.audience)
            best = best_sentence(passages, topic.replace("-", " ")) or next(
                ((h, s) for h in passages for s in quotable(h)), None
            )
            if best is None:
                continue  # nothing of it may be shown to P
            seen.add(doc_id)
            shown += 1
            whole = "" if check.outcome is Outcome.ALLOW else " (these sections only)"
            section.paragraphs.append(ctx.quote([best], f"{topic}: {entry.title}{whole}"))
            rulings.append(_ruling(doc_id, ctx.code, check.outcome.value, check.decision.rule))
    if not section.paragraphs:
        section.note = f"Nothing on these topics may be given to {ctx.code}."
    return rulings


def _material(entry: DocEntry, code: str) -> bool:
    """A product one may offer a partner: a partner note that is not our own note about one
    partner (a profile), or a procedure a partner wrote; never P's own material."""
    origin = entry.banner.originator
    if origin == code or (entry.partner == code and origin == OWN):
        return False
    if entry.kind == "partner-note":
        return not (origin == OWN and entry.partner)
    return entry.kind == "procedure" and origin not in (OWN, None)


def withheld_items(
    ctx: Context, section: Section
) -> tuple[list[WithheldItem], list[dict[str, str]]]:
    """NEEDS_CONSENT documents on the topics: whom to ask and how. DENY ones stay unnamed."""
    manifest = ctx.knowledge.manifest
    registry = ctx.knowledge.registry
    items: list[WithheldItem] = []
    rulings: list[dict[str, str]] = []
    procedure = _consent_procedure(ctx)
    for doc_id, entry in sorted(manifest.documents.items()):
        if not set(entry.topics) & set(ctx.topics):
            continue
        check = check_document(
            manifest, doc_id, ctx.code, ctx.audience.today, clearance=ctx.audience.clearance
        )
        if check.outcome is not Outcome.NEEDS_CONSENT or any(
            p.above_clearance for p in check.portions
        ):
            continue
        request = consent_request(check, entry.banner)
        if request is None:
            continue
        origin = request.originator
        name = registry.partners[origin].name if origin in registry else origin
        action = request.action()
        items.append(
            WithheldItem(
                doc_id, check.title, origin, name, "NEEDS_CONSENT", check.decision.rule, action
            )
        )
        rulings.append(_ruling(doc_id, ctx.code, "NEEDS_CONSENT", check.decision.rule))
        text = f'"{check.title}" ({doc_id}), from {origin}: {action}.'
        if procedure is not None:
            text += f" [{ctx.cite(procedure[0])}]"
            handling = procedure[0].handling
        else:
            handling = FACT
        section.paragraphs.append(Paragraph(text, _at_least(handling, ctx), "Consent needed"))
    if not items:
        section.note = (
            f"No document on these topics waits for an originator's consent for {ctx.code}."
        )
    return items, rulings


def _consent_procedure(ctx: Context) -> tuple[Hit, str] | None:
    hits = [
        h
        for h in ctx.search("request the originator's consent through the liaison channel", k=6)
        if h.doc_id == CONSENT_PROCEDURE
    ]
    return best_sentence(hits, "request consent originator liaison channel")


def _at_least(handling, ctx: Context):  # type: ignore[no-untyped-def]
    from assistant.policy.banner import composed_banner

    return composed_banner([handling], ctx.code)


def reciprocity(ctx: Context, section: Section) -> Balance | None:
    """The ledger's numbers for P, if P may see the ledger, and the profile's own words."""
    book = ctx.ledger
    result: Balance | None = None
    if (
        book is not None
        and decide(book.handling, ctx.audience.registry, ctx.code, ctx.audience.today).allowed
    ):
        result = balance(book, ctx.code, ctx.audience.today)
        (g1, r1), (g0, r0) = result.last_year, result.year_before
        flag = {
            "takes": f"Lopsided: {ctx.code} takes far more than it gives.",
            "gives": f"Lopsided: {ctx.code} gives far more than it receives.",
        }.get(result.lopsided or "", "Balanced.")
        text = (
            f"{flag} Since {result.first.isoformat() if result.first else '-'}: given "
            f"{result.given}, received {result.received}. Last four quarters: given {g1}, "
            f"received {r1}; the four before: given {g0}, received {r0}; {result.trend}."
        )
        handling = _at_least(book.handling, ctx)
        section.paragraphs.append(Paragraph(text, handling, "Ledger"))
    words = [h for h in ctx.profile() if "reciprocity" in h.section.lower()]
    said = best_sentence(
        words, "balanced tilts ahead one-sided lopsided reciprocates committed plans"
    )
    if said is not None:
        section.paragraphs.append(ctx.quote([said], "As recorded"))
    if not section.paragraphs:
        section.note = f"No reciprocity record may be shown for {ctx.code}."
    return result


def talking_points(
    ctx: Context, sections: list[Section], withheld: list[WithheldItem], result: Balance | None
) -> None:
    """Points drawn from the sections above, each keeping the citation it rests on."""
    glance, _, lang, share, _, recip, points = sections
    level = next((p for p in glance.paragraphs if p.label == "Cooperation level"), None)
    if level is not None:
        points.paragraphs.append(
            Paragraph(f"Confirm where cooperation stands: {level.text}", level.handling, "Open")
        )
    for para in share.paragraphs[:3]:
        topic, _, title = para.label.partition(": ")
        marks = " ".join(m for m in para.text.split() if m.startswith("[") and m.endswith("]"))
        points.paragraphs.append(
            Paragraph(f'On {topic}, offer "{title}" {marks}', para.handling, "Offer")
        )
    for item in withheld[:2]:
        points.paragraphs.append(
            Paragraph(f'Before the meeting, {item.action} ("{item.title}").', FACT, "Consent")
        )
    if result is not None:
        ask = {
            "takes": f"ask what {ctx.code} can contribute in return before offering more",
            "gives": f"acknowledge what {ctx.code} has given and say what the Service will offer",
        }.get(result.lopsided or "", "note that the exchanges are balanced")
        ledger = next(p for p in recip.paragraphs if p.label == "Ledger")
        said = f"Reciprocity: {ask} (given {result.given}, received {result.received})."
        points.paragraphs.append(Paragraph(said, ledger.handling, "Reciprocity"))
    mode = next((p for p in lang.paragraphs if p.label == "Interpreting mode"), None)
    need = next(p for p in lang.paragraphs if p.label == "Interpreter")
    text = need.text
    if mode is not None:
        text += f" {mode.text}"
    points.paragraphs.append(Paragraph(text, mode.handling if mode else FACT, "Interpreter"))


def _about_or_from(hit: Hit, code: str) -> bool:
    """P's own partner notes and P's own material: nothing to offer P."""
    meta = hit.meta
    own_note = meta.get("kind") == "partner-note" and meta.get("partner") == code
    return own_note or hit.handling.originator == code


def _ruling(doc_id: str, to: str, decision: str, rule: str) -> dict[str, str]:
    return {"doc_id": doc_id, "to": to, "decision": decision, "rule": rule}
