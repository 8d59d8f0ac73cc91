"""The Markdown structure of a document, read by a CommonMark parser (markdown-it-py).

A portion marking sits on a heading, so whatever finds the headings decides which handling
each sentence gets. Here that is markdown-it-py, which follows CommonMark as every renderer
does: an ATX heading indented by up to three spaces is a heading, a setext heading is a
heading, and a line inside a code block, an HTML block, a list item or a block quote is not.

Where the structure could hide a marking that a reader sees, the document is rejected with the
line and the reason (:class:`StructureError`), never read one way or the other:

* a line that looks like a marked heading inside a code block or an HTML block (an unclosed
  fence that swallows the rest of the file is the common case);
* a marked heading inside a list item or a block quote;
* text that looks like a marked heading but is none (``#(S) Title``, ``\\## (S) Title``);
* a heading that carries a marking anywhere but at its start;
* a heading that holds an invisible or control character (a bidi override, a zero-width
  space): it can disguise a marking or a title.

Markings are looked for in text with its invisible characters removed, as a reader sees it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it.token import Token

# A marking as it opens a heading's text: "(S)", "(C//REL TO XBO)", "( TS // ORCON )".
_MARKING = r"\(\s*(?:TS|[URCS])\s*(?:\)|//)"
_OPENS_WITH_MARKING = re.compile(_MARKING, re.IGNORECASE)
_HAS_MARKING = re.compile(r"(?<![\w(])" + _MARKING, re.IGNORECASE)
# A line a reader takes for a marked ATX heading, whatever CommonMark makes of it: inside
# block quotes and list items, indented, escaped, or without the space after the hashes.
_MARKED_HEADING_LINE = re.compile(
    r"^\s*(?:>\s*)*(?:(?:[-*+]|\d{1,9}[.)])\s+)?\\?#{1,6}\s*" + _MARKING, re.IGNORECASE
)
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_CONTAINERS = {"blockquote_open": "a block quote", "list_item_open": "a list item"}
_CODE = {"fence": "a code block", "code_block": "a code block", "html_block": "an HTML block"}


class StructureError(ValueError):
    """The document's structure could hide or misplace a portion marking."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Heading:
    """A heading CommonMark reads at the top level of the document."""

    level: int
    text: str
    """The heading's text, its lines joined by a space (a setext heading may span lines)."""
    line: int
    """1-based line of the heading's first line."""
    start: int
    end: int
    """0-based lines ``[start, end)`` the heading takes, its underline included."""


@dataclass(frozen=True)
class Opening:
    """A block of text (paragraph or list item) whose first words are a portion marking."""

    line: int
    text: str


@dataclass(frozen=True)
class Outline:
    """The front matter and the top-level headings of a document, with its lines."""

    lines: tuple[str, ...]
    front_matter: str | None
    body_start: int
    """0-based line after the front matter (0 when there is none)."""
    headings: tuple[Heading, ...] = ()
    openings: tuple[Opening, ...] = field(default=(), repr=False)

    def text(self, start: int, end: int) -> str:
        """Lines ``[start, end)`` of the document, as written."""
        return "\n".join(self.lines[start:end])


