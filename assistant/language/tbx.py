"""TBX (ISO 30042) import and export of the termbase, in the TBX-Basic dialect, so that
terminologists can maintain it in their own tools.

Export writes TBX v3 (DCA style): ``conceptEntry`` > ``langSec`` > ``termSec``, the subject
field on the concept, the English definition in the English ``langSec`` and each term's
``administrativeStatus`` (preferredTerm-admn-sts / admittedTerm-admn-sts). Import also reads the
TBX v2 ``martif`` files many tools still write (``termEntry`` > ``langSet`` > ``tig``/``ntig``).

Files are read with defusedxml, which refuses entity declarations and external references
(nothing in a termbase needs them, and entity expansion is the classic XML bomb); they are
written with the standard library's ``xml.etree``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from assistant.errors import BadInput, invalid
from assistant.language.termbase import Concept, Termbase
from assistant.language.termfile import TermbaseError
from assistant.limits import MAX_DATA_FILE

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFERRED = "preferredTerm-admn-sts"
ADMITTED = "admittedTerm-admn-sts"
# Statuses a concept keeps; deprecated and superseded terms have no place in our termbase.
_KEPT = {PREFERRED, ADMITTED, "standardizedTerm-admn-sts"}
_RNG = (
    "https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/"
    "TBXcoreStructV03_TBX-Basic_integrated.rng"
)


@dataclass
class TbxImport:
    """What an import produced: the termbase and the terms or entries it left out, and why."""

    termbase: Termbase
    skipped: list[str] = field(default_factory=list)


# -- export ------------------------------------------------------------------------------------
def export_tbx(termbase: Termbase, *, title: str = "liaison termbase") -> str:
    """The termbase as a TBX-Basic document (TBX v3, DCA style), as text."""
    ET.register_namespace("", TBX_NS)
    root = ET.Element(_q("tbx"), {"type": "TBX-Basic", "style": "dca", XML_LANG: "en"})
    header = ET.SubElement(root, _q("tbxHeader"))
    file_desc = ET.SubElement(header, _q("fileDesc"))
    ET.SubElement(ET.SubElement(file_desc, _q("titleStmt")), _q("title")).text = title
    source = ET.SubElement(ET.SubElement(file_desc, _q("sourceDesc")), _q("p"))
    source.text = "Exported by liaison from termbase.yaml"
    body = ET.SubElement(ET.SubElement(root, _q("text")), _q("body"))
    for concept in termbase:
        entry = ET.SubElement(body, _q("conceptEntry"), {"id": _xml_id(concept.id)})
        if concept.subject:
            _descrip(entry, "subjectField", concept.subject)
        if "en" not in concept.terms:
            _descrip(entry, "definition", concept.definition)
        if concept.note:
            ET.SubElement(entry, _q("note")).text = concept.note
        for lang, texts in concept.terms.items():
            lang_sec = ET.SubElement(entry, _q("langSec"), {XML_LANG: lang})
            if lang == "en":
                _descrip(lang_sec, "definition", concept.definition)
            for i, text in enumerate(texts):
                term_sec = ET.SubElement(lang_sec, _q("termSec"))
                ET.SubElement(term_sec, _q("term")).text = text
                status = ET.SubElement(term_sec, _q("termNote"), {"type": "administrativeStatus"})
                status.text = PREFERRED if i == 0 else ADMITTED
    ET.indent(root, space="  ")
    model = (
        f'<?xml-model href="{_RNG}" type="application/xml" '
        'schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
    )
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + model + ET.tostring(root, "unicode") + "\n"


def write_tbx(termbase: Termbase, path: Path, *, title: str = "liaison termbase") -> None:
    from assistant.files import write_atomic

    write_atomic(path, export_tbx(termbase, title=title))


def _q(tag: str) -> str:
    return f"{{{TBX_NS}}}{tag}"


def _descrip(parent: ET.Element, kind: str, text: str) -> None:
    ET.SubElement(parent, _q("descrip"), {"type": kind}).text = text


def _xml_id(concept_id: str) -> str:
    # An XML ID may not start with a digit or '-'; our ids have no '_', so the prefix is undone
    # unambiguously on import.
    return concept_id if re.match(r"[a-z]", concept_id) else f"_{concept_id}"


# -- import ------------------------------------------------------------------------------------
def read_tbx(path: Path) -> TbxImport:
    """Read a TBX file (TBX-Basic v3, or v2 ``martif``). Raises BadInput with path and line."""
    try:
        size = path.stat().st_size
        if size > MAX_DATA_FILE:
            raise TermbaseError(
                path, 1, f"file too large ({size:,} bytes; the limit is {MAX_DATA_FILE:,})"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_tbx(data, source=str(path))


def parse_tbx(data: bytes | str, *, source: str = "<tbx>") -> TbxImport:
    """Parse TBX text into a termbase. Concepts keep their TBX order and ids."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        root = fromstring(raw)
    except DefusedXmlException as exc:
        # Nothing in a termbase needs entities or external references, and entity expansion
        # is the classic XML bomb: defusedxml refuses them before they are expanded.
        at = raw.find(b"<!ENTITY")
        line = raw[:at].count(b"\n") + 1 if at >= 0 else 1
        raise TermbaseError(
            source, line, f"TBX files that declare XML entities are refused ({exc})"
        ) from None
    except ET.ParseError as exc:
        line, _column = exc.position
        raise TermbaseError(source, line, f"not well-formed XML: {exc.msg}") from None
    if _local(root.tag) not in ("tbx", "martif"):
        raise TermbaseError(source, 1, f"not a TBX file (root element <{_local(root.tag)}>)")
    default_lang = _lang(root.get(XML_LANG) or "en")
    result = TbxImport(Termbase())
    concepts: list[Concept] = []
    seen: set[str] = set()
    for n, entry in enumerate(_children(root, "conceptEntry", "termEntry", deep=True), start=1):
        concept = _concept(entry, n, default_lang, result.skipped, source)
        if concept is None:
            continue
        if concept.id in seen:
            raise TermbaseError(source, 0, f"duplicate concept id {concept.id!r}")
        seen.add(concept.id)
        concepts.append(concept)
    result.termbase = Termbase(tuple(concepts), source=source)
    return result


