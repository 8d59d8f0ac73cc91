"""The UI's screens."""

from assistant.tui.screens.chat import ChatScreen

__all__ = ["ChatScreen"]
