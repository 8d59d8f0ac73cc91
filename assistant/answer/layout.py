"""How an extractive answer is written out from its spans: sentences as paragraphs, a lead-in
with its list under it, table rows as a list, code as a code block; every sentence, item, row
and block keeps its ``[n]``. A partner's particulars come under a line naming the partner.

The text is Markdown that also reads as plain text (the CLI prints it as it is; the chat screen
renders it): a list is separated from its lead-in by a blank line so that every reader, and
:func:`assistant.text.sentences`, sees one item per line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.spans import Span, partner_of
from assistant.corpus.passage import Unit
from assistant.retrieval.types import Hit

_CODE_QUESTION = re.compile(
    r"\b(commands?|run|script|shell|terminal|syntax|code|cli|befehl\w*|kommando\w*|"
    r"commandes?|parancs\w*)\b",
    re.IGNORECASE,
)


def asks_for_code(question: str) -> bool:
    """True when the question asks for a command (code is quoted only then)."""
    return bool(_CODE_QUESTION.search(question))


def particulars_line(code: str) -> str:
    """The line over a partner's particulars: they are that partner's, not the rule."""
    return f"For {code} in particular"


_PARTICULARS_LINE = re.compile(r"^For [A-Z]{3} in particular$")


def is_particulars_line(line: str) -> bool:
    return bool(_PARTICULARS_LINE.match(line))


def layout(spans: Sequence[Span], hits: Sequence[Hit]) -> tuple[str, list[Hit]]:
    """The answer text and its citations, numbered in order of first appearance."""
    numbering: dict[int, int] = {}
    blocks: list[str] = []
    labelled = ""
    for span in spans:
        n = numbering.setdefault(span.hit_index, len(numbering) + 1)
        partner = partner_of(hits[span.hit_index])
        if partner and partner != labelled:
            blocks.append(particulars_line(partner))
        labelled = partner
        blocks.extend(_span_blocks([u for a in span.atoms for u in a.units], n))
    cited = [hits[i] for i in sorted(numbering, key=numbering.__getitem__)]
    return "\n\n".join(blocks), cited


def _span_blocks(span_units: list[Unit], n: int) -> list[str]:
    """The Markdown blocks of one span's units (all from passage ``n``)."""
    blocks: list[str] = []
    prose: list[str] = []
    items: list[str] = []
    block = None

    def flush() -> None:
        if prose:
            blocks.append(" ".join(prose))
            prose.clear()
        if items:
            blocks.append("\n".join(items))
            items.clear()

    for unit in span_units:
        if unit.block != block:
            flush()
            block = unit.block
        if unit.kind == "sentence":
            prose.append(f"{_as_sentence(unit.text)} [{n}]")
        elif unit.kind == "item":
            marker = f"{unit.number}." if unit.ordered else "-"
            items.append(f"{'   ' * unit.depth}{marker} {unit.text} [{n}]")
        elif unit.kind == "row":
            items.append(f"- {unit.text} [{n}]")
        else:  # code, quoted as it stands, its mark after it
            flush()
            blocks.append(f"```\n{unit.text}\n```\n[{n}]")
    flush()
    return blocks


def _as_sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", ":", ";")) else text + "."
