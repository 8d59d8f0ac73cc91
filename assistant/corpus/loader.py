"""Reading a corpus: Markdown documents with YAML front matter, split into marked sections.

Bad input never stops a load. Each broken file becomes a :class:`Problem` (path, line, reason)
and everything else is returned.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.corpus.document import Document, FrontMatter, Section
from assistant.corpus.markdown import Outline, StructureError, read_outline
from assistant.corpus.markings import (
    UNMARKED,
    Handling,
    MarkingError,
    PortionMarking,
    parse_portion,
)
from assistant.corpus.partners import Registry, load_registry
from assistant.errors import BadInput, invalid
from assistant.files import TextFileError, read_text_file
from assistant.limits import MAX_DOCUMENT, MAX_LINE
from assistant.yamlsafe import YamlProblem, safe_load

PARTNERS_FILE = "partners.yaml"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "reason": self.reason}

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class CorpusLoad:
    root: Path
    documents: list[Document] = field(default_factory=list)
    registry: Registry | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    registry_digest: str = ""


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def discover(root: Path) -> list[Path]:
    """Every document file under ``root``: ``*.md`` except README.md and hidden/underscore names."""
    if root.is_file():
        return [root]
    found = []
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root).parts
        if any(part.startswith((".", "_")) for part in rel):
            continue
        if path.name.lower() == "readme.md":
            continue
        found.append(path)
    return found


def load_corpus(roots: list[Path]) -> CorpusLoad:
    """Load every document under ``roots`` and the registry of the first root that has one."""
    load = CorpusLoad(root=roots[0])
    for root in roots:
        if not root.exists():
            load.problems.append(Problem(display_path(root), 0, "no such file or folder"))
            continue
        registry_file = (root if root.is_dir() else root.parent) / PARTNERS_FILE
        if load.registry is None and registry_file.is_file():
            try:
                load.registry = load_registry(registry_file)
                load.registry_digest = _digest(registry_file.read_bytes())
            except BadInput as exc:
                load.problems.append(Problem(display_path(registry_file), 0, exc.message))
        base = root if root.is_dir() else root.parent
        for path in discover(root):
            _load_file(path, base, load)
    _reject_duplicates(load)
    _check_references(load)
    return load


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _load_file(path: Path, base: Path, load: CorpusLoad) -> None:
    shown = display_path(path)
    try:
        text = read_text_file(path, limit=MAX_DOCUMENT, max_line=MAX_LINE)
    except TextFileError as exc:
        load.problems.append(Problem(shown, exc.line, exc.reason))
        return
    except OSError as exc:
        load.problems.append(Problem(shown, 0, f"cannot read: {exc.strerror or exc}"))
        return
    if not text.strip():
        load.warnings.append(Problem(shown, 1, "empty file skipped"))
        return
    source = f"{base.name}/{path.relative_to(base).as_posix()}"
    try:
        doc, warnings = parse_document(
            text, path=path, source=source, digest=_digest(text.encode("utf-8"))
        )
    except DocumentError as exc:
        load.problems.append(Problem(shown, exc.line, exc.reason))
        return
    load.warnings += [Problem(shown, line, reason) for line, reason in warnings]
    load.documents.append(doc)


class DocumentError(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def parse_document(
    text: str, *, path: Path, source: str, digest: str = ""
) -> tuple[Document, list[tuple[int, str]]]:
    """Parse one document. Raises :class:`DocumentError` with a line number when it is invalid."""
    text = text.lstrip("\ufeff")
    try:
        outline = read_outline(text)
    except StructureError as exc:
        raise DocumentError(exc.line, exc.reason) from None
    if outline.front_matter is None:
        first = text.splitlines()[0].strip() if text.strip() else ""
        if first == "---":
            raise DocumentError(1, "front matter is not closed with '---'")
        raise DocumentError(1, "no YAML front matter (the file must start with '---')")
    meta = _front_matter(outline)
    warnings: list[tuple[int, str]] = []
    if meta.handling is None:
        warnings.append((1, "no handling block: treated as unmarked (denied to every partner)"))
    sections = _sections(outline, meta)
    doc = Document(meta=meta, path=path, source=source, sections=tuple(sections), digest=digest)
    return doc, warnings


def _front_matter(outline: Outline) -> FrontMatter:
    header = outline.front_matter or ""
    try:
        data = safe_load(header)
    except YamlProblem as exc:  # lines count from the one after the opening '---'
        raise DocumentError(exc.line + 1, f"bad YAML in front matter: {exc.reason}") from None
    if not isinstance(data, dict):
        raise DocumentError(2, "front matter must be a YAML mapping")
    try:
        return FrontMatter.model_validate(data)
    except ValidationError as exc:
        bad = invalid(exc)
        line = _line_of(list(outline.lines[: outline.body_start]), bad.keys)
        raise DocumentError(line, f"{bad.where or 'front matter'}: {bad.message}") from None


def _line_of(header_lines: list[str], keys: list[str]) -> int:
    """Best line for an error at ``keys`` (e.g. ['handling', 'tlp']) in the front matter."""
    line = 1
    start = 0
    for key in keys:
        pattern = re.compile(rf"^\s*-?\s*{re.escape(key)}\s*:")
        for i in range(start, len(header_lines)):
            if pattern.match(header_lines[i]):
                line, start = i + 1, i + 1
                break
    return line


def _sections(outline: Outline, meta: FrontMatter) -> list[Section]:
    """The document's sections: the text before the first heading, then one section per
    top-level heading, each with the handling of its portion. A marking holds down to the next
    heading of the same or a higher level; a heading without one keeps its parent's."""
    banner = meta.handling or UNMARKED
    out: list[Section] = []
    stack: list[tuple[int, str, Handling]] = []  # open headings: level, title, handling
    bounds = [h.start for h in outline.headings] + [len(outline.lines)]
    preamble = outline.text(outline.body_start, bounds[0]).strip()
    if preamble:
        out.append(Section((), banner, preamble, outline.body_start + 1))
    for heading, end in zip(outline.headings, bounds[1:], strict=True):
        try:
            marking, title = parse_portion(heading.text)
        except MarkingError as exc:
            raise DocumentError(heading.line, f"portion marking: {exc}") from None
        while stack and stack[-1][0] >= heading.level:
            stack.pop()
        handling = stack[-1][2] if stack else banner
        if marking is not None:
            handling = _portion(marking, banner, meta, heading.line)
        # A '# Title' line that repeats the document title adds nothing to the section path.
        if not (heading.level == 1 and not stack and title == meta.title):
            stack.append((heading.level, title, handling))
        elif marking is not None:
            stack.append((heading.level, "", handling))
        text = outline.text(heading.end, end).strip()
        if text:
            path = tuple(t for _, t, _ in stack if t)
            out.append(Section(path, handling, text, heading.line))
    _check_openings(outline, out)
    return out