def _concept(
    entry: ET.Element, n: int, default_lang: str, skipped: list[str], source: str
) -> Concept | None:
    concept_id = _concept_id(entry.get("id"), n)
    subject = _first_descrip(entry, "subjectField")
    definitions: dict[str, str] = {}
    concept_definition = _first_descrip(entry, "definition")
    terms: dict[str, list[tuple[str, str]]] = {}
    for lang_sec in _children(entry, "langSec", "langSet"):
        lang = _lang(lang_sec.get(XML_LANG) or default_lang)
        definition = _first_descrip(lang_sec, "definition")
        if definition:
            definitions.setdefault(lang, definition)
        for term_sec in _children(lang_sec, "termSec", "tig", "ntig"):
            term = next((_text(t) for t in term_sec.iter() if _local(t.tag) == "term"), "")
            if not term:
                continue
            status = _status(term_sec)
            if status is not None and status not in _KEPT:
                skipped.append(f"{concept_id}: {lang} term {term!r} ({status})")
                continue
            terms.setdefault(lang, []).append((term, status or ""))
    definition = definitions.get("en") or concept_definition or next(iter(definitions.values()), "")
    if not terms:
        skipped.append(f"{concept_id}: no usable term")
        return None
    if not definition:
        raise TermbaseError(source, 0, f"concept {concept_id}: no definition")
    note = next((_text(e) for e in entry if _local(e.tag) == "note"), None) or None
    try:
        return Concept(
            id=concept_id,
            subject=subject or None,
            definition=definition,
            terms={lang: _ordered(items) for lang, items in terms.items()},
            note=note,
        )
    except ValidationError as exc:
        message = invalid(exc).message
        raise TermbaseError(source, 0, f"concept {concept_id}: {message}") from None


def _ordered(items: list[tuple[str, str]]) -> tuple[str, ...]:
    """Preferred terms first (the first of them becomes our preferred term), then the rest,
    each group in document order. With no status at all, document order decides."""
    preferred = [t for t, s in items if s in (PREFERRED, "standardizedTerm-admn-sts")]
    return tuple(preferred + [t for t, s in items if t not in preferred])


def _concept_id(raw: str | None, n: int) -> str:
    if raw:
        cid = raw[1:] if raw.startswith("_") and re.match(r"_[0-9-]", raw) else raw
        cid = re.sub(r"[^a-z0-9-]+", "-", cid.lower()).strip("-")
        if cid:
            return cid
    return f"concept-{n}"


def _status(term_sec: ET.Element) -> str | None:
    for el in term_sec.iter():
        if _local(el.tag) == "termNote" and el.get("type") == "administrativeStatus":
            return _text(el)
    return None


def _first_descrip(parent: ET.Element, kind: str) -> str:
    """The first ``descrip`` of ``kind`` directly under ``parent`` (or in a descripGrp)."""
    for child in parent:
        tag = _local(child.tag)
        if tag == "descrip" and child.get("type") == kind:
            return _text(child)
        if tag == "descripGrp":
            found = _first_descrip(child, kind)
            if found:
                return found
    return ""


def _children(parent: ET.Element, *names: str, deep: bool = False) -> list[ET.Element]:
    elements = parent.iter() if deep else iter(parent)
    return [el for el in elements if _local(el.tag) in names]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(el: ET.Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _lang(tag: str) -> str:
    """The primary subtag of a BCP 47 tag: en-GB -> en, hu-HU -> hu."""
    return tag.strip().lower().replace("_", "-").split("-")[0]
