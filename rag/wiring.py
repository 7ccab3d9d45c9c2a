"""The stage registries: each variant is picked from a dict by name (`rag.pipeline` composes).

Settings are only annotated here, never imported at run time, so `rag.settings` can stay a
leaf that imports nothing of the pipeline.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from rag.answer.extractive import ExtractiveGenerator
from rag.embed import Embedder, make_embedder
from rag.embed.base import QueryCache
from rag.gate import AnswerabilityGate, GateThresholds
from rag.gate.scoring import SentenceScorer
from rag.retrieve.base import Retriever
from rag.retrieve.dense import DenseRetriever
from rag.retrieve.hybrid import FUSIONS, HybridRetriever, MilvusHybridRetriever
from rag.retrieve.lexical import Bm25Retriever
from rag.store.index import LoadedIndex
from rag.store.vectors import Stores
from rag.text.match import compact

if TYPE_CHECKING:
    from rag.settings import Settings


def embedder_for(settings: Settings) -> Embedder:
    """The configured embedder, constructed but not loaded, with query vectors memoised."""
    return QueryCache(make_embedder(
        settings.embedder,
        model=settings.embedder_model,
        device=settings.embedder_device,
        num_threads=settings.num_threads,
        query_prefix=settings.query_prefix,
        passage_prefix=settings.passage_prefix,
    ))


def build_from_settings(
    settings: Settings, progress: bool = True, allow_duplicate: bool = False,
    store_token: str | None = None,
):
    """`rag build` with the configured seeds, index folder, embedder and chunk sizes, through
    the library (so the metadata set by `rag add` is kept), holding the index writer lock;
    with vector_store = "milvus" the build is then copied into a Milvus collection of its own."""
    from rag.library.commands import library_from_settings

    check_choices(settings)
    library = library_from_settings(
        settings, on_wait=lambda message: print(f"rag: {message}", file=sys.stderr, flush=True)
    )
    report = library.rebuild(progress=progress, allow_duplicate=allow_duplicate)
    if settings.vector_store == "milvus":
        fill_milvus(settings, store_token)
    return report


def fill_milvus(settings: Settings, token: str | None = None):
    """Copy the current build into its Milvus collection, then drop older builds' collections."""
    from rag.store.index import load_index
    from rag.store.milvus_store import collection_name, fill_from_build

    index = load_index(settings.index_dir)
    store = milvus_store_for(settings, settings.index_dir, index.manifest["build_id"],
                             int(index.manifest["embedder"]["dim"]), token)
    fill_from_build(store, index, prefix=collection_name(settings.milvus_collection, "").rstrip("_"))
    return store


def idf_of(index: LoadedIndex) -> dict[str, float]:
    """IDF of every BM25 vocabulary term, read from the posting lists' lengths."""
    indptr = index.bm25.scores["indptr"]
    df = {
        token: int(indptr[i + 1] - indptr[i])
        for token, i in index.bm25.vocab_dict.items()
        if token and i + 1 < len(indptr)  # bm25s appends an empty placeholder token
    }
    documents = len(index.chunks)
    return {t: math.log(1 + (documents - n + 0.5) / (n + 0.5)) for t, n in df.items()}


def _faiss_stores(settings: Settings, index: LoadedIndex, token: str | None = None) -> Stores:
    from rag.store.faiss_store import faiss_store_of
    from rag.store.lexical_store import bm25_store_of

    return Stores(vector=faiss_store_of(index), lexical=bm25_store_of(index))


def milvus_store_for(settings: Settings, index_dir, build_id: str, dim: int,
                     token: str | None = None):
    """The Milvus store of one build: milvus-lite in `<index_dir>/milvus.db` unless
    `milvus_uri` names a server; `token` comes from the entry point (`milvus_token_env`)."""
    from pathlib import Path

    from rag.store.milvus_store import MilvusStore, collection_name

    uri = settings.milvus_uri or str(Path(index_dir) / "milvus.db")
    return MilvusStore(uri, collection_name(settings.milvus_collection, build_id), dim,
                       token=token or "", lexical_mode=settings.milvus_lexical)


def _milvus_stores(settings: Settings, index: LoadedIndex, token: str | None = None) -> Stores:
    from rag.store.index import IndexNotReady

    store = milvus_store_for(settings, settings.index_dir, index.manifest["build_id"],
                             int(index.manifest["embedder"]["dim"]), token)
    try:
        store.load()
    except LookupError as error:
        raise IndexNotReady(f"{error}; run `rag build` with vector_store = \"milvus\"") from None
    if store.count() != len(index.chunks):
        raise IndexNotReady(
            f"Milvus collection {store.collection!r} holds {store.count()} rows for "
            f"{len(index.chunks)} chunks; run `rag build` with vector_store = \"milvus\""
        )
    index.tokenizer.load()
    return Stores(vector=store, lexical=store.lexical(index.tokenizer, index.bm25.vocab_dict))


VECTOR_STORES: dict[str, Callable[..., Stores]] = {"faiss": _faiss_stores, "milvus": _milvus_stores}


def make_stores(settings: Settings, index: LoadedIndex, token: str | None = None) -> Stores:
    """The configured stores over a loaded build (`token` for a Milvus server, if any)."""
    check_choices(settings)
    return VECTOR_STORES[settings.vector_store](settings, index, token)


