"""The audit log a command writes to, from the settings."""

from __future__ import annotations

from assistant import paths
from assistant.audit.log import LOG_FILE, AuditLog
from assistant.config import Settings
from assistant.index.manifest import state_dir

OFF_NOTICE = "audit logging is switched off (audit.enabled = false): nothing is being recorded"


def open_audit(settings: Settings, *, even_if_off: bool = False) -> AuditLog | None:
    """The log, with a copy of its head in the store's state folder; None when it is switched
    off (unless ``even_if_off``, for ``liaison audit`` itself)."""
    if not settings.audit.enabled and not even_if_off:
        return None
    path = settings.audit.path or paths.audit_dir() / LOG_FILE
    return AuditLog(path.expanduser(), state_dir(settings.store_location()))
