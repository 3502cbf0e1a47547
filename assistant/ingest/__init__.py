"""Ingest: files → normalised text → metadata → chunks → index."""
