"""Saved conversations: turns kept as given, the question history, and exports."""
