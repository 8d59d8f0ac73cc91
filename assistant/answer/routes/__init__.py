"""Question handlers tried before retrieval: release questions and language questions."""
