"""What a passage says, unit by unit, read from its Markdown structure (markdown-it-py): the
sentences of its paragraphs, its list items, its table rows, its code. An answer quotes these
units, so it never quotes Markdown syntax (emphasis markers, link targets, images, table pipes,
HTML) and never takes code for prose.

Units keep the source's order. A sentence that ends with a colon right before a list is the
list's *lead-in*: the lead-in and the items share a ``group``, and an answer quotes them
together or not at all. A lead-in whose list is not in the passage is marked ``dangling``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from assistant.corpus.markdown import markdown_parser
from assistant.text import split_sentences, strip_marking

if TYPE_CHECKING:
    from markdown_it.token import Token

Kind = Literal["sentence", "item", "row", "code"]


@dataclass(frozen=True)
class Unit:
    text: str
    """Plain text: Markdown syntax removed, whitespace collapsed (code keeps its lines)."""
    kind: Kind
    group: int
    """Units of one group are quoted together: a lead-in with its list; else one unit."""
    block: int
    """The paragraph, list, table or code block the unit belongs to (consecutive numbers)."""
    ordered: bool = False
    """An item of a numbered list (its number is ``number``)."""
    number: int = 0
    depth: int = 0
    """Nesting of a list item (0: top level)."""
    lead: bool = False
    """A sentence that introduces the list after it."""
    dangling: bool = False
    """A lead-in (ends with a colon) with no list after it in this passage."""


@functools.lru_cache(maxsize=4096)
def units(text: str) -> tuple[Unit, ...]:
    """The units of passage ``text`` (chunk text, Markdown), in source order."""
    reader = _Reader()
    tokens = markdown_parser().parse(text)
    reader.read(tokens)
    return tuple(reader.finish())


def plain(inline: Token) -> str:
    """The text a reader sees of an inline token: no emphasis markers, link text without its
    target, images and raw HTML dropped, code spans kept as written (without backticks)."""
    parts: list[str] = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


class _Reader:
    """Walks the block tokens once, numbering blocks and groups."""

    def __init__(self) -> None:
        self.out: list[Unit] = []
        self.block = -1
        self.group = -1
        self.lists: list[list[int]] = []  # per open list: [ordered, next number]
        self.list_group: int | None = None
        self.pending_lead: int | None = None  # the unit index of a lead-in awaiting its list
        self.soft_lead: int | None = None  # a sentence announcing "the following" list or table
        self.item_start = False  # the next inline is the first paragraph of a list item

    def read(self, tokens: list[Token]) -> None:
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            kind = tok.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                self._open_list(tok)
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
                if not self.lists:
                    self.list_group = None
            elif kind == "list_item_open":
                self.item_start = True
            elif kind == "inline" and self.lists:
                self._item_text(tok)
            elif kind == "inline" and tokens[i - 1].type == "paragraph_open":
                self._paragraph(tok)
            elif kind == "table_open":
                i = self._table(tokens, i)
                continue
            elif kind in ("fence", "code_block"):
                self._code(tok.content)
            elif kind == "heading_open":
                i += 3  # a heading's text is the passage's section, not something to quote
                continue
            i += 1

    def finish(self) -> list[Unit]:
        self._settle_lead()
        return _whole_short_lists(self.out)

    # -- blocks ------------------------------------------------------------------------------
    def _new_block(self) -> int:
        self.block += 1
        return self.block

    def _new_group(self) -> int:
        self.group += 1
        return self.group

    def _settle_lead(self) -> None:
        """A lead-in not followed by a list is dangling; a sentence that only announces what
        follows ("under the following limits.") stays an ordinary sentence."""
        self.soft_lead = None
        if self.pending_lead is not None:
            unit = self.out[self.pending_lead]
            self.out[self.pending_lead] = _replace(unit, lead=False, dangling=True)
            self.pending_lead = None

    def _paragraph(self, inline: Token) -> None:
        self._settle_lead()
        block = self._new_block()
        for sentence in (strip_marking(s) for s in split_sentences(plain(inline))):
            if sentence.strip():
                self.out.append(Unit(sentence, "sentence", self._new_group(), block))
        if self.out and self.out[-1].block == block:
            last = self.out[-1].text
            if last.endswith(":"):
                self.pending_lead = len(self.out) - 1
            elif _ANNOUNCES.search(last):
                self.soft_lead = len(self.out) - 1

    def _take_lead(self) -> int | None:
        """The group of the lead-in waiting for what follows it, which it introduces: one that
        ends with a colon, or one that announces "the following" list or table."""
        if self.pending_lead is None:
            self.pending_lead, self.soft_lead = self.soft_lead, None
        if self.pending_lead is None:
            return None
        lead = self.out[self.pending_lead]
        self.out[self.pending_lead] = _replace(lead, lead=True)
        self.pending_lead = None
        return lead.group

    def _open_list(self, tok: Token) -> None:
        ordered = tok.type == "ordered_list_open"
        start = int(tok.attrGet("start") or 1) if ordered else 0
        if not self.lists:
            self._new_block()
            self.list_group = self._take_lead()
        self.lists.append([int(ordered), start])

    def _item_text(self, inline: Token) -> None:
        ordered, number = self.lists[-1]
        first, self.item_start = self.item_start, False
        text = plain(inline)
        if not text:
            return
        group = self.list_group if self.list_group is not None else self._new_group()
        if not first and self.out and self.out[-1].kind == "item":
            # A second paragraph of the same item continues it.
            prev = self.out[-1]
            self.out[-1] = _replace(prev, text=f"{prev.text} {text}")
            return
        if ordered:
            self.lists[-1][1] += 1
        self.out.append(
            Unit(
                text,
                "item",
                group,
                self.block,
                ordered=bool(ordered),
                number=number,
                depth=len(self.lists) - 1,
            )
        )

    def _table(self, tokens: list[Token], i: int) -> int:
        """Each body row as ``Header: cell; Header: cell``; returns the index after the table.
        A lead-in before the table and its rows share a group (quoted together), like a list."""
        lead = self._take_lead()
        block = self._new_block()
        header: list[str] = []
        row: list[str] = []
        in_head = False
        while tokens[i].type != "table_close":
            tok = tokens[i]
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open":
                row = []
            elif tok.type == "inline":
                row.append(plain(tok))
            elif tok.type == "tr_close":
                if in_head:
                    header = row
                elif any(row):
                    cells = [
                        f"{h}: {c}" if h else c
                        for h, c in zip(header + [""] * len(row), row, strict=False)
                        if c
                    ]
                    group = lead if lead is not None else self._new_group()
                    self.out.append(Unit("; ".join(cells), "row", group, block))
            i += 1
        return i + 1

    def _code(self, content: str) -> None:
        """Code is its own unit (never quoted as prose); a lead-in before it goes with it."""
        group = self._take_lead()
        block = self._new_block()
        group = group if group is not None else self._new_group()
        self.out.append(Unit(content.rstrip("\n"), "code", group, block))


_ANNOUNCES = re.compile(r"\b(the following|as follows)\b", re.IGNORECASE)
"""A sentence that announces the list or table right after it, without a colon."""

SHORT_LIST = 10
"""A list of at most this many top-level items, with no lead-in, is quoted whole too (a
checklist read in part misleads); a longer one item by item."""


def _whole_short_lists(out: list[Unit]) -> list[Unit]:
    by_block: dict[int, list[int]] = {}
    for n, unit in enumerate(out):
        if unit.kind == "item":
            by_block.setdefault(unit.block, []).append(n)
    for members in by_block.values():
        groups = {out[n].group for n in members}
        top = sum(1 for n in members if out[n].depth == 0)
        if len(groups) > 1 and top <= SHORT_LIST:
            group = out[members[0]].group
            for n in members:
                out[n] = _replace(out[n], group=group)
    return out


def _replace(unit: Unit, **changes: object) -> Unit:
    from dataclasses import replace

    return replace(unit, **changes)  # type: ignore[arg-type]
