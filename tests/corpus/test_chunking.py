from pathlib import Path

from assistant.corpus.chunking import chunk_document
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
