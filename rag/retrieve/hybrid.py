"""Hybrid retrieval: BM25 and dense scores fused by a method chosen from `FUSIONS`."""

from __future__ import annotations

from collections.abc import Callable, Collection

import numpy as np

from rag.retrieve.base import allowed_mask
from rag.retrieve.dense import DenseRetriever
from rag.retrieve.lexical import Bm25Retriever
from rag.types import Hit


def _ranks(scores: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """1-based rank of each allowed chunk by descending score (ties by chunk order)."""
    ranks = np.full(scores.shape, np.inf)
    allowed = np.flatnonzero(mask)
    order = allowed[np.lexsort((allowed, -scores[allowed]))]
    ranks[order] = np.arange(1, order.size + 1)
    return ranks


def fuse_rrf(lexical, dense, mask, bm25_weight, dense_weight, rrf_k) -> np.ndarray:
    """Reciprocal rank fusion: Σ weight / (k + rank); a zero BM25 score earns no rank."""
    lexical_ranks = _ranks(lexical, mask & (lexical > 0))
    dense_ranks = _ranks(dense, mask)
    return bm25_weight / (rrf_k + lexical_ranks) + dense_weight / (rrf_k + dense_ranks)


def _minmax(scores: np.ndarray, mask: np.ndarray) -> np.ndarray:
    if not mask.any():
        return np.zeros_like(scores)
    low, high = scores[mask].min(), scores[mask].max()
    return np.zeros_like(scores) if high <= low else (scores - low) / (high - low)


def fuse_weighted(lexical, dense, mask, bm25_weight, dense_weight, rrf_k) -> np.ndarray:
    """Weighted sum of min-max normalised scores."""
    return bm25_weight * _minmax(lexical, mask) + dense_weight * _minmax(dense, mask)


FUSIONS: dict[str, Callable[..., np.ndarray]] = {"rrf": fuse_rrf, "weighted": fuse_weighted}


class HybridRetriever:
    name = "hybrid"

    def __init__(
        self,
        lexical: Bm25Retriever,
        dense: DenseRetriever,
        fusion: str = "rrf",
        bm25_weight: float = 1.0,
        dense_weight: float = 1.0,
        rrf_k: int = 60,
    ) -> None:
        if fusion not in FUSIONS:
            raise ValueError(f"unknown fusion {fusion!r}; choose one of {sorted(FUSIONS)}")
        self.lexical = lexical
        self.dense = dense
        self.fusion = fusion
        self.bm25_weight = bm25_weight
        self.dense_weight = dense_weight
        self.rrf_k = rrf_k

    def retrieve(
        self, query: str, top_k: int = 5, doc_ids: Collection[str] | None = None
    ) -> list[Hit]:
        chunks = self.lexical.index.chunks
        mask = allowed_mask(chunks, doc_ids)
        lexical = self.lexical.scores(query)
        dense = self.dense.scores(query)
        fused = FUSIONS[self.fusion](
            lexical, dense, mask, self.bm25_weight, self.dense_weight, self.rrf_k
        )
        allowed = np.flatnonzero(mask)
        order = allowed[np.lexsort((allowed, -fused[allowed]))][: max(top_k, 0)]
        return [
            Hit(
                chunk=chunks[i],
                score=float(fused[i]),
                rank=rank,
                scores=(("bm25", float(lexical[i])), ("dense", float(dense[i])),
                        (self.fusion, float(fused[i]))),
            )
            for rank, i in enumerate(order, start=1)
        ]
