"""The ``liaison`` command line."""
