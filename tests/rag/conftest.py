"""The fake OpenAI-compatible server, started on a free loopback port per test."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "fakes" / "openai_server.py"


def load_fake_module():
    spec = importlib.util.spec_from_file_location("fake_openai_server", _PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fake_llm():
    server = load_fake_module().FakeOpenAIServer().start()
    yield server
    server.stop()
