from pathlib import Path

from assistant.corpus.loader import load_corpus
from assistant.corpus.markings import Level
from tests.conftest import make_corpus, write_doc

GOOD = """id: good-doc
title: Good document
kind: doctrine
topics: [levels]
reviewed: 2026-05-01
handling:
  classification: CONFIDENTIAL
  originator: OWN
  rel_to: [XBO, XMA]
"""


def _reasons(load) -> dict[str, tuple[int, str]]:  # type: ignore[no-untyped-def]
    return {Path(p.path).name: (p.line, p.reason) for p in load.problems}


def test_valid_document_and_portions(tmp_path: Path) -> None:
    body = (
        "Intro text under the banner.\n\n"
        "## (U) Public background\n\nOpen text.\n\n### Detail\n\nStill public.\n\n"
        "## (C//REL TO XBO) Contacts\n\nNames.\n\n"
        "## Closing\n\nBanner again.\n"
    )
    root = make_corpus(tmp_path / "c", {"doctrine/good.md": (GOOD, body)})
    load = load_corpus([root])
    assert load.problems == []
    (doc,) = load.documents
    by_title = {s.title: s for s in doc.sections}
    assert by_title[""].handling.classification is Level.CONFIDENTIAL
    assert by_title["Public background"].handling.classification is Level.UNCLASSIFIED
    # A sub-heading without its own marking stays in its parent's portion.
    assert by_title["Public background > Detail"].handling.classification is Level.UNCLASSIFIED
    assert by_title["Public background"].handling.rel_to == ("XBO", "XMA")
    assert by_title["Contacts"].handling.rel_to == ("XBO",)
    # The next heading of the same level ends the portion: back to the banner.
    assert by_title["Closing"].handling.classification is Level.CONFIDENTIAL
    assert load.registry is not None and "XBO" in load.registry


def test_bad_input_is_reported_with_path_line_reason(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "c", {"ok.md": (GOOD, "## A\n\ntext\n")})
    (root / "bad-yaml.md").write_text("---\nid: x\ntitle: [unclosed\n---\nbody\n")
    (root / "latin1.md").write_bytes(b"---\nid: l\n---\nline two\ncaf\xe9\n")
    write_doc(
        root,
        "unknown-level.md",
        GOOD.replace("good-doc", "u1").replace("CONFIDENTIAL", "SECRETISH"),
    )
    write_doc(root, "bad-code.md", GOOD.replace("good-doc", "u2").replace("XMA", "XMAX"))
    write_doc(
        root, "undermarks.md", GOOD.replace("good-doc", "u3"), "intro\n\n## (S) Too high\n\nx\n"
    )
    write_doc(root, "green.md", GOOD.replace("good-doc", "u4") + "  tlp: GREEN\n")
    (root / "nofront.md").write_text("# Just markdown\n")
    (root / "empty.md").write_text("  \n")
    reasons = _reasons(load_corpus([root]))
    assert reasons["bad-yaml.md"][1].startswith("bad YAML")
    assert reasons["bad-yaml.md"][0] >= 3
    assert reasons["latin1.md"] == (5, "text is not UTF-8")
    assert "unknown classification" in reasons["unknown-level.md"][1]
    assert reasons["unknown-level.md"][0] == 8  # the classification line
    assert "three-letter" in reasons["bad-code.md"][1]
    assert reasons["undermarks.md"][1].startswith("banner under-marks portion")
    assert reasons["undermarks.md"][0] == 14
    assert "community" in reasons["green.md"][1]
    assert "front matter" in reasons["nofront.md"][1]
    assert "empty.md" not in reasons
    load = load_corpus([root])
    assert [d.id for d in load.documents] == ["good-doc"]
    assert any("empty" in w.reason for w in load.warnings)


def test_duplicate_ids_reject_every_file(tmp_path: Path) -> None:
    root = make_corpus(
        tmp_path / "c",
        {
            "a.md": (GOOD, "x\n"),
            "b.md": (GOOD, "y\n"),
            "c.md": (GOOD.replace("good-doc", "other"), "z\n"),
        },
    )
    load = load_corpus([root])
    assert [d.id for d in load.documents] == ["other"]
    reasons = _reasons(load)
    assert set(reasons) == {"a.md", "b.md"}
    assert all("duplicate id 'good-doc'" in r for _, r in reasons.values())
    assert reasons["a.md"][0] == 2


def test_missing_handling_is_a_warning_and_unmarked(tmp_path: Path) -> None:
    front = "id: nomark\ntitle: No marks\nkind: doctrine\nreviewed: 2026-01-01\n"
    root = make_corpus(tmp_path / "c", {"n.md": (front, "## (U) Portion\n\ntext\n")})
    load = load_corpus([root])
    assert load.problems == []
    assert any("unmarked" in w.reason for w in load.warnings)
    (doc,) = load.documents
    assert all(not s.handling.is_marked for s in doc.sections)


def test_readme_and_hidden_files_are_not_documents(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "c", {"ok.md": (GOOD, "x\n")})
    (root / "README.md").write_text("# About this corpus\n")
    (root / ".draft.md").write_text("junk")
    load = load_corpus([root])
    assert load.problems == [] and len(load.documents) == 1


def test_lesson_quiz_is_validated(tmp_path: Path) -> None:
    lesson = (
        "id: lesson-1\ntitle: L1\nkind: lesson\nreviewed: 2026-01-01\norder: 1\n"
        "handling: {classification: U, originator: OWN}\n"
        "quiz:\n  - question: Q?\n    choices: [a, b]\n    answer: c\n    source: good-doc\n"
    )
    root = make_corpus(tmp_path / "c", {"ok.md": (GOOD, "x\n"), "l.md": (lesson, "t\n")})
    reasons = _reasons(load_corpus([root]))
    assert "not one of its choices" in reasons["l.md"][1]
    write_doc(root, "l.md", lesson.replace("answer: c", "answer: a").replace("good-doc", "nope"))
    reasons = _reasons(load_corpus([root]))
    assert "quiz source 'nope'" in reasons["l.md"][1]
