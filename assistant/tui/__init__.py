"""The terminal UI (``liaison chat``). The only package allowed to import Textual.

It presents what the core returns and never decides anything about release: every answer comes
from :class:`assistant.pipeline.Assistant`, which applies the gate.
"""
