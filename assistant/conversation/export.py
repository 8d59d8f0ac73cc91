"""A conversation exported to Markdown, for an audience, with its citations.

The rules are applied again, today, for the audience the export is for: a turn asked for
another audience, or one whose sources are not all ALLOW for this one, or above the current
clearance, is left out (and counted, never shown). The banner, printed at the top and the
bottom, is the most restrictive handling of everything the export quotes, computed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.audit.entries import entry, gate_decisions
from assistant.conversation.session import clip_title
from assistant.conversation.store import Turn
from assistant.corpus.markings import Handling
from assistant.policy.banner import composed_banner, portion_mark
from assistant.policy.gate import Audience
from assistant.text import printable


@dataclass(frozen=True)
class Export:
    text: str
    banner: Handling
    turns: list[Turn]
    left_out: int

    @property
    def chunks(self) -> list[str]:
        return [h.chunk_id for t in self.turns for h in t.answer.citations]

    def audit_entry(self, audience: Audience, path: str) -> dict[str, Any]:
        return entry(
            "export",
            clearance=audience.clearance.value,
            question=f"export to {path}",
            audience=audience.partner,
            chunks=self.chunks,
            decisions=gate_decisions([h for t in self.turns for h in t.answer.citations], audience),
            detail={
                "banner": self.banner.banner(),
                "turns": len(self.turns),
                "left_out": self.left_out,
            },
        )


def exportable(turn: Turn, audience: Audience) -> bool:
    """May this turn go into an export for ``audience``? Own use: anything within the
    clearance. A partner: only its own turns, every source ALLOW for it today."""
    hits = turn.answer.citations
    if any(not audience.admits(h.handling) for h in hits):
        return False
    return audience.partner is None or turn.audience == audience.partner


def export_markdown(
    turns: Sequence[Turn], audience: Audience, exported: dt.date | None = None
) -> Export:
    """The turns ``audience`` may have, as Markdown. The title is the first exported question:
    a conversation's own title is its first question, which may be one left out."""
    kept = [t for t in turns if exportable(t, audience)]
    title = clip_title(kept[0].question) if kept else "(nothing exportable)"
    quoted = [h.handling for t in kept for h in t.answer.citations]
    banner = composed_banner(quoted, audience.partner)
    line = f"**{banner.banner()}**"
    who = f"for {audience.partner}" if audience.partner else "for own use"
    left = len(turns) - len(kept)
    why = (
        f"asked for another audience, or with sources that may not go to {audience.partner}"
        if audience.partner
        else "with sources above the clearance"
    )
    note = f" · {left} turn{'s' if left != 1 else ''} left out: {why}" if left else ""
    lines = [
        line,
        "",
        f"# Conversation: {printable(title)}",
        "",
        f"Exported {(exported or audience.today).isoformat()} {who} · clearance "
        f"{audience.clearance.value} · {len(kept)} turn{'s' if len(kept) != 1 else ''}{note}",
        "",
    ]
    for n, turn in enumerate(kept, start=1):
        answer = turn.answer
        mark = portion_mark(
            composed_banner((h.handling for h in answer.citations), audience.partner)
        )
        asked = turn.audience or "own use"
        lines += [
            f"## {n}. {printable(turn.question)}",
            "",
            f"_Asked {turn.asked_at} for {asked}, clearance {turn.clearance}._",
            "",
            f"{mark} {printable(answer.text)}",
            "",
        ]
        for i, hit in enumerate(answer.citations, start=1):
            where = f"{hit.title} › {hit.section}" if hit.section else hit.title
            lines.append(
                f"- [{i}] {printable(where)} · {hit.handling.banner()} · as of {hit.reviewed} · "
                f"{printable(str(hit.meta.get('source', '')))}"
            )
        if answer.citations:
            lines.append("")
    lines.append(line)
    return Export("\n".join(lines) + "\n", banner, kept, left)
