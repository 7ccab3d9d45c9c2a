"""An LLM answer in a real browser, desktop and phone: verified sentences appear one by one
while the model still writes, and an invented sentence never appears (issue 9, item 10).

`rag serve` over the tiny index, its generator the fake OpenAI-compatible server streaming a
reply slowly enough to watch."""

from __future__ import annotations

import pytest

from ui.browser import PHONE, open_app, stop_server

from tests.ui.conftest import need_chromium

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

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
def served(tmp_path_factory, serve_tiny, fakes):
    """(url, fake LLM server): `rag serve` answering through the fake model."""
    need_chromium()
    llm = fakes("openai_server").FakeOpenAIServer(
        respond=lambda body: REPLY, chunk_delay_s=0.12
    ).start()
    env = {"RAG_GENERATOR": "openai", "RAG_LLM_BASE_URL": llm.url, "RAG_LLM_MODEL": "fake-qwen"}
    process, url, *_ = serve_tiny(tmp_path_factory.mktemp("browser-llm"), env=env)
    yield url, llm
    stop_server(process)
    llm.stop()


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
