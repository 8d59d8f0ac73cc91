"""``liaison doctor``: check everything a working installation needs, and say what to do.

Each check returns ok, warn or fail with a sentence and, when it is not ok, the action that
fixes it. The checks read; they never repair (``liaison ingest`` does that). Any fail makes
the command exit 1.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.errors import LiaisonError


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Finding:
    name: str
    status: Status
    detail: str
    fix: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"check": self.name, "status": self.status.value, "detail": self.detail,
                "fix": self.fix}  # fmt: skip


def ok(name: str, detail: str) -> Finding:
    return Finding(name, Status.OK, detail)


def warn(name: str, detail: str, fix: str) -> Finding:
    return Finding(name, Status.WARN, detail, fix)


def fail(name: str, detail: str, fix: str) -> Finding:
    return Finding(name, Status.FAIL, detail, fix)


def diagnose(store: str | None = None, corpus: Path | None = None) -> list[Finding]:
    """Every check, in order; a check that cannot run is a finding too, never an exception."""
    from assistant.config import config_path, load_settings

    try:
        settings = load_settings(store=store, corpus=corpus)
    except LiaisonError as exc:
        where = config_path()
        return [fail("config", exc.one_line(), f"fix {where or 'the LIAISON_* variables'}")]
    shown = config_path()
    findings = [ok("config", f"settings read ({shown or 'defaults and environment'})")]
    for check in CHECKS:
        try:
            findings += check(settings)
        except LiaisonError as exc:
            findings.append(fail(check.__name__.removeprefix("_"), exc.message, exc.hint or ""))
    return findings


def _manifest(settings: Any) -> list[Finding]:
    from assistant.index.manifest import JOURNAL, MANIFEST, Manifest, read_journal, state_dir

    state = state_dir(settings.store_location())
    path = state / MANIFEST
    out: list[Finding] = []
    if not path.is_file():
        return [
            warn("manifest", f"no manifest at {path}: the store is empty", "run: liaison ingest")
        ]
    try:
        manifest = Manifest.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, ValidationError):
        return [fail("manifest", f"{path} cannot be read", "run: liaison ingest --rebuild")]
    out.append(
        ok("manifest", f"{len(manifest.documents)} documents, {manifest.chunk_count} chunks")
    )
    if (state / JOURNAL).exists():
        pending = read_journal(settings.store_location())
        out.append(
            warn(
                "journal",
                f"an ingest was interrupted ({len(pending)} documents in flight)",
                "run: liaison ingest (it repairs the store)",
            )
        )
    else:
        out.append(ok("journal", "no interrupted ingest"))
    return out


def _store(settings: Any) -> list[Finding]:
    from assistant.corpus.chunking import CHUNKER_VERSION
    from assistant.index.manifest import check_compatible, load_manifest
    from assistant.index.store import open_configured
    from assistant.index.sync import SCHEMA_VERSION

    location = settings.store_location()
    manifest = load_manifest(location)
    if not manifest.documents:
        return []
    check_compatible(manifest, settings.model, CHUNKER_VERSION, SCHEMA_VERSION)
    chunks = open_configured(settings).all()
    ids = {c.id for c in chunks}
    listed = {c for e in manifest.documents.values() for c in e.chunks}
    missing, extra = listed - ids, ids - listed
    made = manifest.encoder.get("precision")
    built = f"built by {manifest.signature.get('model')}" + (f" in {made}" if made else "")
    out = [ok("store", f"reachable at {location}, {built}")]
    if missing:
        out.append(
            fail(
                "store counts",
                f"{len(missing)} chunks the manifest lists are missing from the store",
                "run: liaison ingest --rebuild",
            )
        )
    elif extra:
        out.append(
            warn(
                "store counts",
                f"{len(extra)} chunks in the store belong to no published document",
                "run: liaison ingest (it removes them)",
            )
        )
    else:
        out.append(ok("store counts", f"{len(ids)} chunks, as the manifest says"))
    return out


def _model(settings: Any) -> list[Finding]:
    from assistant.index.embedder import resolve_model

    folder = Path(resolve_model(settings.model))
    if not folder.is_dir():
        return [
            fail(
                "model",
                f"model {settings.model!r} is not a folder on this machine",
                "set LIAISON_MODEL to a local sentence-transformers folder",
            )
        ]
    needed = ["config.json", "modules.json", "tokenizer.json"]
    lacking = [n for n in needed if not (folder / n).is_file()]
    weights = any(folder.glob("*.safetensors")) or any(folder.glob("*.bin"))
    if lacking or not weights:
        missing = ", ".join(lacking + ([] if weights else ["model weights"]))
        return [fail("model", f"the model at {folder} lacks {missing}", "reinstall the model")]
    from assistant.index.encoders import read_export

    out = [ok("model", f"model files present at {folder}")]
    export = read_export(str(folder))
    if export is None:
        out.append(
            warn(
                "question encoder",
                "no checked ONNX export of the model: questions load torch (about 4 s more)",
                "run: liaison ingest (it makes the export)",
            )
        )
    else:
        out.append(ok("question encoder", f"ONNX export, cosine {export.cosine:.4f} against torch"))
    return out


def _corpus(settings: Any) -> list[Finding]:
    from assistant.corpus.loader import load_corpus

    root = settings.corpus_path()
    load = load_corpus([root])
    if load.problems:
        first = load.problems[0]
        more = f" (and {len(load.problems) - 1} more)" if len(load.problems) > 1 else ""
        return [
            fail(
                "corpus",
                f"{len(load.problems)} file(s) rejected: {first}{more}",
                "fix the files named; liaison ingest --json lists every one",
            )
        ]
    return [ok("corpus", f"{len(load.documents)} documents load cleanly from {root}")]


def _audit(settings: Any) -> list[Finding]:
    from assistant.audit.factory import open_audit

    log = open_audit(settings, even_if_off=True)
    assert log is not None
    if not settings.audit.enabled:
        return [warn("audit", "audit logging is switched off", "set audit.enabled = true")]
    verdict = log.verify()
    if not verdict.ok:
        return [fail("audit", verdict.describe(), "keep the log as it is and report it")]
    return [ok("audit", f"chain intact: {verdict.lines} lines at {log.path}")]


def _lock(settings: Any) -> list[Finding]:
    from filelock import FileLock, Timeout

    from assistant.index.lock import LOCK_FILE, alive, describe, holder_of
    from assistant.index.manifest import state_dir

    state = state_dir(settings.store_location())
    if not state.is_dir():
        return []
    holder = holder_of(state)
    lock = FileLock(str(state / LOCK_FILE))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return [warn("lock", f"the store is being synced by {describe(holder)}", "wait for it")]
    lock.release()
    if holder is not None:
        gone = "" if alive(holder) else " (that process is gone)"
        return [
            warn(
                "lock",
                f"{describe(holder)} left the sync lock behind{gone}",
                "run: liaison ingest (it takes the lock over and repairs)",
            )
        ]
    return [ok("lock", "no ingest holds the store")]


CHECKS: tuple[Callable[[Any], list[Finding]], ...] = (
    _manifest,
    _store,
    _model,
    _corpus,
    _audit,
    _lock,
)


def report_json(findings: list[Finding]) -> str:
    return json.dumps(
        {
            "ok": not any(f.status is Status.FAIL for f in findings),
            "checks": [f.as_dict() for f in findings],
        },
        ensure_ascii=False,
    )
