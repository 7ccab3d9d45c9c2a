"""The embedded vector store: FAISS, exact (flat) below a size threshold, HNSW above it.

The vectors themselves are kept beside the index (`vectors.npy`, memory-mapped when opened) so
that a rebuild reuses them without reading them back out of FAISS, and a search restricted to a
few documents is scored exactly on just their rows.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np

from rag.store.vectors import Candidates, RowDocs

INDEX_FILE = "faiss.index"
VECTORS_FILE = "vectors.npy"
LAYOUT_FILE = "faiss.json"
FLAT_MAX_ROWS = 50_000  # above this many vectors the index is HNSW (recall in docs/scale.md)
EXACT_MAX_ROWS = 20_000  # a filtered search over at most this many rows is scored exactly
EF_SEARCH = 256  # HNSW candidates per query: recall and cost by efSearch in docs/scale.md


def choose_layout(rows: int, flat_max_rows: int = FLAT_MAX_ROWS) -> str:
    return "flat" if rows <= flat_max_rows else "hnsw"


def make_faiss_index(vectors: np.ndarray, dim: int, layout: str, hnsw_m: int = 32,
                     ef_construction: int = 64):
    """A FAISS inner-product index of `layout` ("flat" or "hnsw") holding `vectors`."""
    import faiss

    if layout == "flat":
        index = faiss.IndexFlatIP(dim)
    elif layout == "hnsw":
        index = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = ef_construction
    else:
        raise ValueError(f"unknown FAISS layout {layout!r}; choose one of ['flat', 'hnsw']")
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


class FaissStore:
    """`VectorStore` over a FAISS index plus the raw vectors; rows are chunk-table rows."""

    name = "faiss"

    def __init__(self, dim: int, flat_max_rows: int = FLAT_MAX_ROWS, ef_search: int = EF_SEARCH) -> None:
        self.dim = dim
        self.flat_max_rows = flat_max_rows
        self.ef_search = ef_search
        self.layout = "flat"
        self.index = None
        self.vectors = np.zeros((0, dim), dtype=np.float32)
        self.docs = RowDocs()

    # building -----------------------------------------------------------------------------
    @classmethod
    def from_vectors(cls, vectors: np.ndarray, doc_ids: Sequence[str] | RowDocs, *, layout: str | None = None,
                     flat_max_rows: int = FLAT_MAX_ROWS, ef_search: int = EF_SEARCH) -> "FaissStore":
        """A store over `vectors` (row i belongs to `doc_ids[i]`); layout by size unless given."""
        if len(vectors) != len(doc_ids):
            raise ValueError(f"{len(vectors)} vectors for {len(doc_ids)} document ids")
        vectors = np.asarray(vectors, dtype=np.float32)
        store = cls(vectors.shape[1], flat_max_rows=flat_max_rows, ef_search=ef_search)
        store.layout = layout or choose_layout(len(vectors), flat_max_rows)
        store.index = make_faiss_index(vectors, store.dim, store.layout)
        store.vectors = vectors
        store.docs = doc_ids if isinstance(doc_ids, RowDocs) else RowDocs(doc_ids)
        return store

    def add(self, doc_ids: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        if len(vectors) != len(doc_ids):
            raise ValueError(f"{len(vectors)} vectors for {len(doc_ids)} document ids")
        if self.index is None:
            self.layout = choose_layout(len(vectors), self.flat_max_rows)
            self.index = make_faiss_index(np.zeros((0, self.dim), np.float32), self.dim, self.layout)
        self.index.add(vectors)
        self.vectors = np.concatenate([np.asarray(self.vectors), vectors])
        return self.docs.append(doc_ids)

    def delete(self, doc_id: str) -> int:
        """Tombstones the document's rows (HNSW cannot remove); the next build compacts."""
        return self.docs.delete(doc_id)

    def count(self) -> int:
        return self.docs.count()

    # searching ----------------------------------------------------------------------------
    def search(self, vector: np.ndarray, k: int, doc_ids: Collection[str] | None = None) -> Candidates:
        if k <= 0 or self.index is None or self.index.ntotal == 0:
            return Candidates.empty()
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        allowed = self.docs.allowed(doc_ids)
        if allowed is None:
            return self._search_index(query, k, None)
        if allowed.size == 0:
            return Candidates.empty()
        if self.layout == "flat" or allowed.size <= EXACT_MAX_ROWS:
            return self.exact(query[0], k, allowed)
        return self._search_index(query, k, allowed)

    def exact(self, vector: np.ndarray, k: int, rows: np.ndarray | None = None) -> Candidates:
        """Exact inner-product top-k over `rows` (all rows when None) from the raw vectors."""
        if rows is None:
            rows = np.arange(len(self.vectors), dtype=np.int64)
        if rows.size == 0:
            return Candidates.empty()
        scores = np.asarray(self.vectors[rows] @ np.asarray(vector, dtype=np.float32))
        return Candidates.ranked(rows, scores, k)

    def _search_index(self, query: np.ndarray, k: int, allowed: np.ndarray | None) -> Candidates:
        import faiss

        params = None
        if self.layout == "hnsw":
            params = faiss.SearchParametersHNSW()
            params.efSearch = max(self.ef_search, k)
        if allowed is not None:
            params = params or faiss.SearchParameters()
            params.sel = faiss.IDSelectorBatch(allowed)
        scores, rows = self.index.search(query, k, params=params)
        keep = rows[0] >= 0
        return Candidates.ranked(rows[0][keep], scores[0][keep], k)

    # files --------------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write `faiss.index`, `faiss.json` (layout) and `vectors.npy` into `folder`."""
        import faiss

        folder = Path(folder)
        # Serialised in memory and written by Python, so that a full disk is an OSError
        # (faiss.write_index reports it as a RuntimeError with an assertion text).
        (folder / INDEX_FILE).write_bytes(faiss.serialize_index(self.index).tobytes())
        np.save(folder / VECTORS_FILE, np.ascontiguousarray(self.vectors, dtype=np.float32),
                allow_pickle=False)
        (folder / LAYOUT_FILE).write_text(
            json.dumps({"layout": self.layout, "rows": int(self.index.ntotal),
                        "flat_max_rows": self.flat_max_rows}), encoding="utf-8")

    @classmethod
    def open(cls, folder: Path, doc_ids: Sequence[str] | RowDocs, ef_search: int = EF_SEARCH) -> "FaissStore":
        """Open a saved store; the raw vectors are memory-mapped, not read into memory."""
        import faiss

        folder = Path(folder)
        index = faiss.read_index(str(folder / INDEX_FILE))
        store = cls(index.d, ef_search=ef_search)
        store.index = index
        store.layout = "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat"
        if (folder / VECTORS_FILE).is_file():
            store.vectors = np.load(folder / VECTORS_FILE, mmap_mode="r", allow_pickle=False)
        else:  # builds from before vectors.npy: flat indexes hold the vectors themselves
            store.vectors = index.reconstruct_n(0, index.ntotal) if index.ntotal else store.vectors
        if len(store.vectors) != index.ntotal or len(doc_ids) != index.ntotal:
            raise ValueError(
                f"{folder}: {index.ntotal} indexed vectors, {len(store.vectors)} stored vectors, "
                f"{len(doc_ids)} chunks"
            )
        store.docs = doc_ids if isinstance(doc_ids, RowDocs) else RowDocs(doc_ids)
        return store


