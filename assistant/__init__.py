"""liaison: an offline, release-safe assistant for intelligence and security liaison officers.

The package root holds the UI-free core. ``assistant.tui`` holds the Textual front end and is the
only place allowed to import Textual.
"""

__version__ = "0.1.0"
