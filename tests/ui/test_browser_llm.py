"""An LLM answer in a real browser, desktop and phone: verified sentences appear one by one
while the model still writes, and an invented sentence never appears (issue 9, item 10).

`rag serve` over the tiny index, its generator the fake OpenAI-compatible server streaming a
reply slowly enough to watch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ui.browser import CHROMIUM, PHONE, launch_browser, open_app, start_server, stop_server

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "广东由谁担任数字政府改革建设工作领导小组组长？"
REPLY = (
    "广东成立由省长任组长的数字政府改革建设工作领导小组。[1]"
    "《数字政府治理法》是2019年正式颁布实施的。[1]"  # invented: the guard removes it
    "领导小组每季度召开一次会议，研究解决重大问题。[1]"
    "广东高度重视数字政府建设。[1]"
)
# Every text the answer bubble shows while it streams, in order.
WATCH_JS = r"""
() => {
  window.__ragShown = [];
  new MutationObserver(() => {
    const live = document.querySelector('#rag-chat .rag-streaming');
    const text = live ? live.textContent : '';
    if (text && window.__ragShown[window.__ragShown.length - 1] !== text) window.__ragShown.push(text);
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
}
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory, tiny_index, fakes):
    """(url, fake LLM server): `rag serve` answering through the fake model."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    llm = fakes("openai_server").FakeOpenAIServer(
        respond=lambda body: REPLY, chunk_delay_s=0.12
    ).start()
    base = tmp_path_factory.mktemp("browser-llm")
    env = {
        "RAG_EMBEDDER": "hash",
        "RAG_REFUSAL_THRESHOLD": "0.3",
        "RAG_GENERATOR": "openai",
        "RAG_LLM_BASE_URL": llm.url,
        "RAG_LLM_MODEL": "fake-qwen",
    }
    process, url = start_server(tiny_index, base / "data", env, cwd=ROOT, log_path=base / "serve.log")
    yield url, llm
    stop_server(process)
    llm.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_verified_sentences_appear_one_by_one_while_the_model_writes(served, browser, device):
    url, _ = served
    options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if device == "phone" else {}
    page = open_app(browser, url, [], **options)
    try:
        page.evaluate(WATCH_JS)
        box = page.locator("#rag-question textarea")
        box.fill(QUESTION)
        box.press("Enter")
        page.wait_for_selector("#rag-chat .rag-answer.rag-done", timeout=60_000)
        shown = page.evaluate("() => window.__ragShown")
        final = page.locator("#rag-chat .rag-answer.rag-done").last.inner_text()
    finally:
        page.close()
    # First the leader sentence alone, then with the meeting sentence; the last sentence only
    # in the finished answer, and the invented one nowhere.
    assert any("省长" in t and "每季度" not in t for t in shown), shown
    assert any("每季度" in t and "高度重视" not in t for t in shown), shown
    assert not any("治理法" in t for t in shown) and "治理法" not in final
    assert "省长" in final and "每季度" in final and "高度重视" in final