@functools.lru_cache(maxsize=1)
def markdown_parser() -> Any:
    """CommonMark with tables, for text inside a document (a section, a chunk): no front
    matter there, so a thematic break (``---``) at its start stays a thematic break."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    return MarkdownIt("commonmark").use(front_matter_plugin).enable("table")


def read_outline(text: str) -> Outline:
    """Parse ``text`` (a whole document, front matter first). Raises :class:`StructureError`
    where the structure is ambiguous about a marking."""
    tokens: list[Token] = _parser().parse(text)
    lines = tuple(text.splitlines())
    front = next((t for t in tokens if t.type == "front_matter"), None)
    headings: list[Heading] = []
    openings: list[Opening] = []
    containers: list[str] = []
    for i, token in enumerate(tokens):
        if token.type in _CONTAINERS:
            containers.append(_CONTAINERS[token.type])
        elif token.type in ("blockquote_close", "list_item_close"):
            containers.pop()
        elif token.type in _CODE:
            _check_code(token, lines)
        elif token.type == "heading_open":
            heading = _heading(token, tokens[i + 1])
            hidden = _hidden(heading.text)
            if hidden:
                raise StructureError(
                    heading.line,
                    f"the heading holds an invisible or control character (U+{ord(hidden):04X}), "
                    "which can disguise a marking or a title; remove it",
                )
            if containers:
                if _HAS_MARKING.search(heading.text):
                    raise StructureError(
                        heading.line,
                        f"portion marking on a heading inside {containers[-1]}: CommonMark "
                        "does not read it as a section heading; move the heading out of it",
                    )
                continue
            if _HAS_MARKING.search(heading.text) and not _OPENS_WITH_MARKING.match(heading.text):
                raise StructureError(
                    heading.line, "a portion marking must open the heading, before its title"
                )
            headings.append(heading)
        elif token.type == "paragraph_open" and token.map is not None:
            _check_paragraph(token, tokens[i + 1], lines, openings)
    body_start = front.map[1] if front is not None and front.map else 0
    return Outline(
        lines=lines,
        front_matter=front.content if front is not None else None,
        body_start=body_start,
        headings=tuple(headings),
        openings=tuple(openings),
    )


def _heading(token: Token, inline: Token) -> Heading:
    assert token.map is not None
    start, end = token.map
    text = " ".join(part.strip() for part in inline.content.splitlines() if part.strip())
    return Heading(int(token.tag[1:]), text, start + 1, start, end)


def _check_code(token: Token, lines: tuple[str, ...]) -> None:
    """A line in a code or HTML block that a reader would take for a marked heading."""
    if token.map is None:
        return
    start, end = token.map
    what = _CODE[token.type]
    for n in range(start, end):
        if not _looks_marked(lines, n):
            continue
        if token.type == "fence" and not _fence_closed(token, lines):
            raise StructureError(
                n + 1,
                f"the code fence opened at line {start + 1} is never closed, so it swallows "
                "this marked heading; close the fence",
            )
        raise StructureError(
            n + 1,
            f"a marked heading inside {what} is not a heading; take it out of the block, or "
            "write the marking differently if it is an example",
        )


def _looks_marked(lines: tuple[str, ...], n: int) -> bool:
    """Line ``n`` reads as a marked heading: ATX-like, or a marking over a setext underline."""
    line = _visible(lines[n])
    if _MARKED_HEADING_LINE.match(line):
        return True
    following = lines[n + 1] if n + 1 < len(lines) else ""
    return bool(_OPENS_WITH_MARKING.match(line.strip()) and _SETEXT_UNDERLINE.match(following))


def _hidden(text: str) -> str | None:
    """The first invisible or control character in ``text`` (tabs aside), if any."""
    return next((c for c in text if c != "\t" and unicodedata.category(c) in ("Cc", "Cf")), None)


def _visible(text: str) -> str:
    """``text`` as a reader sees it: invisible format and control characters removed."""
    if text.isprintable():
        return text
    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf") or c == "\t")


def _fence_closed(token: Token, lines: tuple[str, ...]) -> bool:
    assert token.map is not None
    start, end = token.map
    if end - start < 2:
        return False
    last = lines[end - 1].strip()
    char = token.markup[0]
    return len(last) >= len(token.markup) and set(last) == {char}


def _check_paragraph(
    token: Token, inline: Token, lines: tuple[str, ...], openings: list[Opening]
) -> None:
    """Text that looks like a marked heading; a paragraph that opens with a marking."""
    assert token.map is not None
    start, end = token.map
    for n in range(start, end):
        if _MARKED_HEADING_LINE.match(_visible(lines[n])):
            raise StructureError(
                n + 1,
                "this line looks like a marked heading but is not one (CommonMark needs '#' "
                "at the start of the line and a space after it)",
            )
    first = _visible(inline.content).lstrip()
    if _OPENS_WITH_MARKING.match(first):
        openings.append(Opening(start + 1, first.splitlines()[0]))
