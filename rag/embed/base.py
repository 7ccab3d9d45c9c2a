"""The `Embedder` protocol: texts in, L2-normalised float32 rows out."""

from __future__ import annotations

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
