"""The chat screen's widgets. Each only renders what it is given."""

from assistant.tui.widgets.audience import OWN_USE, AudienceButton, audience_label, short_label
from assistant.tui.widgets.conversation import Conversation, Exchange
from assistant.tui.widgets.infobar import InfoBar
from assistant.tui.widgets.question import QuestionBox
from assistant.tui.widgets.sources import SourcesPanel
from assistant.tui.widgets.status import StatusLine

__all__ = [
    "OWN_USE",
    "AudienceButton",
    "Conversation",
    "Exchange",
    "InfoBar",
    "QuestionBox",
    "SourcesPanel",
    "StatusLine",
    "audience_label",
    "short_label",
]
