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


# -- cutting by structure ----------------------------------------------------------------------
def _prose(n: int, word: str) -> str:
    return " ".join(f"The {word} sentence number {i} says something useful." for i in range(n))


def test_a_lead_in_stays_with_its_list_and_a_long_list_is_cut_between_items() -> None:
    items = "\n".join(
        f"{i}. Item {i} of the ordered list, with a few more words." for i in range(1, 13)
    )
    text = f"{_prose(6, 'opening')}\n\nThe list is ordered as follows:\n\n{items}\n\n{_prose(3, 'closing')}"
    pieces = split_text(text, 300, 40)
    with_lead = next(p for p in pieces if "ordered as follows:" in p)
    assert with_lead.rstrip().split("\n")[-1].startswith(tuple(f"{i}." for i in range(1, 13)))
    assert not any(p.rstrip().endswith("as follows:") for p in pieces)
    for piece in pieces:  # no item is cut inside
        for line in piece.splitlines():
            if line[:1].isdigit():
                assert line.endswith("more words.")
    assert _squash(" ".join(pieces)).count("Item 12 of") == 1


def test_a_code_fence_is_never_cut_into_prose() -> None:
    code = "\n".join(f"% tools/run-step --number {i} --verbose" for i in range(40))
    text = f"{_prose(2, 'intro')}\n\n~~~~shell\n{code}\n~~~~\n\n{_prose(2, 'outro')}"
    pieces = split_text(text, 300, 40)
    fenced = [p for p in pieces if "tools/run-step" in p]
    assert len(fenced) >= 2
    for piece in fenced:
        assert piece.splitlines()[0] == "~~~~shell" and piece.splitlines()[-1] == "~~~~"
    from assistant.corpus.passage import units

    for piece in fenced:
        assert all(u.kind == "code" for u in units(piece) if "run-step" in u.text)


def test_a_long_table_is_cut_between_rows_each_piece_under_its_header() -> None:
    rows = "\n".join(f"| meeting type {i} | led by officer {i} |" for i in range(30))
    text = f"| Meeting | Led by |\n| --- | --- |\n{rows}"
    pieces = split_text(text, 300, 40)
    assert len(pieces) >= 2
    from assistant.corpus.passage import units

    for piece in pieces:
        assert piece.startswith("| Meeting | Led by |\n| --- | --- |")
        assert all(u.kind == "row" and u.text.startswith("Meeting: ") for u in units(piece))


def test_the_pieces_hold_every_line_of_the_shipped_corpus() -> None:
    from assistant.corpus.loader import load_corpus
    from tests.conftest import SHIPPED

    for doc in load_corpus([SHIPPED]).documents:
        for section in doc.sections:
            pieces = split_text(section.text, 900, 0)
            assert _squash(" ".join(pieces)).replace(" ", "") == _squash(section.text).replace(
                " ", ""
            ), (doc.id, section.title)


def test_a_procedure_a_little_longer_than_a_chunk_stays_whole() -> None:
    steps = "\n".join(
        f"{i}. Step {i} of receiving the delegation, described in a sentence of some length."
        for i in range(1, 6)
    )
    text = f"{_prose(3, 'opening')}\n\nThe delegation is received in this order:\n\n{steps}"
    pieces = split_text(text, 300, 40)
    whole = [p for p in pieces if "in this order:" in p]
    assert len(whole) == 1 and all(f"{i}. Step {i}" in whole[0] for i in range(1, 6))
    assert 300 < len(whole[0]) <= 450
    # Twice the chunk size is too long to keep: cut between items, as before.
    assert len([p for p in split_text(text, 200, 40) if "Step" in p]) > 1
