"""The termbase: loading (with path and line on bad input), look-up in every language and
through typos, the ``liaison term`` command, and the store's snapshot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from assistant.cli.app import app
from assistant.errors import BadInput, NotFound
from assistant.index import snapshot
from assistant.index.snapshot import (
    SNAPSHOT_FILE,
    load_termbase_snapshot,
    open_termbase,
    save_termbase_snapshot,
)
from assistant.language.termbase import Status, Termbase, lookup_term
from assistant.language.termfile import TERMBASE_FILE, TermbaseError, load_termbase, parse_termbase
from assistant.text import fold
from tests.conftest import SHIPPED, make_corpus

CORE = ("en", "hu", "de", "fr")

SAMPLE_YAML = """\
concepts:
  - id: do-ut-des
    subject: sharing
    definition: The reciprocity principle of intelligence exchange.
    terms:
      en: [do ut des, reciprocity principle]
      hu: [do ut des, kölcsönösség elve]
      de: [do ut des, Gegenseitigkeitsprinzip]
      fr: [do ut des, principe de réciprocité]
  - id: liaison-officer
    subject: cooperation
    definition: An officer who is the standing link with a partner service.
    terms:
      en: [liaison officer, LO]
      hu: [összekötő tiszt]
      de: [Verbindungsbeamter, Verbindungsoffizier]
      fr: [officier de liaison]
      pl: [oficer łącznikowy]
  - id: level-of-cooperation
    subject: cooperation
    definition: A stage in the depth of a relationship, from protocol contacts at level zero to joint operations.
    terms:
      en: [level of cooperation, cooperation level]
      hu: [együttműködési szint]
      de: [Stufe der Zusammenarbeit]
      fr: [niveau de coopération]
"""


@pytest.fixture(scope="module")
def sample() -> Termbase:
    return parse_termbase(SAMPLE_YAML, source="sample.yaml")


@pytest.fixture(scope="module")
def shipped_termbase() -> Termbase:
    return load_termbase(SHIPPED / TERMBASE_FILE)


# -- the model -----------------------------------------------------------------------------------
def test_first_term_is_preferred_the_rest_admitted(sample: Termbase) -> None:
    concept = sample.get("liaison-officer")
    assert concept is not None
    de = concept.term_list("de")
    assert [(t.text, t.status) for t in de] == [
        ("Verbindungsbeamter", Status.PREFERRED),
        ("Verbindungsoffizier", Status.ADMITTED),
    ]
    assert concept.preferred("hu") == "összekötő tiszt"
    assert concept.preferred("sv") is None
    assert sample.languages[:4] == ["en", "hu", "de", "fr"]


def test_fold_ignores_case_accents_and_punctuation() -> None:
    assert fold("Összekötő  TISZT") == "osszekoto tiszt"
    assert fold("oficer łącznikowy") == "oficer lacznikowy"
    assert fold("do-ut-des") == "do ut des"
    assert fold("l'officier") == "l officier"


# -- look-up -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("liaison officer", "en"),
        ("összekötő tiszt", "hu"),
        ("Verbindungsbeamter", "de"),
        ("officier de liaison", "fr"),
        ("Verbindungsoffizier", "de"),
    ],
)
def test_lookup_in_each_core_language(sample: Termbase, text: str, language: str) -> None:
    found = sample.lookup(text)
    assert found is not None
    assert found.concept.id == "liaison-officer"
    assert found.exact
    assert found.matched.language == language


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("liason oficer", "liaison-officer"),  # two typos
        ("LIAISON OFFICER", "liaison-officer"),
        ("osszekoto tiszt", "liaison-officer"),  # no accents
        ("összekötő tisztet", "liaison-officer"),  # Hungarian accusative
        ("Verbindungsbeamtr", "liaison-officer"),
        ("officier de liasion", "liaison-officer"),  # transposition
        ("Gegenseitigkeitsprinzp", "do-ut-des"),
        ("kolcsonosseg elve", "do-ut-des"),
        ("principe de reciprocite", "do-ut-des"),
        ("the reciprocity principle", "do-ut-des"),
        ("do-ut-des", "do-ut-des"),  # the concept id
        ("oficer lacznikowy", "liaison-officer"),
    ],
)
def test_lookup_tolerates_case_accents_inflection_and_typos(
    sample: Termbase, text: str, concept: str
) -> None:
    found = sample.lookup(text)
    assert found is not None, text
    assert found.concept.id == concept


def test_short_terms_need_an_exact_match(sample: Termbase) -> None:
    assert sample.lookup("LO") is not None
    assert sample.lookup("LQ") is None
    assert sample.lookup("xyzzy quux") is None


def test_lookup_term_narrows_to_one_language_by_code_or_name(sample: Termbase) -> None:
    for to in ("hu", "Hungarian", "magyar", "HU"):
        result = lookup_term(sample, "Verbindungsbeamter", to)
        assert [(t.language, t.text) for t in result.terms] == [("hu", "összekötő tiszt")]
    everything = lookup_term(sample, "LO")
    assert {t.language for t in everything.terms} == {"en", "hu", "de", "fr", "pl"}


def test_concept_without_a_term_in_the_language_asked(sample: Termbase) -> None:
    result = lookup_term(sample, "do ut des", "pl")
    assert result.concept.id == "do-ut-des"
    assert result.terms == []
    assert result.as_dict()["terms"] == []


def test_terms_found_in_running_text(sample: Termbase) -> None:
    found = sample.find_in_text("Hol van az összekötő tisztek listája, és ki a LO?", ["hu"])
    assert [(m.concept.id, m.surface) for m in found] == [
        ("liaison-officer", "összekötő tisztek"),
        ("liaison-officer", "LO"),
    ]
    # A short term in lower case is an ordinary word ("ló" is a horse), not the acronym.
    assert sample.find_in_text("Ez a ló gyors.", ["hu"]) == []


def test_a_single_foreign_word_is_not_a_term_in_another_language() -> None:
    tb = parse_termbase(
        """\
