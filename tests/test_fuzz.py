"""Bad input, fuzzed: every reader of user-given input either returns a correct result or
raises the project's own located error; never another exception, a hang, or a document half
ingested. The examples are bounded for CI; ``make fuzz`` runs the same tests with many more
(``HYPOTHESIS_PROFILE=fuzz``).

Known shapes that once broke the build are pinned as explicit cases: front matter nested
5,000 brackets deep, YAML aliases (billion laughs), a 2 MB line of one repeated word, binary
files, bidi and zero-width characters, NUL and terminal escapes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from assistant.cli.app import app
from assistant.config import Settings
from assistant.corpus.loader import DocumentError, parse_document
from assistant.corpus.markings import MarkingError, parse_portion
from assistant.corpus.partners import load_registry
from assistant.errors import LiaisonError
from assistant.index.sync import sync
from assistant.language.tbx import parse_tbx
from assistant.language.termfile import parse_termbase
from assistant.service import Assistant
from tests.conftest import make_corpus, write_doc
from tests.fakes import FakeEmbedder, MemoryStore

FUZZ = settings(
    max_examples=int(os.environ.get("LIAISON_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ODD = st.sampled_from(
    ["\x00", "\x1b[31m", "\u202e", "\u200b", "\ufeff", "\t", "\r", "é", "ő", "\u2028", "\\", ":"]
)
YAMLISH = st.lists(
    st.one_of(
        st.sampled_from(
            ["id:", "title:", "kind:", "handling:", "classification:", "rel_to:", "[", "]",
             "{", "}", "- ", "&a", "*a", "!!python/object", "'", '"', "\n", "  ", "---", "...",
             "SECRET", "XBO", "2026-13-45", "null", "~", "yes", "0x10"]
        ),
        ODD,
        st.text(max_size=6),
    ),
    max_size=40,
).map("".join)  # fmt: skip
FRONT = (
    "id: fz\ntitle: Fuzz\nkind: doctrine\nreviewed: 2026-05-01\n"
    "handling: {classification: S, originator: OWN}\n"
)


def _doc(front: str, body: str = "## (U) Part\n\nSome text.\n") -> str:
    return f"---\n{front}\n---\n{body}"


# -- front matter and markings ----------------------------------------------------------------
@FUZZ
@given(YAMLISH)
def test_front_matter(front: str) -> None:
    try:
        doc, _ = parse_document(_doc(front), path=Path("f.md"), source="c/f.md")
    except DocumentError as exc:
        assert exc.line >= 1 and exc.reason
    else:
        assert doc.meta.id


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(["(", ")", "//", "REL TO", "TLP:", "ORCON", "S", "TS",
                                           "U", "C", "R", " ", ",", "XBO", "xq", "GREEN"]), ODD),
                max_size=14).map("".join))  # fmt: skip
def test_portion_markings(heading: str) -> None:
    try:
        marking, title = parse_portion(heading)
    except MarkingError as exc:
        assert str(exc)
        return
    assert isinstance(title, str)
    try:
        doc, _ = parse_document(
            _doc(FRONT, f"## {heading}\n\ntext\n"), path=Path("f.md"), source="c/f.md"
        )
    except DocumentError as exc:
        assert exc.reason
    else:
        if marking is not None and doc.sections:
            assert doc.sections[-1].handling.classification == marking.classification


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(["#", "##", " ", "\n", "```", "~~~", ">", "- ", "(S)",
                                           "(U)", "===", "---", "<!--", "-->", "\\", "    "]),
                          ODD, st.text(max_size=5)), max_size=40).map("".join))  # fmt: skip
def test_document_bodies(body: str) -> None:
    try:
        doc, _ = parse_document(_doc(FRONT, body), path=Path("f.md"), source="c/f.md")
    except DocumentError as exc:
        assert exc.reason and exc.line >= 1
    else:
        assert all(s.text.strip() for s in doc.sections)


@pytest.mark.parametrize(
    ("front", "reason"),
    [
        (FRONT + "x: " + "[" * 5000 + "]" * 5000, "nest"),
        (FRONT + "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a]\n", "aliases"),
        (FRONT + "topics: !!python/object/apply:os.system ['true']\n", "constructor"),
    ],
)
def test_hostile_yaml_is_refused_with_its_line(front: str, reason: str) -> None:
    with pytest.raises(DocumentError) as exc:
        parse_document(_doc(front), path=Path("f.md"), source="c/f.md")
    assert reason in exc.value.reason and exc.value.line >= 2


# -- whole files through the loader and sync ---------------------------------------------------
HOSTILE_FILES: dict[str, bytes] = {
    "long-line.md": _doc(FRONT, "## Text\n\n" + "liaison " * 40_000 + "\n").encode(),
    "two-mb-line.md": _doc(FRONT, "## Text\n\n" + "liaison " * 262_144 + "\n").encode(),
    "huge.md": _doc(FRONT, "## Text\n\n" + ("A short line.\n" * 90_000)).encode(),
    "binary.md": b"---\nid: bin\n\x00\x01\x02\x89PNG\r\n",
    "latin1.md": _doc(FRONT.replace("fz", "lat"), "## Caf\xe9\n").encode("latin-1"),
}


def test_hostile_files_are_rejected_with_path_line_and_reason(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "c")
    for name, data in HOSTILE_FILES.items():
        (corpus / name).write_bytes(data)
    write_doc(corpus, "good.md", FRONT.replace("fz", "good"), "## Fine\n\nA good document.\n")
    store = MemoryStore()
    report = sync(
        Settings(store=str(tmp_path / "s"), model="fake"), [corpus], store=store,
        embedder=FakeEmbedder(),
    )  # fmt: skip
    reasons = {Path(p.path).name: p for p in report.rejected}
    assert set(reasons) == set(HOSTILE_FILES)
    assert "line too long" in reasons["long-line.md"].reason
    assert reasons["long-line.md"].line == 11
    assert "too large" in reasons["huge.md"].reason
    assert "too large" in reasons["two-mb-line.md"].reason
    assert "binary" in reasons["binary.md"].reason and reasons["binary.md"].line == 3
    assert "not UTF-8" in reasons["latin1.md"].reason
    assert store.doc_ids() == {"good"}  # the rest is ingested, nothing half


@FUZZ
@given(YAMLISH)
def test_partners_yaml(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("p") / "partners.yaml"
    path.write_text("partners:\n" + text, encoding="utf-8")
    try:
        registry = load_registry(path)
    except LiaisonError as exc:
        assert str(path) in exc.message
    else:
        assert all(len(code) == 3 for code in registry.partners)


@FUZZ
@given(YAMLISH)
def test_termbase_yaml(text: str) -> None:
    try:
        termbase = parse_termbase("concepts:\n" + text)
    except LiaisonError as exc:
        assert exc.message
    else:
        assert all(c.id for c in termbase)


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(["<tbx>", "</tbx>", "<conceptEntry id='a'>",
                                           "</conceptEntry>", "<langSec xml:lang='hu'>",
                                           "</langSec>", "<term>", "</term>", "<!DOCTYPE x [",
                                           "<!ENTITY e 'x'>", "]>", "&e;", "<martif>", "&"]),
                          ODD, st.text(max_size=5)), max_size=30).map("".join))  # fmt: skip
def test_tbx(text: str) -> None:
    try:
        result = parse_tbx(text)
    except LiaisonError as exc:
        assert exc.message
    else:
        assert all(c.id for c in result.termbase)


# -- questions, batch input and command lines -------------------------------------------------
@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("small")
    corpus = make_corpus(root / "c", {"a.md": (FRONT.replace("fz", "a"), "## (U) A\n\nText.\n")})
    settings = Settings(store=str(root / "s"), model="fake", audit={"enabled": False})
    store, embedder = MemoryStore(), FakeEmbedder()
    sync(settings, [corpus], store=store, embedder=embedder)
    return Assistant(settings, store=store, embedder=embedder, audited=False)  # type: ignore[arg-type]


@FUZZ
@given(st.text(max_size=300) | st.lists(ODD, max_size=50).map("".join), st.sampled_from([None, "XBO", "Borealia", "XQQ", "", " x "]))  # fmt: skip
def test_questions(small: Assistant, question: str, audience: str | None) -> None:
    try:
        answer = small.ask(question, audience=audience)
    except LiaisonError as exc:
        assert exc.exit_code == 2
    else:
        assert answer.text
        json.dumps(answer.as_dict())


def test_an_overlong_question_is_refused_with_its_limit(small: Assistant) -> None:
    with pytest.raises(LiaisonError, match="too long"):
        small.ask("why " * 600)


runner = CliRunner()


@FUZZ
@given(st.binary(max_size=400))
def test_batch_input(
    small: Assistant, tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    from assistant.cli import render

    path = tmp_path_factory.mktemp("b") / "batch.txt"
    path.write_bytes(data)
    code = render.run_batch(
        str(path), lambda q: (small.search(q).hits and {"query": q}) or {"q": q}
    )
    assert code in (0, 2)


@FUZZ
@given(
    st.lists(
        st.sampled_from(
            ["check", "term", "status", "audit", "show", "verify", "head", "--to", "--json",
             "--since", "2026-13-01", "--user", "--audience", "XBO", "XQQ", "--corpus", "--store",
             "/nonexistent", "--k", "0", "99", "-", "\x1b[2J", "\u202e", "gift", "ingest",
             "--rebuild", "--no-wait", "--lesson", "x"]
        ),
        max_size=7,
    )
)  # fmt: skip
def test_command_lines(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 1, 2), (args, result.output)
    assert "Traceback" not in result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args}: {result.exception!r}")


def test_a_document_can_never_write_escapes_to_the_terminal(tmp_path: Path) -> None:
    """Text with ESC, NUL and bidi controls is shown escaped by search and ask; JSON keeps it."""
    from assistant.cli import render

    corpus = make_corpus(
        tmp_path / "c",
        {
            "esc.md": (
                FRONT.replace("fz", "esc").replace("S,", "U,").replace("title: Fuzz", "title: T\u202eitle"),
                "## (U) Notes\n\nThe partner \x1b[31mred\x1b]0;pwned\x07 note \u202eabout gifts.\n",
            )
        },
    )  # fmt: skip
    settings = Settings(store=str(tmp_path / "s"), model="fake")
    store, embedder = MemoryStore(), FakeEmbedder()
    report = sync(settings, [corpus], store=store, embedder=embedder)
    (problem,) = report.rejected  # a bidi control in the title would disguise it: refused
    assert problem.line == 3 and "title holds an invisible or control character" in problem.reason
    (corpus / "esc.md").write_text(
        (corpus / "esc.md").read_text().replace("T\u202eitle", "Title"), encoding="utf-8"
    )
    sync(settings, [corpus], store=store, embedder=embedder)
    assistant = Assistant(settings, store=store, embedder=embedder)  # type: ignore[arg-type]
    result = assistant.search("partner note about gifts")
    with render.out.capture() as captured:
        render.search_result(result, as_json=False)
    shown = captured.get()
    assert "\x1b[31m" not in shown and "\x1b]0;" not in shown and "\u202e" not in shown
    assert "\\x1b[31m" in shown and "\\x07" in shown and "\\u202e" in shown
    as_json = json.dumps(render.search_dict(result))
    assert "\\u001b[31m" in as_json  # JSON keeps the exact text, escaped as JSON does


@FUZZ
@given(YAMLISH)
def test_the_exchange_ledger(text: str) -> None:
    from assistant.corpus.ledger import LedgerError, parse_ledger
    from tests.conftest import registry_of

    head = "handling: {classification: U, originator: OWN}\nexchanges:\n  - "
    try:
        ledger = parse_ledger(head + text, "ledger.yaml", registry_of("XBO"), set())
    except LedgerError as exc:
        assert exc.problems and all(line >= 0 and reason for line, reason in exc.problems)
    else:
        assert all(e.partner == "XBO" for e in ledger.exchanges)


@pytest.mark.parametrize("date", ["2026-13-40", "2026-02-30", "99999-01-01"])
def test_an_impossible_date_is_a_located_error(date: str) -> None:
    front = FRONT.replace("reviewed: 2026-05-01", f"reviewed: {date}")
    with pytest.raises(DocumentError) as exc:
        parse_document(_doc(front), path=Path("f.md"), source="c/f.md")
    assert (exc.value.line == 5 and "reviewed" in exc.value.reason) or "value" in exc.value.reason