def recall_at_k(store: FaissStore, queries: np.ndarray, k: int = 10) -> float:
    """Mean share of the exact top-k that the store's search returns (1.0 for flat)."""
    if len(queries) == 0:
        return 1.0
    found = 0
    for vector in queries:
        exact = set(store.exact(vector, k).rows.tolist())
        found += len(exact & set(store.search(vector, k).rows.tolist()))
    return found / (k * len(queries))


def faiss_store_of(index) -> FaissStore:
    """The FAISS store of a loaded build (its `faiss.index`; `vectors.npy` memory-mapped)."""
    import faiss

    store = FaissStore(index.faiss_index.d)
    store.index = index.faiss_index
    store.layout = "hnsw" if isinstance(index.faiss_index, faiss.IndexHNSW) else "flat"
    path = Path(index.path) / VECTORS_FILE
    if path.is_file():
        store.vectors = np.load(path, mmap_mode="r", allow_pickle=False)
    elif index.faiss_index.ntotal:  # builds from before vectors.npy (flat: they hold them)
        store.vectors = index.faiss_index.reconstruct_n(0, index.faiss_index.ntotal)
    store.docs = index.row_docs()
    return store


def write_vector_store(folder: Path, vectors: np.ndarray, doc_ids: Sequence[str], dim: int,
                       flat_max_rows: int = FLAT_MAX_ROWS) -> FaissStore:
    """Write a build's FAISS store into `folder`: flat or HNSW by size, plus `vectors.npy`."""
    vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, dim)
    store = FaissStore.from_vectors(vectors, doc_ids, flat_max_rows=flat_max_rows)
    store.save(folder)
    return store
