"""Lexical retrieval: the top rows of a `LexicalStore` (bm25s over jieba tokens by default)."""

from __future__ import annotations

from collections.abc import Collection

from rag.retrieve.base import hits_from
from rag.store.index import LoadedIndex
from rag.store.vectors import Candidates, LexicalStore
from rag.types import Hit


class Bm25Retriever:
    name = "bm25"

    def __init__(self, index: LoadedIndex, store: LexicalStore | None = None) -> None:
        """`index` gives the chunk table; `store` defaults to the build's own bm25s store."""
        if store is None:
            from rag.store.lexical_store import bm25_store_of

            store = bm25_store_of(index)
        self.index = index
        self.store = store

    def candidates(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> Candidates:
        """The `k` best rows sharing a term with the query."""
        return self.store.search(query, k, doc_ids)

    def retrieve(
        self, query: str, top_k: int = 5, doc_ids: Collection[str] | None = None
    ) -> list[Hit]:
        return hits_from(self.index.chunks, self.candidates(query, top_k, doc_ids), self.name)
