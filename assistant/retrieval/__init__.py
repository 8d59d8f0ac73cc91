"""Hybrid retrieval: dense and BM25, fused, pre-filtered and gated."""
