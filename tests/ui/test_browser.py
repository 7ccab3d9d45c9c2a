"""End to end in a real browser: `rag serve` on a free loopback port, driven by Playwright + chromium.

By default the server builds a tiny corpus (plus an article full of markup) with the hashing
embedder and a refusal threshold that answers the Guangdong question and refuses the cooking
one. With UI_E2E_INDEX=<a built seeds index> it runs against that index with the default model
(used for the screenshots in docs/). Screenshots go to tmp_path and, when UI_SCREENSHOT_DIR is
set, there too.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from rag.answer.prompts import ERROR_EMPTY, REFUSAL, RELATED_LABEL
from rag.ingest.normalize import to_traditional
from ui import strings as S
from ui.browser import CHROMIUM, ask, foreign_requests, launch_browser, open_app, start_server, stop_server
from ui.logs import read_jsonl

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[2]
EVIL_ARTICLE = """政务云安全测评

测评系统<b>加粗</b><script>window.__xss=1</script><img src=x onerror="window.__xss=2">用于检验政务云的抗攻击能力。测评每年开展两次,结果向社会公开。
"""
EVIL_QUESTION = '<img src=x onerror="window.__xss=3">政务云<script>window.__xss=4</script>'


@dataclass(frozen=True)
class Scenario:
    answerable: str
    expect_marked: str  # text the highlighted supporting span must contain
    follow_up: str
    follow_up_query: str  # the standalone question the follow-up is rewritten to
    unrelated: str
    markup_question: str = ""  # retrieves EVIL_ARTICLE (tiny corpus only)


TINY = Scenario(
    answerable="广东由谁担任数字政府改革建设工作领导小组组长？",
    expect_marked="省长",
    follow_up="那浙江呢？",
    follow_up_query="浙江由谁担任数字政府改革建设工作领导小组组长？",
    unrelated="家常红烧肉应该怎么做？需要哪些调料？",
    markup_question="测评系统用于检验政务云的什么能力？",
)
SEEDS = Scenario(
    answerable="数字政府建设中如何保障数据安全？",
    expect_marked="安全",
    follow_up="那广东是怎么做的？",
    follow_up_query="广东数字政府建设中如何保障数据安全？",
    unrelated="家常红烧肉应该怎么做？需要哪些调料？",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory, tiny_index):
    """(url, data_dir, scenario, log): a running `rag serve`, stopped after the module."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    base = tmp_path_factory.mktemp("browser")
    data_dir = base / "data"
    real_index = os.environ.get("UI_E2E_INDEX")
    if real_index:
        index_dir, env, scenario = Path(real_index), {}, SEEDS
    else:
        # The tiny corpus of tests/conftest.py (written beside `tiny_index`) plus markup; the
        # server builds the index itself, so the build-at-start-up path runs too.
        seeds = base / "seeds"
        shutil.copytree(tiny_index.parent / "seeds", seeds)
        (seeds / "evil.txt").write_text(EVIL_ARTICLE, encoding="utf-8")
        index_dir, scenario = base / "index", TINY
        env = {
            "RAG_EMBEDDER": "hash",
            "RAG_SEEDS_DIR": str(seeds),
            "RAG_MIN_CHARS": "40",
            "RAG_MAX_CHARS": "120",
            "RAG_REFUSAL_THRESHOLD": "0.3",  # the gate's strength scale (tests/ui/conftest.py)
        }
    process, url = start_server(index_dir, data_dir, env, cwd=ROOT, log_path=base / "serve.log")
    yield url, data_dir, scenario, base / "serve.log"
    stop_server(process)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def app(server, browser):
    """(page, requests, url): a fresh page on the ready app; no request may leave 127.0.0.1:port."""
    url = server[0]
    requests: list[str] = []
    dialogs: list[str] = []
    page = open_app(browser, url, requests)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page, requests, url
    page.close()
    assert not dialogs, f"a script ran and opened a dialog: {dialogs}"
    assert requests and not foreign_requests(requests, url), foreign_requests(requests, url)


