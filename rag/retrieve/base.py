"""The `Retriever` protocol and the helpers the retrievers share."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol, runtime_checkable

from rag.store.vectors import Candidates
from rag.types import Chunk, Hit

CANDIDATE_DEPTH = 100  # rows each list contributes to fusion (and the most a search returns)


@runtime_checkable
class Retriever(Protocol):
    """Ranks chunks for a query; `doc_ids` restricts the search to some articles."""

    name: str

    def retrieve(
        self, query: str, top_k: int = 5, doc_ids: Collection[str] | None = None
    ) -> list[Hit]: ...


def hits_from(chunks: Sequence[Chunk], found: Candidates, label: str) -> list[Hit]:
    """Ranked hits for a store's candidate rows (`chunks[row]` is the row's chunk)."""
    return [
        Hit(chunk=chunks[int(row)], score=float(score), rank=rank, scores=((label, float(score)),))
        for rank, (row, score) in enumerate(zip(found.rows, found.scores), start=1)
    ]
