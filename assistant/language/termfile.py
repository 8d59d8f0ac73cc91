"""The termbase on disk: ``termbase.yaml`` in the corpus.

``termbase.yaml`` sits at the corpus root (docs/corpus-format.md, "Termbase"); every error in it
names the file and line. Sync copies it into the store (:mod:`assistant.index.snapshot`). The
concepts and their look-up are in :mod:`assistant.language.termbase`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assistant.errors import BadInput, NotFound, invalid
from assistant.files import TextFileError, read_text_file
from assistant.language.termbase import Concept, Termbase
from assistant.limits import MAX_DATA_FILE, MAX_LINE
from assistant.yamlsafe import LOADER, YamlProblem, safe_load

TERMBASE_FILE = "termbase.yaml"
_PARTNERS_FILE = "partners.yaml"


# -- reading termbase.yaml, every error with its line ---------------------------------------
class TermbaseError(BadInput):
    """A termbase file that cannot be used; carries the path and line for the ingest report."""

    title = "Termbase"

    def __init__(self, path: Path | str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = str(path)
        self.line = line
        self.reason = reason


def load_termbase(path: Path) -> Termbase:
    """Read ``termbase.yaml``. Raises :class:`TermbaseError` (a BadInput) with path and line."""
    try:
        text = read_text_file(path, limit=MAX_DATA_FILE, max_line=MAX_LINE)
    except FileNotFoundError:
        raise NotFound(f"{path}: termbase not found") from None
    except TextFileError as exc:
        raise TermbaseError(path, exc.line, exc.reason) from None
    except OSError as exc:
        raise TermbaseError(path, 0, f"cannot read: {exc.strerror or exc}") from None
    return parse_termbase(text.lstrip("\ufeff"), source=str(path))


def parse_termbase(text: str, *, source: str = TERMBASE_FILE) -> Termbase:
    """Parse termbase YAML; every error names the line of the offending node."""
    try:
        data = safe_load(text)
    except YamlProblem as exc:
        raise TermbaseError(source, exc.line, f"bad YAML: {exc.reason}") from None
    if data is None:
        return Termbase((), source=source)
    if not isinstance(data, dict) or not isinstance(data.get("concepts"), list | None):
        raise TermbaseError(source, 1, "expected a top-level 'concepts:' list")
    concepts: list[Concept] = []
    seen: dict[str, int] = {}
    nodes: list[yaml.Node | None] = []

    def node_of(i: int) -> yaml.Node | None:
        # The node tree is only needed to name a line, so it is built on the first error.
        if not nodes:
            nodes.append(yaml.compose(text, Loader=LOADER))
        return _node_at(nodes[0], ["concepts", i])

    for i, raw in enumerate(data.get("concepts") or []):
        if not isinstance(raw, dict):
            raise TermbaseError(source, _line(node_of(i)), f"concept #{i + 1} must be a mapping")
        try:
            concept = Concept.model_validate(raw)
        except ValidationError as exc:
            bad = invalid(exc)
            loc: list[str | int] = list(bad.loc)
            message = bad.message
            inner = re.match(r"terms\.([^:]+): (.*)", message)
            if inner:  # raised for one language inside the terms mapping
                loc, message = ["terms", inner.group(1)], inner.group(2)
            where = ".".join(str(p) for p in loc) or "concept"
            name = raw.get("id", f"#{i + 1}")
            line = _line(_node_at(node_of(i), loc))
            raise TermbaseError(source, line, f"concept {name}: {where}: {message}") from None
        if concept.id in seen:
            first_line = _line(node_of(seen[concept.id]))
            raise TermbaseError(
                source,
                _line(node_of(i)),
                f"duplicate concept id {concept.id!r} (first at line {first_line})",
            )
        seen[concept.id] = i
        concepts.append(concept)
    return Termbase(tuple(concepts), source=source)


def _node_at(node: yaml.Node | None, loc: list[Any]) -> yaml.Node | None:
    """The YAML node at ``loc`` (mapping keys and list indexes), as deep as it exists."""
    for key in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(key, str):
            nxt = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            nxt = node.value[key] if key < len(node.value) else None
        else:
            nxt = None
        if nxt is None:
            return node
        node = nxt
    return node


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


# -- where the termbase lives, and the store's snapshot ---------------------------------------
def find_termbase(roots: Iterable[Path]) -> tuple[Path | None, Path | None]:
    """``(termbase file, corpus root)`` for the roots being synced.

    The termbase sits at a root or at the corpus root above it (the nearest folder with a
    partners.yaml). The corpus root is returned even when it holds no termbase, so that a
    termbase deleted from the corpus is also dropped from the store.
    """
    corpus_root: Path | None = None
    for root in roots:
        here = root.expanduser()
        here = here if here.is_dir() else here.parent
        for candidate in [here, *here.parents][:4]:
            if (candidate / TERMBASE_FILE).is_file():
                return candidate / TERMBASE_FILE, candidate
            if (candidate / _PARTNERS_FILE).is_file():
                corpus_root = corpus_root or candidate
                break
    return None, corpus_root
