"""Red team: a SECRET document with a (U) portion followed by a (S) portion, in layouts where a
reader of the Markdown and a careless parser disagree on where the (S) portion starts.

Whatever the reader does with each layout, the SECRET text never reaches an audience that the
banner denies it to: either the document is rejected (with its line and a reason), or the
SECRET canary sits only in sections the audience may not see. The first five layouts leaked
through the hand-written reader this replaced; the rest are their cousins.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.corpus.loader import load_corpus
from assistant.corpus.partners import load_registry
from assistant.index.sync import sync
from assistant.policy.rules import visible
from assistant.service import Assistant
from tests.conftest import make_corpus
from tests.fakes import FakeEmbedder, MemoryStore

TODAY = dt.date(2026, 10, 1)
SECRET = "CANARYSECRET"
PUBLIC = "CANARYPUBLIC"
FRONT = """\
id: red-md
title: Source handling note
kind: procedure
reviewed: 2026-09-01
handling:
  classification: SECRET
  originator: OWN
"""
PUBLIC_PART = f"## (U) Public background\n\nThe {PUBLIC} text is releasable to every partner.\n"
SECRET_TEXT = f"The {SECRET} text names a source and goes to no partner."

# name -> (body, must the document be rejected?)
LAYOUTS: dict[str, tuple[str, bool]] = {
    # The five that leaked: the (S) heading was not seen, so its text fell under (U).
    "inline-backticks": (
        f"{PUBLIC_PART}\n```inline``` is a code span, not a fence\n\n"
        f"## (S) Source reporting\n\n{SECRET_TEXT}\n",
        False,
    ),
    "indented-heading": (
        f"{PUBLIC_PART}\n   ## (S) Source reporting\n\n{SECRET_TEXT}\n",
        False,
    ),
    "setext-heading": (
        f"{PUBLIC_PART}\n(S) Source reporting\n--------------------\n\n{SECRET_TEXT}\n",
        False,
    ),
    "tilde-fence-with-backticks": (
        f"{PUBLIC_PART}\n~~~~\n```\nnot a fence inside a tilde fence\n~~~~\n\n"
        f"## (S) Source reporting\n\n{SECRET_TEXT}\n",
        False,
    ),
    "unclosed-fence": (
        f"{PUBLIC_PART}\n```shell\n% echo the fence is never closed\n\n"
        f"## (S) Source reporting\n\n{SECRET_TEXT}\n",
        True,
    ),
    # Cousins: structures that hide the marking from CommonMark, or look like one.
    "setext-equals": (
        f"{PUBLIC_PART}\n(S) Source reporting\n===\n\n{SECRET_TEXT}\n",
        False,
    ),
    "atx-closing-hashes": (
        f"{PUBLIC_PART}\n## (S) Source reporting ##\n\n{SECRET_TEXT}\n",
        False,
    ),
    "marking-in-fence": (
        f"{PUBLIC_PART}\n```\n## (S) Source reporting\n{SECRET_TEXT}\n```\n",
        True,
    ),
    "indented-code-block": (
        f"{PUBLIC_PART}\n    ## (S) Source reporting\n\n    {SECRET_TEXT}\n",
        True,
    ),
    "tab-indented-heading": (
        f"{PUBLIC_PART}\n\t## (S) Source reporting\n\n{SECRET_TEXT}\n",
        True,
    ),
    "html-comment": (
        f"{PUBLIC_PART}\n<!--\n## (S) Source reporting\n{SECRET_TEXT}\n-->\n",
        True,
    ),
    "blockquote-heading": (
        f"{PUBLIC_PART}\n> ## (S) Source reporting\n>\n> {SECRET_TEXT}\n",
        True,
    ),
    "list-item-heading": (
        f"{PUBLIC_PART}\n- item\n  ## (S) Source reporting\n\n  {SECRET_TEXT}\n",
        True,
    ),
    "no-space-after-hashes": (
        f"{PUBLIC_PART}\n##(S) Source reporting\n\n{SECRET_TEXT}\n",
        True,
    ),
    "escaped-hashes": (
        f"{PUBLIC_PART}\n\\## (S) Source reporting\n\n{SECRET_TEXT}\n",
        True,
    ),
    "trailing-marking": (
        f"{PUBLIC_PART}\n## Source reporting (S)\n\n{SECRET_TEXT}\n",
        True,
    ),
    "paragraph-marking": (
        f"{PUBLIC_PART}\n(S) {SECRET_TEXT}\n",
        True,
    ),
    "list-item-marking": (
        f"{PUBLIC_PART}\n- (S) {SECRET_TEXT}\n",
        True,
    ),
    "heading-in-html-block": (
        f"{PUBLIC_PART}\n<div>\n## (S) Source reporting\n{SECRET_TEXT}\n</div>\n",
        True,
    ),
}


@pytest.fixture
def registry(tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_registry(make_corpus(tmp_path / "reg") / "partners.yaml")


def _corpus(root: Path, body: str) -> Path:
    return make_corpus(root, {"procedure/red.md": (FRONT, body)})


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_secret_text_never_reaches_a_denied_audience(name: str, tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    body, rejected = LAYOUTS[name]
    load = load_corpus([_corpus(tmp_path / "c", body)])
    if rejected:
        assert not load.documents, f"{name}: the ambiguous document was ingested"
        (problem,) = load.problems
        assert problem.path.endswith("red.md") and problem.line > 5 and problem.reason
        return
    assert not load.problems, load.problems
    (doc,) = load.documents
    for section in doc.sections:
        for partner in ("XBO", "XMA"):
            if visible(
                section.handling,
                clearance=Settings().clearance,
                audience=partner,
                registry=registry,
                today=TODAY,
            ):
                assert SECRET not in section.text, f"{name}: SECRET text released to {partner}"
    # The (S) portion is a section of its own, found where a reader sees it.
    secret = [s for s in doc.sections if SECRET in s.text]
    assert secret and all(s.handling.classification.short == "S" for s in secret)
    assert any(PUBLIC in s.text and s.handling.classification.short == "U" for s in doc.sections)


@pytest.mark.parametrize("name", ["unclosed-fence", "marking-in-fence", "blockquote-heading"])
def test_rejections_name_the_line_and_the_reason(name: str, tmp_path: Path) -> None:
    body, _ = LAYOUTS[name]
    (problem,) = load_corpus([_corpus(tmp_path / "c", body)]).problems
    lines = (tmp_path / "c" / "procedure" / "red.md").read_text().splitlines()
    assert "(S) Source reporting" in lines[problem.line - 1]
    expected = {
        "unclosed-fence": "never closed",
        "marking-in-fence": "inside a code block",
        "blockquote-heading": "inside a block quote",
    }[name]
    assert expected in problem.reason


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_search_and_ask_for_a_partner_never_return_the_secret_text(
    name: str, tmp_path: Path
) -> None:
    """The whole way: ingest, then search and ask for each partner audience."""
    body, _ = LAYOUTS[name]
    root = _corpus(tmp_path / "c", body)
    settings = Settings(store=str(tmp_path / "store"), today=TODAY)
    store, embedder = MemoryStore(), FakeEmbedder()
    sync(settings, [root], store=store, embedder=embedder)
    assistant = Assistant(settings, store=store, embedder=embedder)  # type: ignore[arg-type]
    for audience in ("XBO", "XMA"):
        for query in ("source reporting text", f"{SECRET} names a source", PUBLIC):
            result = assistant.search(query, audience=audience, k=10)
            assert all(SECRET not in h.text for h in result.hits), (name, audience)
            answer = assistant.ask(query, audience=audience)
            assert SECRET not in answer.text, (name, audience)
            assert all(SECRET not in h.text for h in answer.citations), (name, audience)
    # Own use (no audience) still finds the SECRET text when the document was ingested: the
    # check above is not passing because nothing was indexed.
    if not LAYOUTS[name][1]:
        own = assistant.search(f"{SECRET} names a source", k=10)
        assert any(SECRET in h.text for h in own.hits)
