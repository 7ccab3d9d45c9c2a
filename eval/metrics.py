"""Retrieval metrics against gold spans anchored to document offsets."""

from __future__ import annotations

import math

from rag.types import Chunk


def is_relevant(chunk: Chunk, gold: list[dict]) -> bool:
    """A chunk is relevant when it overlaps a gold span of its document.

    Gold on byline metadata (`"field": "meta"`) is matched by the document's meta chunk.
    """
    for span in gold:
        if span["doc_id"] != chunk.doc_id:
            continue
        if span.get("field") == "meta":
            if chunk.kind == "meta":
                return True
        elif chunk.kind != "meta" and chunk.start < span["end"] and span["start"] < chunk.end:
            return True
    return False


def first_relevant_rank(chunks: list[Chunk], gold: list[dict]) -> int | None:
    """1-based rank of the first relevant chunk, or None."""
    for rank, chunk in enumerate(chunks, start=1):
        if is_relevant(chunk, gold):
            return rank
    return None


def hit_at(rank: int | None, k: int) -> float:
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(rank: int | None, k: int = 10) -> float:
    return 1.0 / rank if rank is not None and rank <= k else 0.0


def ndcg_at(chunks: list[Chunk], gold: list[dict], k: int = 10) -> float:
    """nDCG@k with binary gains; the ideal ranking puts one relevant chunk per gold span first."""
    gains = [1.0 if is_relevant(c, gold) else 0.0 for c in chunks[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, max(1, len(gold)))))
    return dcg / ideal if ideal else 0.0


def gold_recall_at(chunks: list[Chunk], gold: list[dict], k: int) -> float:
    """Share of gold spans overlapped by at least one of the first k chunks."""
    if not gold:
        return 0.0
    found = sum(1 for span in gold if any(is_relevant(c, [span]) for c in chunks[:k]))
    return found / len(gold)
