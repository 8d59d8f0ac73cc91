"""Release decisions: the rules engine, the gate, document checks and release questions."""
