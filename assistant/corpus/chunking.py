"""Cutting documents into chunks: by section first, then by the section's Markdown blocks.

A section is already one portion (see :mod:`assistant.corpus.loader`), so a chunk cut from a
section never spans two portions and carries that portion's full handling. Chunk text is the
document's own text (white space at its ends aside): a stretch of the section as written; a
long table or code fence cut in pieces repeats its own header or fence lines in each piece, so
that every piece still reads as a table or as code. Chunk ids hash the document, the chunk's
position and its content: unique in the store even where a document repeats itself, and the
same on every run while the document is unchanged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from assistant.corpus.document import Document, Section
from assistant.corpus.markings import Handling, to_metadata

# Bump when the way chunks are cut changes, so every store rebuilds its chunks once.
CHUNKER_VERSION = "5"
WHOLE_LIST = 1.5
"""A list of at most ten items (with its lead-in) is kept whole up to this many times the chunk
size: a procedure read in part misleads, and an answer quotes a list from one chunk."""


@dataclass(frozen=True)
class Chunk:
    id: str
    doc_id: str
    text: str
    section: str
    handling: Handling
    ordinal: int
    meta: dict[str, Any]

    def embedding_text(self) -> str:
        return context_text(str(self.meta.get("title", "")), self.section, self.text)


def context_text(title: str, section: str, text: str) -> str:
    """What the embedder and BM25 see: title and section give a short chunk its context, and
    the text is what a reader of the Markdown sees (:func:`plain_text`)."""
    head = f"{title} - {section}" if section else title
    body = plain_text(text)
    return f"{head}\n{body}" if head else body


def plain_text(text: str) -> str:
    """A passage as a reader sees it: its units, one per line, without Markdown syntax (image
    links, emphasis markers, table pipes, HTML); code is kept, so a command can be found."""
    from assistant.corpus.passage import units

    return "\n".join(u.text for u in units(text))


def chunk_document(doc: Document, size: int, overlap: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    for section in doc.sections:
        for piece in split_text(section.text, size, overlap):
            chunks.append(_make_chunk(doc, section, piece, len(chunks)))
    return chunks


def split_text(text: str, size: int, overlap: int) -> list[str]:
    """Split a section's text into pieces of at most ``size`` characters on the boundaries of
    its Markdown blocks (CommonMark, as a reader sees them): paragraphs, lists, tables and code
    are packed whole, a lead-in stays with its list, a list of up to ten items stays whole up to
    :data:`WHOLE_LIST` times ``size``, a longer list is cut between its items, and
    only a paragraph longer than ``size`` is cut inside (between sentences). Code, tables and
    HTML are never cut: a piece of a fence would read as prose. The pieces are consecutive
    stretches of the section as written, and together they hold all of it."""
    text = text.strip()
    if len(text) <= size:
        return [text] if text else []
    lines = text.split("\n")
    pieces: list[str] = []
    cursor = 0  # the first line not yet in a piece
    end = 0  # the end of the blocks packed so far

    def take(upto: int) -> None:
        nonlocal cursor
        if upto > cursor:
            pieces.append("\n".join(lines[cursor:upto]).strip())
            cursor = upto

    for block in _blocks(text):
        body = "\n".join(lines[block.start : block.end]).strip()
        if len(body) > size:
            take(block.start)  # what lies before it, gaps between blocks included
            if block.kind == "paragraph":
                pieces += _cut_prose(body, size, overlap)
            elif block.kind == "list" and _whole(block, body, size):
                pieces.append(body)
            elif block.kind == "list" and len(block.parts) > 1:
                pieces += _pack(lines, block.parts, size)
            elif block.kind in ("table_open", "fence"):
                pieces += _cut_framed(lines, block, size)
            else:
                pieces.append(body)  # an indented code block or HTML: whole, even when long
            cursor = end = block.end
            continue
        if end > cursor and len("\n".join(lines[cursor : block.end]).strip()) > size:
            take(end)
        end = block.end
    take(len(lines))
    return [p for p in pieces if p]


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    kind: str
    parts: tuple[tuple[int, int], ...] = ()
    """For a list: the line ranges of its items (a lead-in joins the first one)."""


def _blocks(text: str) -> list[_Block]:
    """The top-level blocks of ``text`` with their line ranges; a paragraph that ends with a
    colon right before a list is that list's lead-in and one block with it."""
    from assistant.corpus.markdown import markdown_parser

    tokens = markdown_parser().parse(text)
    out: list[_Block] = []
    for i, tok in enumerate(tokens):
        if tok.level != 0 or tok.map is None or tok.nesting == -1:
            continue
        start, end = tok.map
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            items = tuple(
                (t.map[0], t.map[1])
                for t in tokens[i + 1 :]
                if t.type == "list_item_open"
                and t.level == 1
                and t.map is not None
                and start <= t.map[0] < end
            )
            previous = out[-1] if out else None
            lead = tokens[i - 2] if i >= 2 and tokens[i - 2].type == "inline" else None
            if (
                previous
                and previous.kind == "paragraph"
                and lead
                and lead.content.rstrip().endswith(":")
            ):
                out.pop()
                first = ((previous.start, items[0][1]),) if items else ()
                out.append(_Block(previous.start, end, "list", first + items[1:]))
                continue
            out.append(_Block(start, end, "list", items))
        elif tok.type == "paragraph_open":
            out.append(_Block(start, end, "paragraph"))
        else:  # fence, code block, table, html, heading, rule
            out.append(_Block(start, end, tok.type))
    return out


