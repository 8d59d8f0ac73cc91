"""Languages: detection, the question lexicon, the termbase, TBX, term search and guidance."""
