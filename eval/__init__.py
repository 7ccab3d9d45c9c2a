"""Evaluation sets and the harness behind `rag eval`."""
