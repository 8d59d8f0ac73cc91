"""Who is running this command, as the OS says: for the audit log and the sync lock.
Nothing here touches the network (the host name is the machine's own)."""

from __future__ import annotations

import getpass
import socket


def user() -> str:
    """The OS user name ("unknown" where the system has no entry for the uid)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def host() -> str:
    return socket.gethostname()
