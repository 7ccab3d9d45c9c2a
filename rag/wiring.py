"""The stage registries: each variant is picked from a dict by name (`rag.pipeline` composes).

Settings are only annotated here, never imported at run time, so `rag.settings` can stay a
leaf that imports nothing of the pipeline.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from rag.answer.extractive import ExtractiveGenerator
from rag.embed import Embedder, make_embedder
from rag.embed.base import QueryCache
from rag.gate import AnswerabilityGate, GateThresholds
from rag.gate.scoring import SentenceScorer
from rag.retrieve.base import Retriever
from rag.retrieve.dense import DenseRetriever
from rag.retrieve.hybrid import FUSIONS, HybridRetriever
from rag.retrieve.lexical import Bm25Retriever
from rag.store.index import LoadedIndex
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


def build_from_settings(settings: Settings, progress: bool = True):
    """`rag build` with the configured seeds, index folder, embedder and chunk sizes."""
    from rag.store.build import build_index

    return build_index(
        settings.seeds_dir,
        settings.index_dir,
        embedder_for(settings),
        min_chars=settings.min_chars,
        max_chars=settings.max_chars,
        progress=progress,
    )


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


def _hybrid(settings: Settings, index: LoadedIndex, embedder: Embedder) -> Retriever:
    return HybridRetriever(
        Bm25Retriever(index),
        DenseRetriever(index, embedder),
        fusion=settings.fusion,
        bm25_weight=settings.bm25_weight,
        dense_weight=settings.dense_weight,
        rrf_k=settings.rrf_k,
    )


RETRIEVERS: dict[str, Callable[[Settings, LoadedIndex, Embedder], Retriever]] = {
    "bm25": lambda settings, index, embedder: Bm25Retriever(index),
    "dense": lambda settings, index, embedder: DenseRetriever(index, embedder),
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
    for key, registry in (("retriever", RETRIEVERS), ("generator", GENERATORS), ("fusion", FUSIONS)):
        if getattr(settings, key) not in registry:
            raise ValueError(
                f"unknown {key} {getattr(settings, key)!r}; choose one of {sorted(registry)}"
            )


def make_retriever(settings: Settings, index: LoadedIndex, embedder: Embedder) -> Retriever:
    check_choices(settings)
    return RETRIEVERS[settings.retriever](settings, index, embedder)


def make_generator(
    settings: Settings, index: LoadedIndex, embedder: Embedder, api_key: str | None = None
):
    """The configured generator; `api_key` is read by the entry point from the variable
    named by `settings.llm_api_key_env` (library code reads no environment)."""
    check_choices(settings)
    return GENERATORS[settings.generator](settings, index, embedder, api_key=api_key)
