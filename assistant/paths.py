"""Where liaison keeps its files. One function per directory; nothing is created at import."""

from __future__ import annotations

import os
from pathlib import Path

APP = "liaison"


def home() -> Path | None:
    """``LIAISON_HOME`` if set: one folder for config, data and cache (tests, portable use)."""
    value = os.environ.get("LIAISON_HOME")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    base = home()
    if base is not None:
        return base
    import platformdirs

    return Path(platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    base = home()
    if base is not None:
        return base / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP))


def audit_dir() -> Path:
    """The audit log, its head and its lock."""
    return data_dir() / "audit"


def default_store() -> Path:
    return data_dir() / "store"


def config_file() -> Path:
    return config_dir() / "config.toml"


def shipped_corpus() -> Path:
    """The sample corpus shipped next to the package (source checkout or editable install)."""
    return Path(__file__).resolve().parent.parent / "corpus"


def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def prompts_dir() -> Path:
    return project_root() / "prompts"
