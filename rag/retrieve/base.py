"""The `Retriever` protocol and the scoring helpers the retrievers share."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol, runtime_checkable

import numpy as np

from rag.types import Chunk, Hit


@runtime_checkable
class Retriever(Protocol):
    """Ranks chunks for a query; `doc_ids` restricts the search to some articles."""

    name: str

    def retrieve(
        self, query: str, top_k: int = 5, doc_ids: Collection[str] | None = None
    ) -> list[Hit]: ...


def allowed_mask(chunks: tuple[Chunk, ...], doc_ids: Collection[str] | None) -> np.ndarray:
    """Boolean mask of the chunks a search may return."""
    if doc_ids is None:
        return np.ones(len(chunks), dtype=bool)
    wanted = set(doc_ids)
    return np.array([c.doc_id in wanted for c in chunks], dtype=bool)


def top_hits(
    chunks: tuple[Chunk, ...], scores: np.ndarray, mask: np.ndarray, top_k: int, label: str
) -> list[Hit]:
    """The `top_k` best allowed chunks as ranked hits (ties broken by chunk order)."""
    candidates = np.flatnonzero(mask)
    if top_k <= 0 or candidates.size == 0:
        return []
    order = candidates[np.lexsort((candidates, -scores[candidates]))][:top_k]
    return [
        Hit(chunk=chunks[i], score=float(scores[i]), rank=rank, scores=((label, float(scores[i])),))
        for rank, i in enumerate(order, start=1)
    ]
