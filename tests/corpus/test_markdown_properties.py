"""Property: for generated Markdown, the sections the loader finds are the headings a
CommonMark parser finds, in order, each holding the text under it.

The document is built from blocks that trip hand-written readers (indented and setext headings,
fences of both kinds with the other kind inside, inline code spans that start a line, block
quotes and lists holding heading-like lines without markings). The expected headings come from
markdown-it-py directly, not from the loader.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from assistant.corpus.loader import DocumentError, parse_document

FRONT = """---
id: prop-doc
title: Property document
kind: doctrine
reviewed: 2026-09-01
handling:
  classification: SECRET
  originator: OWN
---
"""
words = st.sampled_from(
    ["liaison", "protocol", "partner", "gift", "ledger", "delegation", "consent", "visit"]
)
titles = st.lists(words, min_size=1, max_size=3).map(" ".join)
prose = st.lists(words, min_size=2, max_size=8).map(lambda w: " ".join(w).capitalize() + ".")
markings = st.sampled_from(["", "(U) ", "(R) ", "(C) ", "(S) "])


@st.composite
def blocks(draw: st.DrawFn) -> str:
    kind = draw(
        st.sampled_from(
            ["atx", "setext", "backtick", "tilde", "inline", "quote", "list", "para", "hr"]
        )
    )
    title, text = draw(titles), draw(prose)
    if kind == "atx":
        indent = " " * draw(st.integers(0, 3))
        hashes = "#" * draw(st.integers(1, 6))
        closing = draw(st.sampled_from(["", " " + hashes]))
        return f"{indent}{hashes} {draw(markings)}{title}{closing}\n\n{text}\n"
    if kind == "setext":
        underline = draw(st.sampled_from(["===", "---", "-----"]))
        return f"{draw(markings)}{title}\n{underline}\n\n{text}\n"
    if kind == "backtick":
        return f"```\n~~~\n# not a heading {title}\n```\n\n{text}\n"
    if kind == "tilde":
        return f"~~~~\n```\n## not a heading {title}\n~~~~\n\n{text}\n"
    if kind == "inline":
        return f"```{title}``` is inline code\n{text}\n"
    if kind == "quote":
        return f"> ## quoted {title}\n> {text}\n"
    if kind == "list":
        return f"- {text}\n  ## nested {title}\n"
    if kind == "hr":
        return f"{text}\n\n***\n"
    return f"{text}\n"


def _nested_marking(source: str) -> bool:
    """Does CommonMark put a marked heading inside a container (a list item, a quote)? The
    loader must then reject the document: a reader of the file sees a marked heading."""
    tokens = MarkdownIt("commonmark").parse(source)
    return any(
        t.type == "heading_open" and t.level > 0 and tokens[i + 1].content.startswith("(")
        for i, t in enumerate(tokens)
    )


def _parse(body: str):  # type: ignore[no-untyped-def]
    """The document, or None when it was (rightly) rejected for a nested marked heading."""
    try:
        doc, _ = parse_document(FRONT + body, path=Path("p.md"), source="c/p.md")
    except DocumentError as exc:
        assert _nested_marking(body), exc.reason
        assert "inside a list item" in exc.reason or "inside a block quote" in exc.reason
        return None
    assert not _nested_marking(body)
    return doc


def _expected_titles(source: str) -> list[tuple[int, str]]:
    tokens = MarkdownIt("commonmark").parse(source)
    out = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0:
            text = " ".join(tokens[i + 1].content.split())
            for mark in ("(U) ", "(R) ", "(C) ", "(S) "):
                text = text.removeprefix(mark)
            out.append((int(token.tag[1:]), text))
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(blocks(), min_size=1, max_size=12))
def test_sections_follow_the_commonmark_headings(parts: list[str]) -> None:
    body = "\n".join(parts)
    doc = _parse(body)
    if doc is None:
        return
    expected = _expected_titles(body)
    # Every generated heading is followed by text, so each one opens a section; the text
    # before the first heading (if any) is a section without a path.
    found = [s.path[-1] for s in doc.sections if s.path]
    assert found == [t for _, t in expected]
    lines = (FRONT + body).splitlines()
    for section in doc.sections:
        assert section.text.strip() and section.text in FRONT + body
        if section.path:  # the section's line is its heading's first line
            assert section.path[-1].split()[-1] in lines[section.line - 1]


@settings(max_examples=200, deadline=None)
@given(st.lists(blocks(), min_size=1, max_size=12))
def test_a_marking_holds_down_to_the_next_heading_of_its_level(parts: list[str]) -> None:
    """Each section's level is the marking of the nearest heading above it (itself included)
    that carries one, among those still open; else the banner."""
    body = "\n".join(parts)
    doc = _parse(body)
    if doc is None:
        return
    tokens = MarkdownIt("commonmark").parse(body)
    open_headings: list[tuple[int, str | None]] = []  # level, marking letter
    expected: list[str] = []
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or token.level:
            continue
        level, text = int(token.tag[1:]), tokens[i + 1].content
        while open_headings and open_headings[-1][0] >= level:
            open_headings.pop()
        mark = text[1] if text[:1] == "(" else None
        inherited = next((m for _, m in reversed(open_headings) if m), None)
        open_headings.append((level, mark or inherited))
        expected.append(mark or inherited or "S")
    got = [s.handling.classification.short for s in doc.sections if s.path]
    assert got == expected
