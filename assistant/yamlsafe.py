"""YAML read the safe way for files anyone may hand over: no aliases, bounded nesting.

``yaml.safe_load`` builds no objects but plain data, yet two shapes still hurt: aliases
(``*name``), which let a few lines stand for billions of values ("billion laughs"), and deep
nesting, which exhausts Python's stack. Nothing in a corpus needs either, so both are refused
with the line, before the document is built. The event pass runs in libyaml's C parser where
it is installed, as does the load.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 32
"""Nesting of mappings and lists; the corpus formats need four or five."""
LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _TextDates(LOADER):  # type: ignore[valid-type, misc]
    """The safe loader, leaving dates as text."""


_TextDates.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in rules if tag != _TIMESTAMP]
    for key, rules in LOADER.yaml_implicit_resolvers.items()
}
_TEXT_DATES: type[yaml.SafeLoader] = _TextDates

_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class YamlProblem(ValueError):
    """YAML that cannot be read, or is refused; ``line`` is 1-based in the text given."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def safe_load(text: str, *, dates: bool = True) -> Any:
    """The data in ``text``. Raises :class:`YamlProblem` for bad YAML, aliases, deep nesting.
    With ``dates=False`` dates stay text, for a schema to check row by row (the ledger)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=LOADER):
            if isinstance(event, yaml.AliasEvent):
                raise YamlProblem(_line(event), "YAML aliases (*name) are not allowed")
            if isinstance(event, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlProblem(
                        _line(event), f"YAML nested more than {MAX_DEPTH} levels deep"
                    )
            elif isinstance(event, _CLOSE):
                depth -= 1
        loader = LOADER if dates else _TEXT_DATES
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = str(getattr(exc, "problem", None) or "invalid YAML")
        context, where = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and where is not None and where.line + 1 != line:
            problem += f" ({context.removeprefix('while parsing ')} from line {where.line + 1})"
        raise YamlProblem(line, problem) from None
    except YamlProblem:
        raise
    except (ValueError, TypeError, OverflowError) as exc:
        # A scalar the loader could not build, such as the date 2026-13-40.
        raise YamlProblem(_bad_scalar_line(text), f"a value cannot be read ({exc})") from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise YamlProblem(1, "YAML nested too deeply") from None


def _bad_scalar_line(text: str) -> int:
    """The line of the first plain scalar that does not load on its own."""
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, yaml.ScalarEvent) and not event.style:  # plain: "" or None
            try:
                yaml.load(event.value, Loader=LOADER)
            except (ValueError, TypeError, OverflowError, yaml.YAMLError):
                return _line(event)
    return 1


def _line(event: yaml.Event) -> int:
    mark = event.start_mark
    return mark.line + 1 if mark is not None else 1
