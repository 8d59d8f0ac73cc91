"""The shipped corpus is valid, complete and consistent (issue: the shipped corpus)."""

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from assistant.corpus.document import Kind
from assistant.corpus.loader import load_corpus
from assistant.corpus.markings import OWN

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def load():  # type: ignore[no-untyped-def]
    return load_corpus([CORPUS])


def _words(doc) -> int:  # type: ignore[no-untyped-def]
    return len(doc.path.read_text(encoding="utf-8").split("---", 2)[2].split())


def test_whole_corpus_loads_without_problems_or_warnings(load) -> None:  # type: ignore[no-untyped-def]
    assert load.problems == []
    assert load.warnings == []
    assert load.registry is not None


def test_doctrine_size_and_markings(load) -> None:  # type: ignore[no-untyped-def]
    doctrine = [d for d in load.documents if d.meta.kind is Kind.DOCTRINE]
    assert len(doctrine) >= 12
    for doc in doctrine:
        assert 300 <= _words(doc) <= 1200, (doc.id, _words(doc))
        assert doc.banner.classification is not None
        assert doc.banner.classification.value == "UNCLASSIFIED" and doc.banner.originator == OWN


def test_etiquette_and_lessons(load) -> None:  # type: ignore[no-untyped-def]
    kinds = Counter(d.meta.kind for d in load.documents)
    assert kinds[Kind.ETIQUETTE] >= 5
    lessons = sorted(
        (d for d in load.documents if d.meta.kind is Kind.LESSON), key=lambda d: d.meta.order or 0
    )
    assert len(lessons) >= 8
    assert [d.meta.order for d in lessons] == list(range(1, len(lessons) + 1))
    ids = {d.id for d in load.documents}
    for lesson in lessons:
        assert len(lesson.meta.quiz) >= 3, lesson.id
        for q in lesson.meta.quiz:
            assert q.source in ids and q.answer in q.choices


def test_partner_notes_cover_every_registered_partner(load) -> None:  # type: ignore[no-untyped-def]
    registry = load.registry
    notes = [d for d in load.documents if d.meta.kind is Kind.PARTNER_NOTE]
    assert len(registry.partners) >= 8
    mentioned: set[str] = set()
    for doc in notes:
        text = doc.path.read_text(encoding="utf-8")
        mentioned |= set(re.findall(r"\bX[A-Z]{2}\b", text))
        if doc.meta.partner:
            mentioned.add(doc.meta.partner)
        h = doc.banner
        mentioned |= set(h.rel_to) | {c.to for c in h.consents}
        if h.originator and h.originator != OWN:
            mentioned.add(h.originator)
    assert mentioned <= set(registry.partners), mentioned - set(registry.partners)
    profiled = {d.meta.partner for d in notes if d.id.endswith("-profile")}
    assert profiled == set(registry.partners)
    # Some partner-originated material with TLP, ORCON and consents for the release rules.
    foreign = [d for d in notes if d.banner.originator not in (None, OWN)]
    assert any(d.banner.tlp for d in foreign)
    assert any(d.banner.orcon for d in foreign)
    assert any(d.banner.consents for d in foreign)
    # Every profile has a portion released to fewer partners than its banner.
    for doc in (d for d in notes if d.id.endswith("-profile")):
        banner = set(doc.banner.rel_to)
        assert any(
            set(s.handling.rel_to) < banner or (s.handling.orcon and not doc.banner.orcon)
            for s in doc.sections
        ), doc.id


def test_eval_set_references_exist_and_covers_the_brief(load) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load((ROOT / "tests" / "eval" / "questions.yaml").read_text(encoding="utf-8"))
    questions = data["questions"]
    assert len(questions) >= 80
    ids = {d.id for d in load.documents}
    for q in questions:
        assert set(q["expected"]) <= ids, (q["id"], set(q["expected"]) - ids)
        assert bool(q["abstain"]) == (q["expected"] == [])
    assert sum(q["language"] in ("hu", "de", "fr") for q in questions) >= 10
    assert sum(bool(q["abstain"]) for q in questions) >= 15
    categories = Counter(q["category"] for q in questions)
    for needed in ("protocol", "sharing", "translation", "doctrine", "officer"):
        assert categories[needed] >= 5, needed
    assert len({q["id"] for q in questions}) == len(questions)


def test_termbase_has_the_core_languages() -> None:
    data = yaml.safe_load((CORPUS / "termbase.yaml").read_text(encoding="utf-8"))
    concepts = data["concepts"]
    assert len(concepts) >= 80
    for concept in concepts:
        for lang in ("en", "hu", "de", "fr"):
            assert concept["terms"].get(lang), (concept["id"], lang)
