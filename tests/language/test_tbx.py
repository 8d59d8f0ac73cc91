"""TBX-Basic export and import: the round trip keeps every entry, the document has the TBX-Basic
structure terminology tools expect, and older or hostile files are handled."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app
from assistant.language.tbx import ADMITTED, PREFERRED, TBX_NS, XML_LANG, export_tbx, parse_tbx
from assistant.language.termbase import Concept, Termbase
from assistant.language.termfile import TERMBASE_FILE, TermbaseError, load_termbase, parse_termbase
from tests.conftest import SHIPPED
from tests.language.test_termbase import SAMPLE_YAML

NS = {"t": TBX_NS}


def _tricky() -> Termbase:
    return Termbase(
        (
            Concept(
                id="need-to-know",
                subject="security",
                definition="Access only when needed: \"need\" & <know>, not 'want'.",
                terms={
                    "en": ("need to know", "need-to-know principle"),
                    "hu": ("szükséges ismeret elve",),
                    "ru": ("принцип служебной необходимости",),
                },
                note="Agreed with Language Services, 2026.",
            ),
            Concept(
                id="5-eyes",  # an id that is not a valid XML ID as it stands
                subject=None,
                definition="A concept without English terms keeps its definition.",
                terms={"de": ("Fünf Augen",), "fr": ("Cinq Yeux", "Five Eyes")},
            ),
        ),
    )


def test_round_trip_of_the_shipped_termbase() -> None:
    termbase = load_termbase(SHIPPED / TERMBASE_FILE)
    result = parse_tbx(export_tbx(termbase))
    assert result.skipped == []
    assert result.termbase.concepts == termbase.concepts


def test_round_trip_keeps_special_characters_notes_and_odd_ids() -> None:
    termbase = _tricky()
    again = parse_tbx(export_tbx(termbase)).termbase
    assert again.concepts == termbase.concepts


def test_export_has_the_tbx_basic_structure() -> None:
    text = export_tbx(parse_termbase(SAMPLE_YAML))
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{{{TBX_NS}}}tbx"
    assert root.get("type") == "TBX-Basic"
    assert root.get("style") == "dca"
    assert root.get(XML_LANG) == "en"
    entries = root.findall("t:text/t:body/t:conceptEntry", NS)
    assert [e.get("id") for e in entries] == [
        "do-ut-des",
        "liaison-officer",
        "level-of-cooperation",
    ]
    officer = entries[1]
    assert officer.find("t:descrip[@type='subjectField']", NS).text == "cooperation"  # type: ignore[union-attr]
    langs = [sec.get(XML_LANG) for sec in officer.findall("t:langSec", NS)]
    assert langs == ["en", "hu", "de", "fr", "pl"]
    english = officer.findall("t:langSec", NS)[0]
    definition = english.find("t:descrip[@type='definition']", NS)
    assert definition is not None and definition.text.startswith("An officer")  # type: ignore[union-attr]
    terms = [
        (sec.findtext("t:term", namespaces=NS), sec.findtext("t:termNote", namespaces=NS))
        for sec in english.findall("t:termSec", NS)
    ]
    assert terms == [("liaison officer", PREFERRED), ("LO", ADMITTED)]
    notes = english.findall("t:termSec/t:termNote", NS)
    assert all(n.get("type") == "administrativeStatus" for n in notes)


MARTIF = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en-US">
  <text><body>
    <termEntry id="c1">
      <descrip type="subjectField">sharing</descrip>
      <langSet xml:lang="en-US">
        <descrip type="definition">The principle of reciprocity.</descrip>
        <tig><term>reciprocity principle</term>
          <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></tig>
        <ntig><termGrp><term>do ut des</term>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termGrp></ntig>
        <tig><term>tit for tat</term>
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
      </langSet>
      <langSet xml:lang="hu-HU">
        <tig><term>kölcsönösség elve</term></tig>
      </langSet>
    </termEntry>
  </body></text>
</martif>
"""


def test_import_of_tbx_v2_martif() -> None:
    result = parse_tbx(MARTIF)
    (concept,) = result.termbase.concepts
    assert concept.id == "c1"
    assert concept.subject == "sharing"
    assert concept.definition == "The principle of reciprocity."
    # The preferred term leads whatever its place in the file; deprecated terms are left out.
    assert concept.terms == {
        "en": ("do ut des", "reciprocity principle"),
        "hu": ("kölcsönösség elve",),
    }
    assert result.skipped == ["c1: en term 'tit for tat' (deprecatedTerm-admn-sts)"]


def test_import_refuses_entities_and_reports_bad_xml_with_line() -> None:
    bomb = '<?xml version="1.0"?>\n<!DOCTYPE tbx [\n<!ENTITY a "aaaa">\n]>\n<tbx>&a;</tbx>'
    with pytest.raises(TermbaseError, match="entities") as exc:
        parse_tbx(bomb, source="bomb.tbx")
    assert exc.value.line == 3
    with pytest.raises(TermbaseError) as bad:
        parse_tbx("<tbx>\n<text>\n<body>\n</text>", source="bad.tbx")
    assert bad.value.line == 4
    assert "not well-formed" in bad.value.reason
    with pytest.raises(TermbaseError, match="not a TBX file"):
        parse_tbx("<html/>")


def test_import_needs_a_definition() -> None:
    text = MARTIF.replace('<descrip type="definition">The principle of reciprocity.</descrip>', "")
    with pytest.raises(TermbaseError, match="no definition"):
        parse_tbx(text)


def test_cli_export_then_import_gives_the_same_termbase(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / TERMBASE_FILE).write_text(SAMPLE_YAML, encoding="utf-8")
    tbx = tmp_path / "out.tbx"
    runner = CliRunner()
    exported = runner.invoke(
        app, ["termbase", "export", "--corpus", str(corpus), "--out", str(tbx)]
    )
    assert exported.exit_code == 0, exported.output
    back = tmp_path / "back.yaml"
    imported = runner.invoke(app, ["termbase", "import", str(tbx), "--out", str(back)])
    assert imported.exit_code == 0, imported.output
    assert load_termbase(back).concepts == load_termbase(corpus / TERMBASE_FILE).concepts


def test_cli_import_of_a_broken_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tbx"
    bad.write_text("<tbx>\n<oops>\n</tbx>", encoding="utf-8")
    result = CliRunner().invoke(app, ["termbase", "import", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:3:" in result.stderr