def _portion(marking: PortionMarking, banner: Handling, meta: FrontMatter, line: int) -> Handling:
    """The handling a heading's marking gives its portion: the banner with the marking on top."""
    if meta.handling is None:
        return UNMARKED
    if marking.classification.rank > banner.effective_level().rank:
        raise DocumentError(
            line,
            f"banner under-marks portion ({marking.classification.value} portion "
            f"under a {banner.effective_level().value} banner)",
        )
    try:
        return marking.apply(banner)
    except ValidationError as exc:
        raise DocumentError(line, f"portion marking: {invalid(exc).message}") from None


def _check_openings(outline: Outline, sections: list[Section]) -> None:
    """A paragraph or list item that opens with a marking more restrictive than its section's
    handling would be read as marked so and filed lower: fail closed, reject the document."""
    for opening in outline.openings:
        try:
            marking, _ = parse_portion(opening.text)
        except MarkingError:
            marking = None
        section = next((s for s in reversed(sections) if s.line <= opening.line), None)
        handling = section.handling if section is not None else UNMARKED
        if marking is None or not _restricts(marking, handling):
            continue
        raise DocumentError(
            opening.line,
            f"this paragraph is marked ({marking.classification.short}...) above its section "
            f"({handling.banner()}); give it a marked heading of its own",
        )


def _restricts(marking: PortionMarking, handling: Handling) -> bool:
    """Would ``marking`` make ``handling`` any more restrictive? Unmarked handling is the most
    restrictive there is, so nothing does."""
    if not handling.is_marked or handling.classification is None:
        return False
    if marking.classification.rank > handling.classification.rank:
        return True
    if marking.orcon and not handling.orcon:
        return True
    if marking.tlp is not None and marking.tlp != handling.tlp:
        return True
    return marking.rel_to is not None and not set(handling.rel_to) <= set(marking.rel_to)


def _reject_duplicates(load: CorpusLoad) -> None:
    counts = Counter(doc.id for doc in load.documents)
    dupes = {doc_id for doc_id, n in counts.items() if n > 1}
    if not dupes:
        return
    for doc in load.documents:
        if doc.id in dupes:
            others = [
                display_path(d.path) for d in load.documents if d.id == doc.id and d is not doc
            ]
            load.problems.append(
                Problem(
                    display_path(doc.path),
                    _id_line(doc.path),
                    f"duplicate id {doc.id!r} (also in {', '.join(others)})",
                )
            )
    load.documents = [doc for doc in load.documents if doc.id not in dupes]


def _id_line(path: Path) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("id:"):
            return i
    return 1


def _check_references(load: CorpusLoad) -> None:
    """Quiz sources must exist; partners named by documents should be registered."""
    ids = {doc.id for doc in load.documents}
    keep: list[Document] = []
    for doc in load.documents:
        missing = [q.source for q in doc.meta.quiz if q.source not in ids]
        if missing:
            load.problems.append(
                Problem(
                    display_path(doc.path),
                    _line_of(doc.path.read_text(encoding="utf-8").splitlines(), ["quiz"]),
                    f"quiz source {missing[0]!r} is not a document in the corpus",
                )
            )
            continue
        if load.registry is not None and doc.meta.partner and doc.meta.partner not in load.registry:
            load.warnings.append(
                Problem(
                    display_path(doc.path), 1, f"partner {doc.meta.partner} is not in partners.yaml"
                )
            )
        keep.append(doc)
    load.documents = keep
