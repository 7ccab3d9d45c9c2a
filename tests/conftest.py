"""Shared fixtures: a tiny Chinese corpus and an index built from it with the hashing embedder."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

os.environ.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

GUANGDONG = """广东数字政府改革实践
发布时间:2023-01-05 09:00   来源:测试日报

一、改革的组织保障

广东高度重视数字政府建设,成立由省长任组长的数字政府改革建设工作领导小组,统筹推进全省改革。领导小组每季度召开一次会议,研究解决重大问题。

二、一网通办

广东推行“一网通办”,群众办事只需登录一个平台。通过“粤省事”移动平台,实名用户可以办理多项高频民生服务事项,减少了群众跑腿的次数。

作者:张三   编辑:李四
"""

DATA_SECURITY_TRADITIONAL = """數據治理與數據安全

各地政府部門各自建設數據平臺,容易形成“數據煙囪”與“信息孤島”,數據難以共享。打破數據煙囪需要統一的數據標準和共享機制,明確數據共享責任清單。

數據安全關乎國家安全。政府應當完善數據分級分類保護制度,防止數據被竊取和泄露,保障公眾隱私。
"""

TALENT = """数字人才队伍建设

数字政府建设需要大量懂技术、懂业务的复合型人才。政府可以通过提高薪酬待遇、提供晋升通道等激励手段吸引数字人才。

同时,应当加强对行政人员的数字技能培训,把数字能力纳入干部考核体系,提升行政人员的数字素养。
"""


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "gd.txt").write_text(GUANGDONG, encoding="utf-8")
    (folder / "data.txt").write_text(DATA_SECURITY_TRADITIONAL, encoding="utf-8")
    (folder / "talent.txt").write_text(TALENT, encoding="utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A fresh copy of the tiny corpus, safe to edit."""
    return write_corpus(tmp_path / "seeds")


@pytest.fixture(scope="session")
def tiny_index(tmp_path_factory) -> Path:
    """An index of the tiny corpus built once per session with the hashing embedder."""
    from rag.embed import make_embedder
    from rag.store.build import build_index

    base = tmp_path_factory.mktemp("tiny")
    seeds = write_corpus(base / "seeds")
    index_dir = base / "index"
    build_index(seeds, index_dir, make_embedder("hash"), min_chars=40, max_chars=120, progress=False)
    return index_dir


@pytest.fixture(scope="session")
def tiny_pipeline(tiny_index):
    """A loaded `Pipeline` over the tiny index: hybrid retrieval, the gate, extractive answers."""
    from rag.pipeline import Pipeline
    from rag.settings import Settings

    settings = Settings(index_dir=tiny_index, embedder="hash", refusal_threshold=0.0)
    return Pipeline.from_settings(settings).load()


@pytest.fixture
def with_generator(tiny_pipeline):
    """`with_generator(g)`: the tiny pipeline with generator `g` in its slot (a copy)."""
    import dataclasses

    return lambda generator: dataclasses.replace(tiny_pipeline, generator=generator)


# The fake OpenAI-compatible server, started on a free loopback port per test, and the replay
# of a real model's recorded replies (tests/fakes/replay.py).
FAKES = Path(__file__).resolve().parent / "fakes"


def load_fake(name: str):
    """tests/fakes/<name>.py as a module (tests/fakes is not a package)."""
    module_name = f"fake_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, FAKES / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules[module_name]


@pytest.fixture(scope="session")
def fakes():
    """`fakes("openai_server")`, `fakes("replay")`: the modules in tests/fakes."""
    return load_fake


@pytest.fixture
def fake_llm():
    server = load_fake("openai_server").FakeOpenAIServer().start()
    yield server
    server.stop()
