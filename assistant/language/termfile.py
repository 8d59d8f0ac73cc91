"""The termbase on disk: ``termbase.yaml`` in the corpus and its JSON snapshot in the store.

``termbase.yaml`` sits at the corpus root (docs/corpus-format.md, "Termbase"); every error in it
names the file and line. Sync copies it into the store as a JSON snapshot, so ``liaison term``
and the cross-lingual expansion work from the store alone, without the corpus and without the
model or Chroma. The concepts and their look-up are in :mod:`assistant.terms`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assistant.errors import BadInput, NotFound, invalid
from assistant.language.termbase import Concept, Termbase

TERMBASE_FILE = "termbase.yaml"
SNAPSHOT_FILE = "termbase.json"
_PARTNERS_FILE = "partners.yaml"
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise NotFound(f"{path}: termbase not found") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise TermbaseError(path, line, "text is not UTF-8") from None
    except OSError as exc:
        raise TermbaseError(path, 0, f"cannot read: {exc.strerror or exc}") from None
    return parse_termbase(text.lstrip("\ufeff"), source=str(path))


def parse_termbase(text: str, *, source: str = TERMBASE_FILE) -> Termbase:
    """Parse termbase YAML; every error names the line of the offending node."""
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        context, where = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and where is not None and where.line + 1 != line:
            problem += f" ({context.removeprefix('while parsing ')} from line {where.line + 1})"
        raise TermbaseError(source, line, f"bad YAML: {problem}") from None
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
            nodes.append(yaml.compose(text, Loader=_LOADER))
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


def save_termbase_snapshot(location: str, roots: list[Path]) -> None:
    """Copy the corpus termbase into the store as JSON (called by sync).

    A broken termbase raises :class:`TermbaseError` and leaves the previous snapshot in place.
    A corpus root without a termbase removes the snapshot; roots outside any corpus leave it.
    """
    from assistant.index.manifest import state_dir, write_atomic

    path, corpus_root = find_termbase(roots)
    target = state_dir(location) / SNAPSHOT_FILE
    if path is None:
        if corpus_root is not None:
            target.unlink(missing_ok=True)
        return
    termbase = load_termbase(path)
    data = json.loads(termbase.to_json())
    data["source"] = str(path.resolve())
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return
    write_atomic(target, text)


def load_termbase_snapshot(location: str) -> Termbase | None:
    """The termbase the store was last synced with, or None (none, or unreadable)."""
    from assistant.index.manifest import state_dir

    path = state_dir(location) / SNAPSHOT_FILE
    if not path.is_file():
        return None
    try:
        return Termbase.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, ValidationError, BadInput):
        # A damaged snapshot only costs a re-sync, like the manifest.
        return None


def open_termbase(
    location: str, corpus: Path | None = None, default_corpus: Path | None = None
) -> Termbase:
    """The termbase to look terms up in: the ``corpus`` given, else the store's snapshot, else
    the default corpus (a store not yet synced). NotFound when there is none."""
    if corpus is not None:
        path, _ = find_termbase([corpus])
        if path is None:
            raise NotFound(f"no {TERMBASE_FILE} in {corpus}")
        return load_termbase(path)
    snapshot = load_termbase_snapshot(location)
    if snapshot is not None:
        return snapshot
    if default_corpus is not None:
        path, _ = find_termbase([default_corpus])
        if path is not None:
            return load_termbase(path)
    raise NotFound(
        f"the store at {location} has no termbase", "run: liaison ingest, or give --corpus DIR"
    )