def _hybrid(settings: Settings, index: LoadedIndex, embedder: Embedder, stores: Stores) -> Retriever:
    from rag.store.milvus_store import MilvusStore

    kind = MilvusHybridRetriever if isinstance(stores.vector, MilvusStore) else HybridRetriever
    return kind(
        Bm25Retriever(index, stores.lexical),
        DenseRetriever(index, embedder, stores.vector),
        fusion=settings.fusion,
        bm25_weight=settings.bm25_weight,
        dense_weight=settings.dense_weight,
        rrf_k=settings.rrf_k,
        depth=settings.candidate_depth,
    )


RETRIEVERS: dict[str, Callable[[Settings, LoadedIndex, Embedder, Stores], Retriever]] = {
    "bm25": lambda settings, index, embedder, stores: Bm25Retriever(index, stores.lexical),
    "dense": lambda settings, index, embedder, stores: DenseRetriever(index, embedder, stores.vector),
    "hybrid": _hybrid,
}


def make_gate(settings: Settings, index: LoadedIndex, embedder: Embedder) -> AnswerabilityGate:
    """The answerability gate over the index's sentences (threshold from settings if set)."""
    scorer = SentenceScorer(
        index.tokenizer.load(), idf_of(index), embedder=embedder,
        sentence_vectors=index.sentence_lookup(),
    )
    thresholds = GateThresholds()
    if settings.refusal_threshold is not None:
        thresholds = GateThresholds(answer=settings.refusal_threshold)
    authors = {
        doc_id: compact("、".join(document.authors)) for doc_id, document in index.documents.items()
    }
    return AnswerabilityGate(scorer, thresholds, authors)


def _extractive(settings: Settings, index: LoadedIndex, embedder: Embedder):
    from rag.ingest.chunk import metadata_chunk

    cards = {doc_id: metadata_chunk(document) for doc_id, document in index.documents.items()}
    return ExtractiveGenerator(
        max_sentences=settings.max_sentences,
        cards={doc_id: card for doc_id, card in cards.items() if card is not None},
    )


def _openai(settings: Settings, index: LoadedIndex, embedder: Embedder, api_key: str | None = None):
    from rag.answer.openai_compat import OpenAIGenerator

    return OpenAIGenerator(
        settings.llm_base_url,
        settings.llm_model,
        api_key=api_key,
        timeout_s=settings.llm_timeout_s,
        retries=settings.llm_retries,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_new_tokens,
        guard_mode=settings.guard_mode,
        deadline_s=settings.llm_deadline_s,
    )


def _transformers(settings: Settings, index: LoadedIndex, embedder: Embedder, api_key=None):
    from rag.answer.local_transformers import TransformersGenerator

    return TransformersGenerator(
        settings.llm_model_dir,
        device=settings.llm_device,
        max_new_tokens=settings.llm_max_new_tokens,
        guard_mode=settings.guard_mode,
        num_threads=settings.num_threads,
        deadline_s=settings.llm_deadline_s,
    ).load()


def _never_worse_than_extractive(make_llm: Callable) -> Callable:
    """An LLM generator with the extractive answer behind it: shown when the guard leaves
    nothing of a question the gate let through, or nothing that states the gate's evidence
    (`rag.answer.fallback`)."""

    def make(settings: Settings, index: LoadedIndex, embedder: Embedder, api_key: str | None = None):
        from rag.answer.fallback import FallbackGenerator

        return FallbackGenerator(
            make_llm(settings, index, embedder, api_key), _extractive(settings, index, embedder)
        )

    return make


GENERATORS: dict[str, Callable] = {
    "extractive": lambda settings, index, embedder, api_key=None: _extractive(settings, index, embedder),
    "openai": _never_worse_than_extractive(_openai),
    "transformers": _never_worse_than_extractive(_transformers),
}


def check_choices(settings: Settings) -> None:
    """Raise `ValueError` naming the allowed values when a stage name is unknown."""
    from rag.store.milvus_store import LEXICAL_MODES

    for key, registry in (("retriever", RETRIEVERS), ("generator", GENERATORS), ("fusion", FUSIONS),
                          ("vector_store", VECTOR_STORES), ("milvus_lexical", LEXICAL_MODES)):
        if getattr(settings, key) not in registry:
            raise ValueError(
                f"unknown {key} {getattr(settings, key)!r}; choose one of {sorted(registry)}"
            )


def make_retriever(settings: Settings, index: LoadedIndex, embedder: Embedder,
                   stores: Stores | None = None) -> Retriever:
    """The configured retriever over `stores` (the configured ones when not given)."""
    check_choices(settings)
    stores = make_stores(settings, index) if stores is None else stores
    return RETRIEVERS[settings.retriever](settings, index, embedder, stores)


def make_generator(
    settings: Settings, index: LoadedIndex, embedder: Embedder, api_key: str | None = None
):
    """The configured generator; `api_key` is read by the entry point from the variable
    named by `settings.llm_api_key_env` (library code reads no environment)."""
    check_choices(settings)
    return GENERATORS[settings.generator](settings, index, embedder, api_key=api_key)
