"""The fake OpenAI-compatible server, started on a free loopback port per test, and the
replay of a real model's recorded replies (tests/fakes/replay.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

FAKES = Path(__file__).resolve().parents[1] / "fakes"


def load_fake(name: str):
    """tests/fakes/<name>.py as a module (tests/fakes is not a package)."""
    module_name = f"fake_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, FAKES / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules[module_name]


@pytest.fixture
def fakes():
    """`fakes("openai_server")`, `fakes("replay")`: the modules in tests/fakes."""
    return load_fake


@pytest.fixture
def fake_llm():
    server = load_fake("openai_server").FakeOpenAIServer().start()
    yield server
    server.stop()
