"""Matching on the folded view: one `compact` form and one bigram-overlap measure."""

from __future__ import annotations

from rag.ingest.normalize import normalize_for_match


def compact(text: str) -> str:
    """Normalised text without white space, for substring tests."""
    return "".join(normalize_for_match(text).split())


def bigram_share(needle: str, haystack: str) -> float:
    """Share of `needle`'s character bigrams found in `haystack` (a one-character needle
    counts as its own bigram)."""
    grams = [needle[i : i + 2] for i in range(len(needle) - 1)] or [needle]
    pool = {haystack[i : i + 2] for i in range(len(haystack) - 1)}
    return sum(g in pool for g in grams) / len(grams)
