"""Dense retrieval: inner product over L2-normalised vectors in FAISS."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from rag.embed.base import Embedder
from rag.ingest.normalize import normalize_for_match
from rag.retrieve.base import allowed_mask, top_hits
from rag.store.index import IndexNotReady, LoadedIndex
from rag.types import Hit


class DenseRetriever:
    name = "dense"

    def __init__(self, index: LoadedIndex, embedder: Embedder) -> None:
        expected = index.manifest["embedder"]["model_id"]
        if embedder.model_id != expected:
            raise IndexNotReady(
                f"index was built with {expected!r} but the embedder is {embedder.model_id!r}; "
                "rebuild with `rag build` or configure the same embedder"
            )
        self.index = index
        self.embedder = embedder

    def query_vector(self, query: str) -> np.ndarray:
        return self.embedder.embed_query(normalize_for_match(query))

    def scores(self, query: str, vector: np.ndarray | None = None) -> np.ndarray:
        """Cosine similarity of every chunk to the query."""
        vector = self.query_vector(query) if vector is None else vector
        count = self.index.faiss_index.ntotal
        similarities, ids = self.index.faiss_index.search(vector.reshape(1, -1), count)
        scores = np.full(count, -1.0, dtype=np.float32)
        scores[ids[0][ids[0] >= 0]] = similarities[0][ids[0] >= 0]
        return scores

    def retrieve(
        self, query: str, top_k: int = 5, doc_ids: Collection[str] | None = None
    ) -> list[Hit]:
        mask = allowed_mask(self.index.chunks, doc_ids)
        return top_hits(self.index.chunks, self.scores(query), mask, top_k, self.name)
