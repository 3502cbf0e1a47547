"""Retrieval: German lexical (BM25), dense (sentence-transformers) and their fusion."""
