"""Any sentence-transformers model from a local directory (or an id already in the cache)."""

from __future__ import annotations

import numpy as np

from rag.embed.base import normalize_rows


def e5_style_prefixes(model: str) -> tuple[str, str]:
    """`("query: ", "passage: ")` for e5-family models, which need them; else no prefixes."""
    return ("query: ", "passage: ") if "e5" in model.lower() else ("", "")


class SentenceTransformerEmbedder:
    """Loads with `local_files_only=True`: a missing model is an error, never a download."""

    name = "sentence-transformers"

    def __init__(
        self,
        model: str,
        device: str = "cpu",
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        batch_size: int = 16,
    ) -> None:
        if not model:
            raise ValueError("sentence-transformers embedder needs a model directory or id")
        default_query, default_passage = e5_style_prefixes(model)
        self.model = model
        self.device = device
        self.query_prefix = default_query if query_prefix is None else query_prefix
        self.passage_prefix = default_passage if passage_prefix is None else passage_prefix
        self.batch_size = batch_size
        self.model_id = f"sentence-transformers/{model}"
        self.dim = 0
        self._model = None

    def load(self) -> "SentenceTransformerEmbedder":
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            try:
                self._model = SentenceTransformer(
                    self.model, device=self.device, local_files_only=True
                )
            except OSError as error:
                raise ValueError(
                    f"sentence-transformers model {self.model!r} is not available locally "
                    f"(downloads are disabled): {error}"
                ) from None
            dim = self._model.get_embedding_dimension()
            if not dim:
                dim = int(self._model.encode(["维度"], convert_to_numpy=True).shape[1])
            self.dim = int(dim)
        return self

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self._model is None:
            raise RuntimeError("SentenceTransformerEmbedder.load() must be called first")
        vectors = self._model.encode(
            texts, batch_size=self.batch_size, convert_to_numpy=True, show_progress_bar=False
        )
        return normalize_rows(vectors)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text])[0]
