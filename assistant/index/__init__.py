"""The index: embedder, vector store, manifest, sync and BM25."""
