"""A deterministic character n-gram hashing embedder: no weights, for tests and smoke runs."""

from __future__ import annotations

import hashlib

import numpy as np

from rag.embed.base import normalize_rows
from rag.ingest.normalize import normalize_for_match


class HashingEmbedder:
    """Hashes character unigrams and bigrams of the normalised text into `dim` buckets.

    Texts that share characters get similar vectors, so retrieval tests behave sensibly,
    while nothing is downloaded or trained.
    """

    name = "hash"

    def __init__(self, dim: int = 256) -> None:
        if dim <= 0:
            raise ValueError(f"dim must be positive, got {dim}")
        self.dim = dim
        self.model_id = f"hash-char-1-2gram-{dim}"

    def load(self) -> "HashingEmbedder":
        return self

    def _vector(self, text: str) -> np.ndarray:
        view = "".join(ch for ch in normalize_for_match(text) if ch.isalnum())
        vector = np.zeros(self.dim, dtype=np.float32)
        grams = list(view) + [view[i : i + 2] for i in range(len(view) - 1)]
        for gram in grams:
            digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % self.dim
            sign = 1.0 if digest[4] & 1 else -1.0
            vector[bucket] += sign
        return vector

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalize_rows(np.stack([self._vector(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return normalize_rows(self._vector(text))
