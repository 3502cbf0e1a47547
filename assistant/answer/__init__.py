"""Answers: extractive (default) or LLM, always cited."""
