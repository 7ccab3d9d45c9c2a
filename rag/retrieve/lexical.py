"""BM25 over jieba tokens of the normalised text (bm25s)."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from rag.retrieve.base import allowed_mask, top_hits
from rag.store.index import LoadedIndex
from rag.types import Hit


class Bm25Retriever:
    name = "bm25"

    def __init__(self, index: LoadedIndex) -> None:
        self.index = index
        index.tokenizer.load()

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk (0 where no query token occurs)."""
        tokens = self.index.tokenizer.tokenize(query)
        if not tokens:
            return np.zeros(len(self.index.chunks), dtype=np.float32)
        return np.asarray(self.index.bm25.get_scores(tokens), dtype=np.float32)

    def retrieve(
        self, query: str, top_k: int = 5, doc_ids: Collection[str] | None = None
    ) -> list[Hit]:
        mask = allowed_mask(self.index.chunks, doc_ids)
        return top_hits(self.index.chunks, self.scores(query), mask, top_k, self.name)
