"""What each command writes to the audit log (docs/audit.md has the format).

Every entry has the same fields, so that an auditor can filter them all alike: UTC time, OS
user and host, command, question, audience, clearance, the chunk ids shown, the decisions
made (with their rule ids), the items withheld, and free ``detail``. Entries never hold the
text of a passage: the chunk ids name it, and the store holds it under its marking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from assistant import identity
from assistant.policy.rules import decide

if TYPE_CHECKING:  # read for their fields only: the entries stay light to import
    from assistant.answer.types import Answer
    from assistant.index.sync import SyncReport
    from assistant.policy.checks import DocumentCheck
    from assistant.policy.gate import Audience
    from assistant.retrieval.types import Hit, SearchResult, Withheld

VERSION = 1


def entry(
    command: str,
    *,
    clearance: str,
    question: str | None = None,
    audience: str | None = None,
    chunks: Iterable[str] = (),
    decisions: Iterable[dict[str, str]] = (),
    withheld: Iterable[Withheld] = (),
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One audit entry (unsealed)."""
    return {
        "v": VERSION,
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "user": identity.user(),
        "host": identity.host(),
        "command": command,
        "question": question,
        "audience": audience,
        "clearance": clearance,
        "chunks": list(chunks),
        "decisions": list(decisions),
        "withheld": [
            {"doc_id": w.doc_id, "originator": w.originator, "decision": w.decision, "rule": w.rule}
            for w in withheld
        ],
        "detail": detail or {},
    }


def gate_decisions(hits: Iterable[Hit], audience: Audience) -> list[dict[str, str]]:
    """For an answer prepared for a partner: the release decision of every passage shown,
    one per document (each is ALLOW, or the gate would not have let it through)."""
    if audience.partner is None:
        return []
    out: dict[str, dict[str, str]] = {}
    for hit in hits:
        d = decide(hit.handling, audience.registry, audience.partner, audience.today)
        out.setdefault(
            f"{hit.doc_id}|{hit.chunk_id}",
            {
                "doc_id": hit.doc_id,
                "chunk_id": hit.chunk_id,
                "to": audience.partner,
                "decision": d.outcome.value,
                "rule": d.rule,
            },
        )
    return list(out.values())


def for_answer(answer: Answer, audience: Audience, command: str = "ask") -> dict[str, Any]:
    """An answer as given (ask, or a chat turn)."""
    decisions = [r.as_dict() for r in answer.rulings] or gate_decisions(answer.citations, audience)
    return entry(
        command,
        clearance=audience.clearance.value,
        question=answer.question,
        audience=audience.partner,
        chunks=[h.chunk_id for h in answer.citations],
        decisions=decisions,
        withheld=answer.withheld,
        detail={"kind": answer.kind, "abstained": answer.abstained},
    )


def for_search(result: SearchResult, audience: Audience) -> dict[str, Any]:
    return entry(
        "search",
        clearance=audience.clearance.value,
        question=result.query,
        audience=audience.partner,
        chunks=[h.chunk_id for h in result.hits],
        decisions=gate_decisions(result.hits, audience),
        withheld=result.withheld,
    )


def for_check(check: DocumentCheck, clearance: str) -> dict[str, Any]:
    """``liaison check``: the document's decision and each portion's."""
    decisions = [
        {
            "doc_id": check.doc_id,
            "to": check.to,
            "decision": check.outcome.value,
            "rule": check.decision.rule,
        },
        *(
            {
                "doc_id": check.doc_id,
                "section": p.section,
                "to": check.to,
                "decision": p.decision.outcome.value,
                "rule": p.decision.rule,
            }
            for p in check.portions
        ),
    ]
    return entry(
        "check",
        clearance=clearance,
        question=f"check {check.doc_id} --to {check.to}",
        audience=check.to,
        decisions=decisions,
        detail={"rules_date": check.today.isoformat()},
    )


def for_ingest(report: SyncReport, clearance: str) -> dict[str, Any]:
    """``liaison ingest``: what changed in the store and what was rejected."""
    return entry(
        "ingest",
        clearance=clearance,
        detail={
            "store": report.store,
            "corpus": report.corpus,
            "documents": report.documents,
            "chunks": report.chunks,
            "added": report.added,
            "updated": report.updated,
            "removed": report.removed,
            "unchanged": report.unchanged,
            "rejected": [p.as_dict() for p in report.rejected],
        },
    )
