"""The store seam: `VectorStore` and `LexicalStore` protocols and the candidate list they return.

Stores hand back the top-k rows of a search, never a score per chunk; retrievers turn rows into
hits and fusion works on those lists (so a query costs the same at 1 k and at 1 M passages,
up to the store's own search).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class Candidates:
    """Rows of the chunk table and their scores, best first (ties broken by row)."""

    rows: np.ndarray  # int64
    scores: np.ndarray  # float32

    def __len__(self) -> int:
        return int(self.rows.size)

    @classmethod
    def empty(cls) -> "Candidates":
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))

    @classmethod
    def ranked(cls, rows, scores, k: int) -> "Candidates":
        """The `k` best of `rows` by descending score, ties by ascending row."""
        rows = np.asarray(rows, dtype=np.int64)
        scores = np.asarray(scores, dtype=np.float32)
        if k <= 0 or rows.size == 0:
            return cls.empty()
        if rows.size > k:
            # argpartition keeps this O(n); the exact order is settled on the k kept
            keep = np.argpartition(-scores, k - 1)[:k]
            threshold = scores[keep].min()
            keep = np.flatnonzero(scores >= threshold)  # every row tied at the border
            rows, scores = rows[keep], scores[keep]
        order = np.lexsort((rows, -scores))[:k]
        return cls(rows[order], scores[order])


@runtime_checkable
class VectorStore(Protocol):
    """Vectors by row, searchable by inner product (vectors are L2-normalised)."""

    name: str

    def add(self, doc_ids: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        """Append vectors of the given documents; returns the rows they were given."""
        ...

    def delete(self, doc_id: str) -> int:
        """Remove every vector of `doc_id`; returns how many went."""
        ...

    def search(
        self, vector: np.ndarray, k: int, doc_ids: Collection[str] | None = None
    ) -> Candidates: ...

    def count(self) -> int: ...


@runtime_checkable
class LexicalStore(Protocol):
    """Term search over the chunks' indexed text; the store owns its tokenisation."""

    name: str

    def delete(self, doc_id: str) -> int: ...

    def search(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> Candidates:
        """The `k` best rows with a positive score (a row sharing no term is no candidate)."""
        ...

    def count(self) -> int: ...


class RowDocs:
    """Which document each row belongs to, as one int32 array (no object per row)."""

    def __init__(self, doc_ids: Sequence[str] = ()) -> None:
        self.names: list[str] = []
        self.numbers: dict[str, int] = {}
        self.codes = np.zeros(0, dtype=np.int32)
        self.live = np.zeros(0, dtype=bool)
        if len(doc_ids):
            self.append(doc_ids)

    @classmethod
    def from_codes(cls, names: Sequence[str], codes: np.ndarray) -> "RowDocs":
        """Rows given as document numbers into `names` (how large builds store them)."""
        docs = cls()
        docs.names = list(names)
        docs.numbers = {name: i for i, name in enumerate(docs.names)}
        docs.codes = np.asarray(codes, dtype=np.int32)
        docs.live = np.ones(docs.codes.size, dtype=bool)
        return docs

    def __len__(self) -> int:
        return int(self.codes.size)

    def append(self, doc_ids: Sequence[str]) -> np.ndarray:
        start = self.codes.size
        codes = np.fromiter((self._number(d) for d in doc_ids), dtype=np.int32, count=len(doc_ids))
        self.codes = np.concatenate([self.codes, codes])
        self.live = np.concatenate([self.live, np.ones(codes.size, dtype=bool)])
        return np.arange(start, start + codes.size, dtype=np.int64)

    def _number(self, doc_id: str) -> int:
        number = self.numbers.get(doc_id)
        if number is None:
            number = self.numbers[doc_id] = len(self.names)
            self.names.append(doc_id)
        return number

    def delete(self, doc_id: str) -> int:
        """Mark the rows of `doc_id` deleted; returns how many were live."""
        number = self.numbers.get(doc_id)
        if number is None:
            return 0
        rows = (self.codes == number) & self.live
        self.live[rows] = False
        return int(rows.sum())

    def count(self) -> int:
        return int(self.live.sum())

    def allowed(self, doc_ids: Collection[str] | None) -> np.ndarray | None:
        """Rows a search may return, or None when every live row may be returned."""
        if doc_ids is None:
            return None if self.live.all() else np.flatnonzero(self.live)
        numbers = [self.numbers[d] for d in set(doc_ids) if d in self.numbers]
        if not numbers:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(np.isin(self.codes, numbers) & self.live)


@dataclass(frozen=True)
class Stores:
    """The stores one pipeline searches: dense vectors and the lexical index."""

    vector: VectorStore
    lexical: LexicalStore
