"""The evaluation harness behind ``liaison eval``."""