def _whole(block: _Block, body: str, size: int) -> bool:
    """A short list (a procedure of a few steps) a little longer than a chunk stays one."""
    from assistant.corpus.passage import SHORT_LIST

    return len(block.parts) <= SHORT_LIST and len(body) <= WHOLE_LIST * size


def _pack(lines: list[str], items: tuple[tuple[int, int], ...], size: int) -> list[str]:
    """Consecutive list items packed into pieces of at most ``size`` (an item longer than that
    is a piece of its own); the pieces hold every line of the list."""
    pieces: list[str] = []
    start = items[0][0]
    for a, b in items[1:]:
        if len("\n".join(lines[start:b]).strip()) > size:
            pieces.append("\n".join(lines[start:a]).strip())
            start = a
    pieces.append("\n".join(lines[start : items[-1][1]]).strip())
    return pieces


def _cut_framed(lines: list[str], block: _Block, size: int) -> list[str]:
    """A long table cut between its rows, each piece under the table's header lines; a long
    code fence cut between its lines, each piece inside the fence's own opening and closing
    lines. Every piece still reads as a table (or as code), never as prose."""
    body = lines[block.start : block.end]
    if block.kind == "table_open":
        head, rows, tail = body[:2], body[2:], []
    else:
        closed = len(body) > 1 and body[-1].strip().startswith(body[0].strip()[:3])
        head, rows, tail = body[:1], body[1 : -1 if closed else None], body[-1:] if closed else []
    pieces: list[str] = []
    current: list[str] = []
    for row in rows:
        if current and len("\n".join([*head, *current, row, *tail])) > size:
            pieces.append("\n".join([*head, *current, *tail]).strip())
            current = []
        current.append(row)
    pieces.append("\n".join([*head, *current, *tail]).strip())
    return pieces


def _cut_prose(text: str, size: int, overlap: int) -> list[str]:
    """A paragraph longer than ``size``, cut between sentences (then words)."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    # keep_separator: the splitter joins the pieces it merges with the separator it split on,
    # which for a regular expression would be the pattern's own text; kept separators join
    # with nothing, so a chunk is a stretch of the section as written.
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size,
        chunk_overlap=min(overlap, size // 2),
        separators=["\n", r"(?<=[.!?])\s+", "; ", ", ", " ", ""],
        is_separator_regex=True,
        keep_separator="end",
    )
    return [p.strip() for p in splitter.split_text(text) if p.strip()]


def _make_chunk(doc: Document, section: Section, text: str, ordinal: int) -> Chunk:
    digest = hashlib.sha256(
        "\x1f".join([doc.id, str(ordinal), section.title, text, section.handling.key()]).encode()
    ).hexdigest()[:32]
    meta: dict[str, Any] = {
        "doc_id": doc.id,
        "title": doc.meta.title,
        "kind": doc.meta.kind.value,
        "partner": doc.meta.partner or "",
        "topics": "," + ",".join(doc.meta.topics) + ",",
        "language": doc.meta.language,
        "reviewed": doc.meta.reviewed.isoformat(),
        "source": doc.source,
        "section": section.title,
        "line": section.line,
        "ordinal": ordinal,
        **to_metadata(section.handling),
        **{topic_key(t): True for t in doc.meta.topics},
    }
    return Chunk(
        id=digest,
        doc_id=doc.id,
        text=text,
        section=section.title,
        handling=section.handling,
        ordinal=ordinal,
        meta=meta,
    )


def topic_key(topic: str) -> str:
    """Chroma filters on scalar metadata, so each topic becomes a boolean key."""
    return "topic_" + "".join(c if c.isalnum() else "_" for c in topic.lower())
