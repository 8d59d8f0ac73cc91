"""The chat screen's widgets. Each only renders what it is given."""

from assistant.tui.widgets.audience import OWN_USE, AudienceSelect, audience_label
from assistant.tui.widgets.conversation import Conversation, Exchange
from assistant.tui.widgets.sources import SourcesPanel
from assistant.tui.widgets.status import StatusLine

__all__ = [
    "OWN_USE",
    "AudienceSelect",
    "Conversation",
    "Exchange",
    "SourcesPanel",
    "StatusLine",
    "audience_label",
]
