"""Hybrid retrieval: the lexical and the dense candidate lists fused by a method from `FUSIONS`.

Fusion sees only the top `depth` rows of each list, as Milvus's rankers do: a row missing from a
list adds nothing for that list. Ties are broken by row, so results are deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

import numpy as np

from rag.retrieve.base import CANDIDATE_DEPTH
from rag.retrieve.dense import DenseRetriever
from rag.retrieve.lexical import Bm25Retriever
from rag.store.vectors import Candidates
from rag.types import Hit


def _union(lists: Sequence[Candidates]) -> np.ndarray:
    return np.unique(np.concatenate([c.rows for c in lists])) if lists else np.zeros(0, np.int64)


def fuse_rrf(lists: Sequence[Candidates], weights: Sequence[float], rrf_k: int) -> Candidates:
    """Reciprocal rank fusion: Σ weight / (k + rank) over the lists a row appears in."""
    rows = _union(lists)
    fused = np.zeros(rows.size, dtype=np.float64)
    for found, weight in zip(lists, weights):
        where = np.searchsorted(rows, found.rows)
        fused[where] += weight / (rrf_k + np.arange(1, len(found) + 1))
    return Candidates.ranked(rows, fused, rows.size)


def fuse_weighted(lists: Sequence[Candidates], weights: Sequence[float], rrf_k: int) -> Candidates:
    """Weighted sum of each list's min-max normalised scores (a list whose scores are all
    equal gives 1.0, as Milvus's WeightedRanker does)."""
    rows = _union(lists)
    fused = np.zeros(rows.size, dtype=np.float64)
    for found, weight in zip(lists, weights):
        if not len(found):
            continue
        scores = found.scores.astype(np.float64)
        low, high = scores.min(), scores.max()
        normal = (scores - low) / (high - low) if high > low else np.ones_like(scores)
        fused[np.searchsorted(rows, found.rows)] += weight * normal
    return Candidates.ranked(rows, fused, rows.size)


FUSIONS: dict[str, Callable[..., Candidates]] = {"rrf": fuse_rrf, "weighted": fuse_weighted}


def fused_hits(chunks, fused: Candidates, lists: dict[str, Candidates], fusion: str,
               top_k: int) -> list[Hit]:
    """Hits for the first `top_k` fused rows, carrying each list's score where the row had one."""
    lookup = {name: dict(zip(found.rows.tolist(), found.scores.tolist()))
              for name, found in lists.items()}
    hits = []
    for rank, (row, score) in enumerate(zip(fused.rows[:top_k], fused.scores[:top_k]), start=1):
        row = int(row)
        parts = tuple((name, float(by_row[row])) for name, by_row in lookup.items() if row in by_row)
        hits.append(Hit(chunk=chunks[row], score=float(score), rank=rank,
                        scores=parts + ((fusion, float(score)),)))
    return hits


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
        depth: int = CANDIDATE_DEPTH,
    ) -> None:
        if fusion not in FUSIONS:
            raise ValueError(f"unknown fusion {fusion!r}; choose one of {sorted(FUSIONS)}")
        self.lexical = lexical
        self.dense = dense
        self.fusion = fusion
        self.bm25_weight = bm25_weight
        self.dense_weight = dense_weight
        self.rrf_k = rrf_k
        self.depth = depth

    def retrieve(
        self, query: str, top_k: int = 5, doc_ids: Collection[str] | None = None
    ) -> list[Hit]:
        if top_k <= 0:
            return []
        depth = max(top_k, self.depth)
        lists = {
            "bm25": self.lexical.candidates(query, depth, doc_ids),
            "dense": self.dense.candidates(query, depth, doc_ids),
        }
        fused = FUSIONS[self.fusion](
            list(lists.values()), (self.bm25_weight, self.dense_weight), self.rrf_k
        )
        return fused_hits(self.dense.index.chunks, fused, lists, self.fusion, top_k)


class MilvusHybridRetriever(HybridRetriever):
    """Hybrid retrieval over a Milvus collection. With RRF at weights 1 and 1 it is one Milvus
    `hybrid_search` (its RRFRanker fuses exactly as `fuse_rrf`). Weighted fusion fetches both
    lists from Milvus and fuses them here: Milvus's WeightedRanker normalises each list with an
    arctan (milvus_lite/function/ops/merge_op.py, as Milvus does), not min-max, so it would
    rank differently from the fusion the weights were chosen for."""

    def native(self) -> bool:
        return self.fusion == "rrf" and (self.bm25_weight, self.dense_weight) == (1.0, 1.0)

    def retrieve(
        self, query: str, top_k: int = 5, doc_ids: Collection[str] | None = None
    ) -> list[Hit]:
        if not self.native():
            return super().retrieve(query, top_k, doc_ids)
        if top_k <= 0:
            return []
        fused = self.dense.store.hybrid(
            self.dense.query_vector(query), self.lexical.store.query(query), top_k,
            max(top_k, self.depth), "rrf", (1.0, 1.0), self.rrf_k, doc_ids,
        )
        return fused_hits(self.dense.index.chunks, fused, {}, self.fusion, top_k)
