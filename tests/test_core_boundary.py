"""The core/UI boundary and lazy heavy imports, checked in fresh interpreters.

Every module under ``assistant/`` except ``assistant.tui`` must import without Textual, and
importing the CLI must not load the model stack, the vector store or the UI: ``liaison --help``
and ``liaison status`` stay fast, and the core can run with no UI at all."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

IMPORT_CORE = """
import importlib, json, pkgutil, sys
import assistant

def walk(package):
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        if info.name == "assistant.tui" or info.name.startswith("assistant.tui."):
            continue
        module = importlib.import_module(info.name)
        yield info.name
        if info.ispkg:
            yield from walk(module)

names = list(walk(assistant))
print(json.dumps({"imported": names, "modules": sorted(sys.modules)}))
"""

IMPORT_CLI = """
import json, sys
import assistant.cli.app
print(json.dumps({"modules": sorted(sys.modules)}))
"""

HEAVY = ("torch", "chromadb", "sentence_transformers", "textual")


def _run(code: str) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _loaded(modules: list[str], top: str) -> list[str]:
    return [m for m in modules if m == top or m.startswith(top + ".")]


def test_core_modules_never_import_textual() -> None:
    result = _run(IMPORT_CORE)
    imported = result["imported"]
    # The walk really covered the core, including subpackages.
    for name in (
        "assistant.cli.app",
        "assistant.service",
        "assistant.policy.gate",
        "assistant.cli.render",
    ):
        assert name in imported
    assert any(name.startswith("assistant.cli.") for name in imported)
    assert not any(name.startswith("assistant.tui") for name in imported)
    assert _loaded(result["modules"], "textual") == []


def test_cli_import_is_light() -> None:
    modules = _run(IMPORT_CLI)["modules"]
    assert "assistant.cli.app" in modules
    for top in HEAVY:
        assert _loaded(modules, top) == [], f"import assistant.cli.app loaded {top}"
