"""Cutting documents into chunks: heading-aware first, then size-bounded.

A section is already one portion (see :mod:`assistant.corpus.loader`), so a chunk cut from a
section never spans two portions and carries that portion's full handling. Chunk text is the
document's own text (white space at its ends aside). Chunk ids hash the document, the chunk's
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
CHUNKER_VERSION = "3"


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
    """What the embedder and BM25 see: title and section give a short chunk its context."""
    head = f"{title} - {section}" if section else title
    return f"{head}\n{text}" if head else text


def chunk_document(doc: Document, size: int, overlap: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    for section in doc.sections:
        for piece in split_text(section.text, size, overlap):
            chunks.append(_make_chunk(doc, section, piece, len(chunks)))
    return chunks


def split_text(text: str, size: int, overlap: int) -> list[str]:
    """Split a section's text into pieces of at most ``size`` characters on natural boundaries."""
    text = text.strip()
    if len(text) <= size:
        return [text] if text else []
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    # keep_separator: the splitter joins the pieces it merges with the separator it split on,
    # which for a regular expression would be the pattern's own text; kept separators join
    # with nothing, so a chunk is a stretch of the section as written.
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size,
        chunk_overlap=min(overlap, size // 2),
        separators=["\n\n", "\n", r"(?<=[.!?])\s+", "; ", ", ", " ", ""],
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