concepts:
  - id: human-source
    subject: collection
    definition: A person who provides information.
    terms:
      en: [human source]
      de: [Quelle, menschliche Quelle]
      fr: [source humaine]
  - id: tlp
    subject: sharing
    definition: Traffic Light Protocol.
    terms:
      en: [Traffic Light Protocol, TLP]
      fr: [protocole TLP]
  - id: protocol
    subject: protocol
    definition: Ceremonial rules.
    terms:
      en: [protocol]
      de: [Protokoll]
      hu: [protokoll]
      fr: [protocole]
"""
    )
    # The French "quelle" (which) is not the German "Quelle" (source).
    assert tb.find_in_text("Quelle est la règle ?", ["fr"]) == []
    assert [m.concept.id for m in tb.find_in_text("Welche Quelle?", ["de"])] == ["human-source"]
    # Acronyms, English terms and words shared between languages (loanwords) still match.
    found = tb.find_in_text("A TLP és a protokoll, avagy protocol", ["hu"])
    assert [(m.concept.id, m.surface) for m in found] == [
        ("tlp", "TLP"),
        ("protocol", "protokoll"),
        ("protocol", "protocol"),
    ]
    assert [m.concept.id for m in tb.find_in_text("Das Protokoll", ["fr"])] == ["protocol"]


def test_lookup_term_errors_are_bad_input(sample: Termbase) -> None:
    with pytest.raises(NotFound) as missing:
        lookup_term(sample, "xyzzy quux")
    assert missing.value.exit_code == 2
    with pytest.raises(BadInput, match="unknown language"):
        lookup_term(sample, "LO", "klingon")
    with pytest.raises(BadInput, match="no Swedish terms"):
        lookup_term(sample, "LO", "sv")


def test_not_found_suggests_the_closest_term(sample: Termbase) -> None:
    with pytest.raises(NotFound) as missing:
        lookup_term(sample, "liaison officers of the service")
    assert missing.value.hint is not None
    assert "liaison officer" in missing.value.hint


def test_json_has_the_spec_shape(sample: Termbase) -> None:
    obj = lookup_term(sample, "kölcsönösség elve", "de").as_dict()
    assert set(obj) == {"query", "concept", "definition", "terms", "alternatives"}
    assert obj["query"] == "kölcsönösség elve"
    assert obj["concept"] == "do-ut-des"
    assert obj["definition"].startswith("The reciprocity principle")
    assert obj["terms"] == [
        {"language": "de", "term": "do ut des", "status": "preferred"},
        {"language": "de", "term": "Gegenseitigkeitsprinzip", "status": "admitted"},
    ]


# -- the shipped termbase ---------------------------------------------------------------------
def test_shipped_termbase_loads_and_covers_the_core_languages(
    shipped_termbase: Termbase,
) -> None:
    assert len(shipped_termbase) >= 50
    missing = [(c.id, lang) for c in shipped_termbase for lang in CORE if not c.terms.get(lang)]
    assert missing == []
    assert all(c.subject and c.definition for c in shipped_termbase)


def test_every_core_term_of_the_shipped_termbase_finds_its_concept(
    shipped_termbase: Termbase,
) -> None:
    wrong = []
    for concept in shipped_termbase:
        for lang in CORE:
            for text in concept.terms[lang]:
                found = shipped_termbase.lookup(text)
                owners = found and {fold(t.text) for t in found.concept.term_list()}
                if not found or fold(text) not in owners:
                    wrong.append((concept.id, lang, text))
    assert wrong == []


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("liaison officer", "liaison-officer"),
        ("összekötő tiszt", "liaison-officer"),
        ("Verbindungsbeamter", "liaison-officer"),
        ("officier de liaison", "liaison-officer"),
        ("protokolaris szint", "level-zero"),  # no accents, one letter missing
        ("Dolmetcher", "interpreter"),
        ("interprete", "interpreter"),
    ],
)
def test_shipped_lookups(shipped_termbase: Termbase, text: str, concept: str) -> None:
    found = shipped_termbase.lookup(text)
    assert found is not None
    assert found.concept.id == concept


# -- bad input names the file and line ---------------------------------------------------------
@pytest.mark.parametrize(
    ("old", "new", "line", "reason"),
    [
        ("      hu: [összekötő tiszt]", "      hu: [összekötő tiszt", 16, "sequence from line 15"),
        ("    subject: cooperation\n    definition: An", "    subjct: x\n    definition: An", 11,
         "subjct: unknown field"),
        ("      hu: [összekötő tiszt]", "      hun: [x]", 15, "two-letter"),
        ("      hu: [összekötő tiszt]", "      hu: []", 15, "terms.hu: must be a non-empty"),
        ("  - id: level-of-cooperation", "  - id: do-ut-des", 19, "duplicate concept id"),
        ("    definition: An officer who is the standing link with a partner service.\n", "",
         10, "definition: required field is missing"),
        ("  - id: liaison-officer", "  - id: Liaison Officer", 10, "lower-case"),
    ],
)  # fmt: skip
def test_broken_termbase_is_reported_with_line(old: str, new: str, line: int, reason: str) -> None:
    text = SAMPLE_YAML.replace(old, new, 1)
    assert text != SAMPLE_YAML
    with pytest.raises(TermbaseError) as exc:
        parse_termbase(text, source="corpus/termbase.yaml")
    assert isinstance(exc.value, BadInput)
    assert exc.value.line == line, exc.value.message
    assert reason in exc.value.reason
    assert exc.value.one_line().startswith(f"corpus/termbase.yaml:{line}: ")


def test_termbase_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / TERMBASE_FILE
    path.write_bytes(SAMPLE_YAML.encode("utf-8") + b"  - id: x\n    definition: caf\xe9\n")
    with pytest.raises(TermbaseError) as exc:
        load_termbase(path)
    assert exc.value.line == 28
    assert "UTF-8" in exc.value.reason


def test_yaml_round_trip(sample: Termbase) -> None:
    again = parse_termbase(sample.to_yaml())
    assert again.concepts == sample.concepts
    assert yaml.safe_load(sample.to_yaml())["concepts"][0]["terms"]["hu"] == [
        "do ut des",
        "kölcsönösség elve",
    ]


# -- the snapshot in the store -----------------------------------------------------------------
def _corpus_with_termbase(root: Path, text: str = SAMPLE_YAML) -> Path:
    make_corpus(root)
    (root / TERMBASE_FILE).write_text(text, encoding="utf-8")
    (root / "doctrine").mkdir()
    return root


def test_snapshot_is_found_above_a_synced_subfolder(tmp_path: Path) -> None:
    corpus = _corpus_with_termbase(tmp_path / "corpus")
    store = str(tmp_path / "store")
    assert load_termbase_snapshot(store) is None
    save_termbase_snapshot(store, [corpus / "doctrine"])
    snap = load_termbase_snapshot(store)
    assert snap is not None
    assert snap.concepts == parse_termbase(SAMPLE_YAML).concepts
    assert snap.source == str((corpus / TERMBASE_FILE).resolve())


def test_an_unchanged_termbase_is_not_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus_with_termbase(tmp_path / "corpus")
    store = str(tmp_path / "store")
    save_termbase_snapshot(store, [corpus])
    parsed: list[Path] = []
    real = snapshot.load_termbase
    monkeypatch.setattr(snapshot, "load_termbase", lambda p: parsed.append(p) or real(p))
    save_termbase_snapshot(store, [corpus])
    assert parsed == []
    changed = SAMPLE_YAML.replace(
        "concepts:\n",
        "concepts:\n  - id: extra\n    definition: The sky.\n    terms: {en: [sky]}\n",
    )
    assert changed != SAMPLE_YAML
    (corpus / TERMBASE_FILE).write_text(changed, encoding="utf-8")
    save_termbase_snapshot(store, [corpus])
    assert len(parsed) == 1
    snap = load_termbase_snapshot(store)
    assert snap is not None and len(snap) == 4


def test_broken_termbase_keeps_the_old_snapshot(tmp_path: Path) -> None:
    corpus = _corpus_with_termbase(tmp_path / "corpus")
    store = str(tmp_path / "store")
    save_termbase_snapshot(store, [corpus])
    (corpus / TERMBASE_FILE).write_text("concepts:\n  - id: [\n", encoding="utf-8")
    with pytest.raises(TermbaseError) as exc:
        save_termbase_snapshot(store, [corpus])
    assert exc.value.path.endswith(TERMBASE_FILE)
    assert exc.value.line >= 2
    snap = load_termbase_snapshot(store)
    assert snap is not None and len(snap) == 3


def test_termbase_removed_from_corpus_is_removed_from_store(tmp_path: Path) -> None:
    corpus = _corpus_with_termbase(tmp_path / "corpus")
    store = str(tmp_path / "store")
    save_termbase_snapshot(store, [corpus])
    elsewhere = tmp_path / "loose"
    elsewhere.mkdir()
    save_termbase_snapshot(store, [elsewhere])  # not a corpus: leaves the snapshot alone
    assert load_termbase_snapshot(store) is not None
    (corpus / TERMBASE_FILE).unlink()
    save_termbase_snapshot(store, [corpus])
    assert load_termbase_snapshot(store) is None


def test_damaged_snapshot_reads_as_none(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / SNAPSHOT_FILE).write_text("{not json", encoding="utf-8")
    assert load_termbase_snapshot(str(store)) is None


def test_open_termbase_prefers_corpus_then_snapshot_then_default(tmp_path: Path) -> None:
    corpus = _corpus_with_termbase(tmp_path / "corpus")
    other = _corpus_with_termbase(
        tmp_path / "other", SAMPLE_YAML.replace("id: do-ut-des", "id: quid-pro-quo")
    )
    store = str(tmp_path / "store")
    assert open_termbase(store, None, other).get("quid-pro-quo") is not None
    save_termbase_snapshot(store, [corpus])
    assert open_termbase(store, None, other).get("do-ut-des") is not None
    assert open_termbase(store, other, None).get("quid-pro-quo") is not None
    with pytest.raises(NotFound, match="no termbase"):
        open_termbase(str(tmp_path / "empty-store"), None, None)
    with pytest.raises(NotFound, match=TERMBASE_FILE):
        open_termbase(store, tmp_path / "loose", None)


# -- the command -------------------------------------------------------------------------------
def test_term_command_json_from_the_store_without_the_corpus(tmp_path: Path) -> None:
    corpus = _corpus_with_termbase(tmp_path / "corpus")
    store = tmp_path / "store"
    save_termbase_snapshot(str(store), [corpus])
    (corpus / TERMBASE_FILE).unlink()
    result = CliRunner().invoke(
        app, ["term", "Verbindungsbeamtr", "--to", "hu", "--store", str(store), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "query": "Verbindungsbeamtr",
        "concept": "liaison-officer",
        "definition": "An officer who is the standing link with a partner service.",
        "terms": [{"language": "hu", "term": "összekötő tiszt", "status": "preferred"}],
        "alternatives": [],
    }


def test_term_command_pretty_output_lists_every_language(tmp_path: Path) -> None:
    corpus = _corpus_with_termbase(tmp_path / "corpus")
    result = CliRunner().invoke(app, ["term", "LO", "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    for text in ("liaison officer", "összekötő tiszt", "Verbindungsoffizier", "oficer łącznikowy"):
        assert text in result.stdout
    assert "standing link" in result.stdout


def test_term_command_not_found_exits_2_with_one_line(tmp_path: Path) -> None:
    corpus = _corpus_with_termbase(tmp_path / "corpus")
    result = CliRunner().invoke(app, ["term", "xyzzy quux", "--corpus", str(corpus)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "no termbase entry for 'xyzzy quux'" in lines[0]


def test_term_lookup_stays_light() -> None:
    """``liaison term`` must not load torch, Chroma, the embedder or lingua."""
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from assistant.cli.app import app\n"
        f"r = CliRunner().invoke(app, ['term', 'összekötő tiszt', '--corpus', {str(SHIPPED)!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = ('torch', 'chromadb', 'sentence_transformers', 'lingua', 'textual')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"
