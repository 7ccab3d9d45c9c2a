"""Dense retrieval: the top rows of a `VectorStore` by inner product with the query vector."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from rag.embed.base import Embedder
from rag.ingest.normalize import normalize_for_match
from rag.retrieve.base import hits_from
from rag.store.index import IndexNotReady, LoadedIndex
from rag.store.vectors import Candidates, VectorStore
from rag.types import Hit


class DenseRetriever:
    name = "dense"

    def __init__(self, index: LoadedIndex, embedder: Embedder, store: VectorStore | None = None) -> None:
        """`index` gives the chunk table and the embedder it was built with; `store` defaults
        to the build's own FAISS store."""
        expected = index.manifest["embedder"]["model_id"]
        if embedder.model_id != expected:
            raise IndexNotReady(
                f"index was built with {expected!r} but the embedder is {embedder.model_id!r}; "
                "rebuild with `rag build` or configure the same embedder"
            )
        if store is None:
            from rag.store.faiss_store import faiss_store_of

            store = faiss_store_of(index)
        self.index = index
        self.embedder = embedder
        self.store = store

    def query_vector(self, query: str) -> np.ndarray:
        return self.embedder.embed_query(normalize_for_match(query))

    def candidates(self, query: str, k: int, doc_ids: Collection[str] | None = None,
                   vector: np.ndarray | None = None) -> Candidates:
        """The `k` nearest rows to the query."""
        vector = self.query_vector(query) if vector is None else vector
        return self.store.search(vector, k, doc_ids)

    def retrieve(
        self, query: str, top_k: int = 5, doc_ids: Collection[str] | None = None
    ) -> list[Hit]:
        return hits_from(self.index.chunks, self.candidates(query, top_k, doc_ids), self.name)
