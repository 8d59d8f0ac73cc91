from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.corpus.chunking import chunk_document, split_text
from assistant.corpus.loader import load_corpus
from assistant.text import sentences
from tests.conftest import make_corpus

FRONT = """id: long-doc
title: Long document
kind: doctrine
reviewed: 2026-05-01
handling: {classification: SECRET, originator: OWN, rel_to: [XBO]}
"""


def _doc(tmp_path: Path, body: str):  # type: ignore[no-untyped-def]
    root = make_corpus(tmp_path / "c", {"d.md": (FRONT, body)})
    (doc,) = load_corpus([root]).documents
    return doc


def test_chunks_never_span_portions_and_carry_their_handling(tmp_path: Path) -> None:
    para = "The officer keeps a careful record of every exchange with a partner service. "
    body = "## (U) Open\n\n" + para * 30 + "\n\n## (C//REL TO XBO) Closed\n\n" + para * 30 + "\n"
    chunks = chunk_document(_doc(tmp_path, body), size=400, overlap=50)
    assert len(chunks) > 4
    assert all(len(c.text) <= 400 for c in chunks)
    sections = {c.section for c in chunks}
    assert sections == {"Open", "Closed"}
    for c in chunks:
        level = "UNCLASSIFIED" if c.section == "Open" else "CONFIDENTIAL"
        assert c.handling.classification.value == level  # type: ignore[union-attr]
        assert c.meta["classification"] == level
        assert c.meta["section"] == c.section


def test_chunk_ids_are_stable_content_hashes(tmp_path: Path) -> None:
    body = "## A\n\nFirst section text.\n\n## B\n\nSecond section text.\n"
    first = [c.id for c in chunk_document(_doc(tmp_path / "1", body), 900, 100)]
    again = [c.id for c in chunk_document(_doc(tmp_path / "2", body), 900, 100)]
    assert first == again and len(set(first)) == 2
    changed = [
        c.id for c in chunk_document(_doc(tmp_path / "3", body.replace("Second", "2nd")), 900, 100)
    ]
    assert changed[0] == first[0] and changed[1] != first[1]


def test_section_path_is_kept(tmp_path: Path) -> None:
    body = "## Parent\n\nIntro.\n\n### Child\n\nDetail text here.\n"
    chunks = chunk_document(_doc(tmp_path, body), 900, 100)
    assert [c.section for c in chunks] == ["Parent", "Parent > Child"]
    assert chunks[1].embedding_text().startswith("Long document - Parent > Child")


def test_sentence_splitting() -> None:
    text = "First sentence here. Second one? Yes.\n\n- item one\n- item two"
    assert sentences(text) == [
        "First sentence here.",
        "Second one?",
        "Yes.",
        "item one",
        "item two",
    ]


REPEATS = {
    "repeated sections": "## Notes\n\nThe same note twice.\n\n## Notes\n\nThe same note twice.\n",
    "repeated table rows": "## Table\n\n| a | b |\n| --- | --- |\n" + "| same | row |\n" * 120,
    "repeated code lines": "## Code\n\n```shell\n" + "% make test\n" * 150 + "```\n",
    "repeated paragraphs": "## Prose\n\n" + ("One paragraph said again. " * 20 + "\n\n") * 8,
}


def test_repeated_text_gets_unique_stable_ids(tmp_path: Path) -> None:
    for i, (name, body) in enumerate(REPEATS.items()):
        doc = _doc(tmp_path / str(i), body)
        chunks = chunk_document(doc, size=300, overlap=40)
        ids = [c.id for c in chunks]
        assert len(ids) >= 2, name
        assert len(set(ids)) == len(ids), f"{name}: duplicate chunk ids"
        again = [c.id for c in chunk_document(_doc(tmp_path / f"again{i}", body), 300, 40)]
        assert again == ids, f"{name}: ids not stable"
        assert len({c.text for c in chunks}) < len(chunks), f"{name}: the test needs repeats"


def _squash(text: str) -> str:
    return " ".join(text.split())


prose_words = st.sampled_from(
    ["liaison", "officer", "partner", "gift", "consent", "protocol", "e.g.", "EUR", "50", "(C)"]
)
sentences_ = st.lists(prose_words, min_size=1, max_size=14).map(
    lambda w: " ".join(w).capitalize() + st_choice(len(w))
)


def st_choice(n: int) -> str:
    return [".", "!", "?", ";", ",", ":"][n % 6]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(sentences_, min_size=1, max_size=12).map(" ".join), min_size=1, max_size=8
    ).map("\n\n".join),
    st.integers(200, 600),
)
def test_every_chunk_is_the_sections_own_text(text: str, size: int) -> None:
    """No separator pattern, nothing added: each chunk is a stretch of the section as written
    (white space aside), and together the chunks cover every word of it."""
    pieces = split_text(text, size, 60)
    assert pieces
    squashed = _squash(text)
    for piece in pieces:
        assert "(?<=" not in piece
        assert _squash(piece) in squashed
        assert len(piece) <= size
    covered = " ".join(_squash(p) for p in pieces).split()
    assert set(covered) == set(squashed.split())
