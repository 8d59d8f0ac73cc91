"""The audit log: a tamper-evident record of every answer, search, check, brief, export, ingest
and quiz result (docs/audit.md)."""