def save_screenshot(page, tmp_path: Path, name: str) -> Path:
    """Save to tmp_path, and to $UI_SCREENSHOT_DIR when set."""
    path = tmp_path / name
    page.screenshot(path=str(path))
    target = os.environ.get("UI_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / name)
    return path


def last_bot(page):
    return page.locator("#rag-chat [data-testid='bot']").last


def test_empty_screen_has_examples_and_an_example_can_be_asked(app, server):
    page, _, _ = app
    if not os.environ.get("UI_E2E_INDEX"):  # the server built the missing index, and said so
        assert S.STATUS_BUILDING in server[3].read_text(encoding="utf-8")
    for question in S.EXAMPLE_QUESTIONS:
        assert page.get_by_text(question, exact=True).first.is_visible()
    assert S.SOURCES_EMPTY[:6] in page.inner_text("#rag-sources")
    page.evaluate("() => window.__ragMark()")
    page.get_by_text(S.EXAMPLE_QUESTIONS[0], exact=True).first.click()
    page.wait_for_function("() => window.__ragTimes.done !== null", timeout=60_000)
    assert S.EXAMPLE_QUESTIONS[0] in page.inner_text("#rag-chat")


def test_answer_streams_and_a_citation_opens_with_the_span_highlighted(app, server, tmp_path):
    page, _, _ = app
    scenario = server[2]
    times = ask(page, scenario.answerable)
    # An extractive answer is finished when it arrives: shown at once, not replayed (issue 11).
    print(f"first token {times['first']:.0f} ms, full answer {times['done']:.0f} ms")
    answer = last_bot(page)
    assert answer.locator(".rag-answer.rag-done").count() == 1
    links = answer.locator("a.rag-cite")
    assert links.count() >= 1
    target = links.nth(links.count() - 1)
    n = target.inner_text().strip("[]")
    target.click()
    card = page.locator(f"#rag-sources .rag-card.is-active[data-n='{n}']")
    card.wait_for(timeout=10_000)
    marked = card.locator("mark.rag-mark").all_inner_texts()
    assert marked and all(text.strip() for text in marked)
    assert any(scenario.expect_marked in text for text in "".join(marked).split("\n")) or (
        scenario.expect_marked in "".join(marked)
    )
    assert card.locator(".rag-title").inner_text().startswith("《")
    assert card.locator(".rag-path").inner_text().strip()
    save_screenshot(page, tmp_path, "screenshot-answer.png")

    # The whole article, scrolled so that the supporting span is in view.
    card.locator(".rag-open-article").click()
    body = page.locator("#rag-sources .rag-article-body")
    body.wait_for(timeout=10_000)
    page.wait_for_timeout(300)
    mark = body.locator("mark.rag-mark").first
    box, frame = mark.bounding_box(), body.bounding_box()
    assert frame["y"] <= box["y"] <= frame["y"] + frame["height"], "span not scrolled into view"
    assert mark.inner_text() == marked[0]
    page.locator("#rag-sources .rag-back").click()
    page.locator(f"#rag-sources .rag-card.is-active[data-n='{n}']").wait_for(timeout=10_000)

    # 繁體: the highlight stays on the same (converted) sentence.
    page.get_by_text(S.LABEL_SETTINGS).click()
    page.locator("#rag-script").get_by_text("繁體", exact=True).click()
    expected = to_traditional(marked[0])
    page.wait_for_function(
        "(text) => [...document.querySelectorAll('#rag-sources .rag-card.is-active mark')]"
        ".some(m => m.innerText === text)",
        arg=expected,
        timeout=10_000,
    )


def test_follow_up_is_understood_from_the_previous_turn(app, server):
    page, _, _ = app
    scenario = server[2]
    ask(page, scenario.answerable)
    ask(page, scenario.follow_up)
    rewritten = page.locator("#rag-sources .rag-rewritten")
    rewritten.wait_for(timeout=10_000)
    text = rewritten.inner_text()
    assert S.QUERY_REWRITTEN in text and scenario.follow_up_query in text


def test_refusal_looks_different_and_shows_related_passages(app, server, tmp_path):
    page, _, _ = app
    ask(page, server[2].unrelated)
    refusal = last_bot(page).locator(".rag-refusal")
    assert refusal.count() == 1 and last_bot(page).locator(".rag-answer").count() == 0
    assert REFUSAL in refusal.inner_text() and RELATED_LABEL in refusal.inner_text()
    assert refusal.locator("a.rag-rel").count() >= 1
    panel = page.locator("#rag-sources .rag-sources-refusal")
    panel.wait_for(timeout=10_000)
    assert RELATED_LABEL in panel.inner_text() and panel.locator(".rag-card").count() >= 1
    background = refusal.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    save_screenshot(page, tmp_path, "screenshot-refusal.png")
    refusal.locator("a.rag-rel").first.click()
    page.locator("#rag-sources .rag-card.is-active[data-n='1']").wait_for(timeout=10_000)


def test_errors_are_friendly_chat_messages(app):
    page, _, _ = app
    page.evaluate("() => window.__ragMark()")
    page.locator("#rag-send").click()
    page.wait_for_function("() => window.__ragTimes.done !== null", timeout=30_000)
    assert ERROR_EMPTY in last_bot(page).inner_text()
    ask(page, "问" * 600)
    text = last_bot(page).inner_text()
    assert "问题过长" in text and "Traceback" not in page.inner_text("body")


def test_markup_in_questions_and_articles_is_shown_as_text(app, server):
    page, _, _ = app
    ask(page, EVIL_QUESTION)
    user = page.locator("#rag-chat [data-testid='user']").last
    assert "<script>window.__xss=4</script>" in user.inner_text()
    assert page.locator("#rag-chat img[src='x']").count() == 0
    if server[2].markup_question:
        ask(page, server[2].markup_question)
        page.wait_for_timeout(300)
        panel = page.inner_text("#rag-sources")
        assert "<script>window.__xss=1</script>" in panel and "<b>加粗</b>" in panel
        assert page.locator("#rag-sources script, #rag-sources img, #rag-sources b").count() == 0
    assert page.evaluate("() => window.__xss") is None


def test_feedback_and_audit_are_logged(app, server):
    page, _, _ = app
    url, data_dir, scenario, _ = server
    ask(page, scenario.answerable)
    last_bot(page).hover()
    page.locator("#rag-chat button[aria-label='踩'], #rag-chat button[aria-label='Dislike']").last.click()
    comment = page.locator("#rag-comment textarea")
    comment.wait_for(timeout=10_000)
    assert S.FEEDBACK_THANKS_DOWN in page.inner_text("#rag-thanks")
    comment.fill("引用的段落不够具体")
    page.locator("#rag-send-comment").click()
    page.wait_for_function(
        "(text) => document.querySelector('#rag-thanks').innerText.includes(text)",
        arg=S.FEEDBACK_COMMENT_SAVED,
        timeout=10_000,
    )
    rows = read_jsonl(data_dir / "feedback.jsonl")
    assert [r["rating"] for r in rows[-2:]] == ["down", "down"] and rows[-1]["comment"] == "引用的段落不够具体"
    assert rows[-1]["question"] == scenario.answerable and rows[-1]["citations"]
    assert set(rows[-1]["settings"]) == {"doc_ids", "script", "top_k"} and rows[-1]["time"]
    audit = read_jsonl(data_dir / "audit.jsonl")
    assert any(r["question"] == scenario.answerable and r["outcome"] == "answer" for r in audit)
