"""Meeting briefs: what an officer takes into a meeting with a partner (docs/briefs.md)."""
