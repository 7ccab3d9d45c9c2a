"""Fixtures for the chat front end: a sample answer over a sample article, and a tiny engine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rag.types import Answer, AnswerSentence, Chunk, Citation, Document, Hit

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
# The gate's strength on the tiny corpus under the hashing embedder (IDF-weighted coverage of
# the question's terms, plus excess similarity): the answerable question covers most of its
# terms, the unrelated one almost none, so this threshold separates them.
TINY_THRESHOLD = 0.3
ANSWERABLE = "广东由谁担任数字政府改革建设工作领导小组组长？"
UNRELATED = "家常红烧肉应该怎么做？需要哪些调料？"

ARTICLE_TEXT = (
    "二、數字廣東\n"
    "廣東高度重視數字政府建設。成立由省長任組長的“數字政府”改革建設工作領導小組,制定總體規劃。"
    "每季度召開一次會議。\n"
    "三、一網通辦\n"
    "群眾辦事只需登錄一個平臺,減少了跑腿次數。\n"
)


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/ui/golden/<name>; UPDATE_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == actual


@pytest.fixture
def golden():
    """`golden(name, html)`: assert html equals tests/ui/golden/<name>."""
    return check_golden


def _span(text: str, piece: str) -> tuple[int, int]:
    start = text.index(piece)
    return start, start + len(piece)


@pytest.fixture(scope="session")
def article() -> Document:
    """A Traditional-script article with two sections."""
    return Document(
        doc_id="gd",
        title="廣東數字政府改革實踐",
        text=ARTICLE_TEXT,
        source_sha256="0" * 64,
        date="2023-01-05",
        source="測試日報",
        script="traditional",
    )


@pytest.fixture(scope="session")
def chunks(article) -> tuple[Chunk, Chunk]:
    """The two body passages of `article`."""
    first = _span(article.text, "廣東高度重視數字政府建設。成立由省長任組長的“數字政府”改革建設工作領導小組,制定總體規劃。每季度召開一次會議。")
    second = _span(article.text, "群眾辦事只需登錄一個平臺,減少了跑腿次數。")
    return (
        Chunk("c1", "gd", article.title, "二、數字廣東", *first, article.text[slice(*first)]),
        Chunk("c2", "gd", article.title, "三、一網通辦", *second, article.text[slice(*second)], ordinal=1),
    )


@pytest.fixture(scope="session")
def answer(article, chunks) -> Answer:
    """A cited answer (in Simplified, as asked) with two citations."""
    lead = _span(article.text, "成立由省長任組長的“數字政府”改革建設工作領導小組,制定總體規劃。")
    online = _span(article.text, "群眾辦事只需登錄一個平臺,減少了跑腿次數。")
    sentences = (
        AnswerSentence("成立由省长任组长的“数字政府”改革建设工作领导小组,制定总体规划。", (1,)),
        AnswerSentence("群众办事只需登录一个平台,减少了跑腿次数。", (2,)),
    )
    return Answer(
        question="广东是怎么推进数字政府的？",
        text="".join(f"{s.text}[{s.citations[0]}]" for s in sentences),
        refused=False,
        sentences=sentences,
        citations=(Citation(1, chunks[0], (lead,)), Citation(2, chunks[1], (online,))),
        evidence_score=0.8,
        timings_ms={"retrieve": 20.0, "compose": 30.0, "total": 50.0},
    )


@pytest.fixture(scope="session")
def refusal(chunks) -> Answer:
    """A refusal with two 可能相关 passages."""
    from rag.answer.prompts import REFUSAL

    return Answer(
        question="明天天气如何？",
        text=REFUSAL,
        refused=True,
        related=(Hit(chunks[0], 0.2, 1), Hit(chunks[1], 0.1, 2)),
        evidence_score=0.1,
    )


@pytest.fixture(scope="session")
def tiny_settings(tiny_index, tmp_path_factory):
    from rag.settings import Settings

    return Settings(
        index_dir=tiny_index,
        embedder="hash",
        refusal_threshold=TINY_THRESHOLD,
        data_dir=tmp_path_factory.mktemp("ui-data"),
    )


@pytest.fixture(scope="session")
def tiny_engine(tiny_settings):
    """A ready engine over the tiny index (hashing embedder)."""
    from ui.engine import Engine

    return Engine(tiny_settings, log=lambda line: None).start(background=False)


# ---------------------------------------------------------------- the browser tests' server and chromium
# `rag serve` over the tiny corpus, as tests/ui/test_browser.py and test_admin_browser.py run it.
TINY_SERVE_ENV = {
    "RAG_EMBEDDER": "hash",
    "RAG_MIN_CHARS": "40",
    "RAG_MAX_CHARS": "120",
    "RAG_REFUSAL_THRESHOLD": str(TINY_THRESHOLD),  # the gate's strength scale (above)
}


def need_chromium() -> None:
    """Skip without Debian's chromium; on CI, where .ci/run installs it, fail instead."""
    from ui.browser import CHROMIUM

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")


@pytest.fixture(scope="session")
def serve_tiny(tiny_index):
    """`serve_tiny(base, articles={name: text}, data_dir=None, env=None)` → (process, url,
    seeds, data_dir, log): `rag serve` on a free loopback port over a copy of the tiny corpus
    (plus `articles`) in `base`, with `env` on top of the tiny settings; the server builds
    `base/index` itself at start-up. Stop it with `stop_server`."""
    import shutil

    from ui.browser import start_server

    def start(base: Path, articles: dict[str, str] | None = None, data_dir: Path | None = None,
              env: dict[str, str] | None = None):
        seeds = base / "seeds"
        shutil.copytree(tiny_index.parent / "seeds", seeds)
        for name, text in (articles or {}).items():
            (seeds / name).write_text(text, encoding="utf-8")
        data_dir = data_dir or base / "data"
        process, url = start_server(
            base / "index", data_dir, {**TINY_SERVE_ENV, "RAG_SEEDS_DIR": str(seeds), **(env or {})},
            cwd=ROOT, log_path=base / "serve.log",
        )
        return process, url, seeds, data_dir, base / "serve.log"

    return start


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright, one per module."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    from ui.browser import launch_browser

    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        yield chromium
        chromium.close()
