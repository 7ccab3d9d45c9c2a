"""The `Embedder` protocol: texts in, L2-normalised float32 rows out."""

from __future__ import annotations

import threading
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns passages and queries into unit vectors of `dim` floats.

    `model_id` names the exact weights (it is stored in the manifest, so an index is
    never searched with vectors from another model). `load()` does the expensive work.
    """

    name: str
    model_id: str
    dim: int

    def load(self) -> "Embedder": ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """L2-normalise rows (float32), leaving all-zero rows at zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


class QueryCache:
    """Wraps an embedder so repeated `embed_query` calls for the same text are computed once.

    The retriever and the answer composer both need the question's vector; sharing one
    wrapped embedder saves a model call per question.
    """

    def __init__(self, embedder: Embedder, max_entries: int = 256) -> None:
        self.inner = embedder
        self.max_entries = max_entries
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()  # a server embeds several questions at once

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def load(self) -> "QueryCache":
        self.inner.load()
        return self

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._vectors.pop(text, None)
            if vector is not None:
                self._vectors[text] = vector  # most recently used last
                return vector
        vector = self.inner.embed_query(text)  # outside the lock: the model call is the slow part
        with self._lock:
            self._vectors.pop(text, None)
            if len(self._vectors) >= self.max_entries:
                self._vectors.pop(next(iter(self._vectors)))
            self._vectors[text] = vector
        return vector
