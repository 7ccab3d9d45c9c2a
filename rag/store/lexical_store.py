"""The embedded lexical store: bm25s over the project's jieba/OpenCC tokens.

A query sums the posting lists of its own terms (bm25s keeps them as sparse columns), so only
rows that share a term with the query get a score; the store returns their top k.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np

from rag.ingest.tokenize import Tokenizer
from rag.store.vectors import Candidates, RowDocs


class Bm25Store:
    """`LexicalStore` over a bm25s index; rows are chunk-table rows."""

    name = "bm25s"

    def __init__(self, bm25, tokenizer: Tokenizer, doc_ids: Sequence[str]) -> None:
        self.bm25 = bm25
        self.tokenizer = tokenizer
        self.docs = RowDocs(doc_ids)

    @classmethod
    def from_tokens(cls, tokens: Sequence[Sequence[str]], tokenizer: Tokenizer,
                    doc_ids: Sequence[str]) -> "Bm25Store":
        """Index pre-tokenised rows (an empty row gets a placeholder so row numbers hold)."""
        import bm25s

        bm25 = bm25s.BM25()
        bm25.index([list(t) or ["∅"] for t in tokens], show_progress=False)
        return cls(bm25, tokenizer, doc_ids)

    @classmethod
    def open(cls, folder: Path, tokenizer: Tokenizer, doc_ids: Sequence[str],
             mmap: bool = False) -> "Bm25Store":
        """Load a saved bm25s folder; `mmap` leaves the posting lists on disk."""
        import bm25s

        return cls(bm25s.BM25.load(str(folder), allow_pickle=False, mmap=mmap), tokenizer, doc_ids)

    def delete(self, doc_id: str) -> int:
        """Tombstones the document's rows; the next build drops them from the statistics."""
        return self.docs.delete(doc_id)

    def count(self) -> int:
        return self.docs.count()

    def terms(self, query: str) -> list[str]:
        """The query's tokens that occur in the index vocabulary."""
        vocab = self.bm25.vocab_dict
        return [t for t in self.tokenizer.tokenize(query) if t in vocab]

    def search(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> Candidates:
        tokens = self.terms(query)
        if k <= 0 or not tokens:
            return Candidates.empty()
        scores = np.asarray(self.bm25.get_scores(tokens), dtype=np.float32)
        allowed = self.docs.allowed(doc_ids)
        rows = np.flatnonzero(scores > 0) if allowed is None else allowed[scores[allowed] > 0]
        return Candidates.ranked(rows, scores[rows], k)


def bm25_store_of(index) -> Bm25Store:
    """The bm25s store of a loaded build."""
    index.tokenizer.load()
    store = Bm25Store(index.bm25, index.tokenizer, ())
    store.docs = index.row_docs()
    return store


def row_term_weights(bm25):
    """Each row's BM25 weight per vocabulary term (scipy CSR, rows × terms): a query's BM25
    score of a row is the sum of these weights over the query's terms."""
    from scipy.sparse import csc_matrix

    scores = bm25.scores
    shape = (int(scores["num_docs"]), len(scores["indptr"]) - 1)
    return csc_matrix((scores["data"], scores["indices"], scores["indptr"]), shape=shape).tocsr()


def sparse_rows(matrix, start: int = 0, stop: int | None = None) -> list[dict[int, float]]:
    """Rows of a CSR matrix as {term id: weight} dicts (what Milvus takes as sparse vectors)."""
    stop = matrix.shape[0] if stop is None else stop
    out = []
    for i in range(start, stop):
        lo, hi = matrix.indptr[i], matrix.indptr[i + 1]
        out.append({int(j): float(v) for j, v in zip(matrix.indices[lo:hi], matrix.data[lo:hi])})
    return out
