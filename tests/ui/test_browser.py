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
from ui import strings as S
from tests.ui.conftest import need_chromium
from ui.browser import PHONE, ask, foreign_requests, open_app, start_server, stop_server
from ui.script import to_simplified, to_traditional
from ui.logs import read_jsonl

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[2]
EVIL_ARTICLE = """政务云安全测评

测评系统<b>加粗</b><script>window.__xss=1</script><img src=x onerror="window.__xss=2">用于检验政务云的抗攻击能力。测评每年开展两次,结果向社会公开。
"""
NOTES_ARTICLE = """政务数据共享条例解读

条例要求各部门按照共享目录向平台提供政务数据[3]。共享数据应当及时更新,保证准确完整[7]。条例还规定了数据共享的监督考核办法。
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
    list_question: str = ""  # answered as a numbered list
    other_script: str = ""  # a Simplified question answered from a Traditional article
    footnote_question: str = ""  # cites an article with its own [3] footnote markers


TINY = Scenario(
    answerable="广东由谁担任数字政府改革建设工作领导小组组长？",
    expect_marked="省长",
    follow_up="那浙江呢？",
    follow_up_query="浙江由谁担任数字政府改革建设工作领导小组组长？",
    unrelated="家常红烧肉应该怎么做？需要哪些调料？",
    markup_question="测评系统用于检验政务云的什么能力？",
    list_question="数字人才队伍建设有哪些措施？",
    other_script="如何打破数据烟囱，实现数据共享？",
    footnote_question="条例要求各部门按照什么向平台提供政务数据？",
)
SEEDS = Scenario(
    answerable="数字政府建设中如何保障数据安全？",
    expect_marked="安全",
    follow_up="那广东是怎么做的？",
    follow_up_query="广东数字政府建设中如何保障数据安全？",
    unrelated="家常红烧肉应该怎么做？需要哪些调料？",
    list_question="数字政府建设存在哪些问题？",
    other_script="数字政府建设面临哪些现实困境？",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory, serve_tiny):
    """(url, data_dir, scenario, log): a running `rag serve`, stopped after the module."""
    need_chromium()
    base = tmp_path_factory.mktemp("browser")
    real_index = os.environ.get("UI_E2E_INDEX")
    if real_index:
        process, url = start_server(
            Path(real_index), base / "data", {}, cwd=ROOT, log_path=base / "serve.log"
        )
        scenario = SEEDS
    else:
        # The tiny corpus of tests/conftest.py plus markup; the server builds the index
        # itself, so the build-at-start-up path runs too.
        process, url, _, _, _ = serve_tiny(
            base, {"evil.txt": EVIL_ARTICLE, "notes.txt": NOTES_ARTICLE}
        )
        scenario = TINY
    yield url, base / "data", scenario, base / "serve.log"
    stop_server(process)


def _app(server, browser, **options):
    url = server[0]
    requests: list[str] = []
    dialogs: list[str] = []
    page = open_app(browser, url, requests, **options)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page, requests, url
    page.close()
    assert not dialogs, f"a script ran and opened a dialog: {dialogs}"
    assert requests and not foreign_requests(requests, url), foreign_requests(requests, url)


@pytest.fixture
def app(server, browser):
    """(page, requests, url): a fresh desktop page (1440×900) on the ready app; no request
    may leave 127.0.0.1:port."""
    yield from _app(server, browser, permissions=["clipboard-read", "clipboard-write"])


@pytest.fixture
def phone(server, browser):
    """The same on a phone (390×844, touch)."""
    yield from _app(server, browser, viewport=PHONE, is_mobile=True, has_touch=True)


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


def test_empty_screen_has_examples_and_an_example_can_be_asked(app, server, tmp_path):
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
    last_bot(page).locator(".rag-done").wait_for(timeout=10_000)
    save_screenshot(page, tmp_path, "screenshot-direct.png")  # the first example: a direct answer


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

    # 繁 in the header: the highlight stays on the same (converted) sentence, and the
    # answer follows, in one Traditional standard.
    page.locator("#rag-script").get_by_text("繁", exact=True).click()
    expected = to_traditional(marked[0])
    page.wait_for_function(
        "(text) => [...document.querySelectorAll('#rag-sources .rag-card.is-active mark')]"
        ".some(m => m.innerText === text)",
        arg=expected,
        timeout=10_000,
    )
    page.wait_for_function(
        "(text) => document.querySelector('#rag-chat').innerText.includes(text)",
        arg=to_traditional(last_bot(page).locator(".rag-direct, .rag-sent").first.inner_text()),
        timeout=10_000,
    )
    assert "爲" not in page.inner_text("body")


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


def test_empty_and_too_long_questions_stay_in_the_box_with_one_note(app):
    page, _, _ = app
    box = page.locator("#rag-question textarea")
    assert page.inner_text("#rag-counter") == S.COUNTER.format(count=0, limit=500)
    for _ in range(3):  # repeated empty submits: one note, no bubbles
        page.locator("#rag-send").click()
        page.wait_for_timeout(400)
    page.locator("#rag-input-note .rag-note").wait_for(timeout=10_000)
    assert page.locator("#rag-input-note .rag-note").count() == 1
    assert ERROR_EMPTY in page.inner_text("#rag-input-note")
    assert page.locator("#rag-chat [data-testid='user'], #rag-chat [data-testid='bot']").count() == 0
    long = "问" * 600
    box.fill(long)
    assert page.inner_text("#rag-counter") == S.COUNTER.format(count=600, limit=500)
    assert "is-over" in page.locator("#rag-counter").get_attribute("class")
    box.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#rag-input-note').innerText.includes('问题过长')",
        timeout=10_000,
    )
    assert box.input_value() == long, "the too long question must stay in the box to be edited"
    assert page.locator("#rag-chat [data-testid='user']").count() == 0
    assert page.locator("#rag-input-note .rag-note").count() == 1
    # Shortened and sent: the note goes away and the question is answered.
    box.fill("广东由谁担任数字政府改革建设工作领导小组组长？")
    page.evaluate("() => window.__ragMark()")
    box.press("Enter")
    page.wait_for_function("() => window.__ragTimes.done !== null", timeout=60_000)
    assert page.inner_text("#rag-input-note").strip() == "" and box.input_value() == ""
    assert "Traceback" not in page.inner_text("body")


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
    # No rating while an answer streams: watch every update of the chat.
    page.evaluate(
        "() => { window.__ragRateWhileStreaming = false; new MutationObserver(() => {"
        " if (document.querySelector('#rag-chat .rag-streaming .rag-act, #rag-chat .rag-pending .rag-act'))"
        " window.__ragRateWhileStreaming = true; }).observe(document.body,"
        " {childList: true, subtree: true}); }"
    )
    ask(page, scenario.answerable)
    assert page.evaluate("() => window.__ragRateWhileStreaming") is False
    answer = last_bot(page)
    # SVG icons, no emoji (an error bubble has no rating: tests/ui/test_panel.py).
    assert answer.locator("a.rag-rate svg").count() == 2
    assert "👍" not in page.inner_text("body") and "👎" not in page.inner_text("body")
    answer.locator("a.rag-down").click()
    box = page.locator(".rag-comment-box")
    box.wait_for(timeout=10_000)
    assert S.FEEDBACK_THANKS_DOWN in box.inner_text()
    # The box opens next to the rated answer, and the rating stays shown on it.
    answer_box, comment_box = answer.bounding_box(), box.bounding_box()
    assert 0 <= comment_box["y"] - (answer_box["y"] + answer_box["height"]) < 40
    answer.locator("a.rag-down.is-rated").wait_for(timeout=10_000)
    assert S.RATED["down"] in answer.inner_text()
    box.locator("textarea").fill("引用的段落不够具体")
    box.locator("button[type='submit']").click()
    assert S.FEEDBACK_COMMENT_SAVED in box.inner_text()
    box.wait_for(state="detached", timeout=10_000)  # the thank-you clears
    assert answer.locator("a.rag-down.is-rated").count() == 1
    for _ in range(50):
        rows = read_jsonl(data_dir / "feedback.jsonl")
        if rows and rows[-1]["comment"]:
            break
        page.wait_for_timeout(100)
    rows = read_jsonl(data_dir / "feedback.jsonl")
    assert [r["rating"] for r in rows[-2:]] == ["down", "down"] and rows[-1]["comment"] == "引用的段落不够具体"
    assert rows[-1]["question"] == scenario.answerable and rows[-1]["citations"]
    assert set(rows[-1]["settings"]) == {"doc_ids", "script", "top_k"} and rows[-1]["time"]
    audit = read_jsonl(data_dir / "audit.jsonl")
    assert any(r["question"] == scenario.answerable and r["outcome"] == "answer" for r in audit)


# ---------------------------------------------------------------- issue 9: the chat as officials use it


def test_start_screen_examples_look_clickable_and_the_search_can_be_restricted(app, server):
    page, _, _ = app
    example = page.locator("#rag-chat button.example").first
    style = example.evaluate(
        "e => { const s = getComputedStyle(e); return [s.cursor, s.borderTopWidth, s.borderTopStyle]; }"
    )
    assert style[0] == "pointer" and style[1] != "0px" and style[2] != "none"
    library = page.locator("#rag-sources .rag-library")
    library.wait_for(timeout=30_000)
    rows = library.locator(".rag-doc")
    assert rows.count() >= 3
    text = library.inner_text()
    assert "《广东数字政府改革实践》" in text and "作者：张三" in text or not server[2].markup_question
    # 只查这篇: only that article is searched.
    row = library.locator(".rag-doc", has_text="广东数字政府改革实践" if server[2].markup_question else "")
    row.first.locator("button.rag-scope").click()
    page.locator("#rag-sources .rag-doc.is-scoped").wait_for(timeout=10_000)
    scoped_title = page.locator("#rag-sources .rag-doc.is-scoped .rag-title").inner_text()
    assert S.SCOPE_NOW.split("《")[0] in page.inner_text("#rag-sources")
    page.get_by_text(S.LABEL_SETTINGS).first.click()
    checked = page.locator("#rag-docs input[type='checkbox']:checked")
    checked.first.wait_for(timeout=10_000)
    assert checked.count() == 1
    ask(page, server[2].answerable)
    titles = set(page.locator("#rag-sources .rag-card .rag-title").all_inner_texts())
    scoped = to_simplified(scoped_title.split("（")[0])
    assert titles and all(to_simplified(t).startswith(scoped) for t in titles), (titles, scoped_title)


def test_one_script_follows_the_question_with_the_original_one_click_away(app, server):
    page, _, _ = app
    scenario = server[2]
    ask(page, scenario.other_script)
    panel = page.locator("#rag-sources")
    panel.locator(".rag-card").first.wait_for(timeout=10_000)
    shown = panel.locator(".rag-card .rag-passage").first.inner_text()
    assert shown == to_simplified(shown), "a Simplified question shows the passages in Simplified"
    assert to_simplified(last_bot(page).inner_text()) == last_bot(page).inner_text()
    switch = panel.locator("button.rag-original")
    if switch.count():  # the cited article is written in Traditional: the original is one click away
        switch.click()
        page.wait_for_function(
            "() => document.querySelector('#rag-sources button.rag-original')"
            ".getAttribute('aria-pressed') === 'true'", timeout=10_000,
        )
        original = panel.locator(".rag-card .rag-passage").first.inner_text()
        assert original != shown and to_simplified(original) == shown
    # The switch sits in the header, not in a collapsed section.
    header = page.locator("#rag-top #rag-script")
    assert header.is_visible()
    header.get_by_text("繁", exact=True).click()
    page.wait_for_function(
        "() => { const t = document.querySelector('#rag-chat [data-testid=\"bot\"]').innerText;"
        " return t.length > 0; }", timeout=10_000,
    )
    page.wait_for_timeout(800)
    body = page.inner_text("#rag-chat") + page.inner_text("#rag-sources")
    assert "爲" not in body


def test_sources_show_metadata_and_the_article_reads_like_an_article(app, server, tmp_path):
    page, _, _ = app
    scenario = server[2]
    ask(page, scenario.answerable)
    card = page.locator("#rag-sources .rag-card").first
    card.wait_for(timeout=10_000)
    assert card.locator(".rag-title").inner_text().startswith("《")
    if scenario.markup_question:
        assert "作者：张三" in card.locator(".rag-card-meta").inner_text()
        assert "2023-01-05" in card.locator(".rag-card-meta").inner_text()
    card.locator(".rag-open-article").click()
    article = page.locator("#rag-sources .rag-article")
    article.wait_for(timeout=10_000)
    page.wait_for_timeout(300)
    assert article.locator("h2.rag-title").inner_text().startswith("《")
    assert article.locator(".rag-article-meta").inner_text().strip()
    assert article.locator(".rag-h").count() >= 1 and article.locator("p.rag-p").count() >= 2
    spacing = article.locator("p.rag-p").first.evaluate("e => parseFloat(getComputedStyle(e).marginBottom)")
    assert spacing >= 8
    heading = article.locator(".rag-h").first.evaluate(
        "e => [getComputedStyle(e).fontWeight, getComputedStyle(e).color]"
    )
    assert int(heading[0]) >= 600
    tint = article.locator(".rag-range").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert tint not in ("rgba(0, 0, 0, 0)", "transparent")
    save_screenshot(page, tmp_path, "screenshot-article.png")
    if scenario.footnote_question:
        ask(page, scenario.footnote_question)
        page.locator("#rag-sources .rag-card").first.wait_for(timeout=10_000)
        notes = page.locator("#rag-sources sup.rag-fn")
        assert notes.count() >= 1
        note = notes.first.evaluate(
            "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).verticalAlign]"
        )
        badge = page.locator("#rag-chat a.rag-cite").first.evaluate(
            "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).verticalAlign]"
        )
        assert note != badge and note[0] in ("rgba(0, 0, 0, 0)", "transparent")


def test_list_answer_is_a_numbered_list(app, server, tmp_path):
    page, _, _ = app
    ask(page, server[2].list_question)
    answer = last_bot(page)
    items = answer.locator(".rag-answer ol.rag-items li")
    if not server[2].markup_question:  # on the seeds this question is answered as a list
        assert items.count() >= 2
    if items.count():
        assert items.first.evaluate("e => getComputedStyle(e.parentElement).listStyleType") == "decimal"
    save_screenshot(page, tmp_path, "screenshot-list.png")


def test_phone_source_sheet_header_and_reachable_controls(phone, server, tmp_path):
    page, _, _ = phone
    assert "右侧" not in page.inner_text("body")
    header = page.locator("#rag-top").bounding_box()
    assert header["height"] <= 110, header
    new_chat = page.locator("#rag-new").bounding_box()
    assert new_chat and new_chat["y"] + new_chat["height"] <= PHONE["height"]
    switch = page.locator("#rag-script").bounding_box()
    assert switch["x"] + switch["width"] <= PHONE["width"] + 1, "the 简/繁 switch fits the screen"
    ask(page, server[2].answerable)
    side = page.locator("#rag-side")

    def on_screen() -> bool:
        box = side.bounding_box()
        return bool(box) and side.evaluate("e => getComputedStyle(e).visibility") == "visible" and (
            box["y"] < PHONE["height"] - 100
        )

    assert not on_screen(), "the sources start hidden on a phone"
    last_bot(page).locator("a.rag-cite").first.tap()
    page.locator("#rag-side .rag-card.is-active").wait_for(timeout=10_000)
    page.wait_for_timeout(500)
    assert on_screen(), "a tapped citation opens the passage over the chat"
    close = page.locator("#rag-side .rag-sheet-close")
    assert close.is_visible() and close.inner_text() == S.CLOSE_SHEET
    save_screenshot(page, tmp_path, "screenshot-phone-sheet.png")
    close.tap()
    page.wait_for_timeout(500)
    assert not on_screen(), "返回对话 goes back to the chat"
    # Settings stay reachable.
    settings = page.locator("#rag-settings")
    settings.scroll_into_view_if_needed()
    settings.get_by_text(S.LABEL_SETTINGS).first.tap()
    page.locator("#rag-top-k").wait_for(state="visible", timeout=10_000)
    assert "右侧" not in page.inner_text("body")


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]


def test_accessibility_axe_names_and_keyboard(app, server):
    page, _, _ = app
    assert _serious(page) == []
    assert page.locator("#rag-question textarea").get_attribute("aria-label") == S.LABEL_QUESTION
    assert page.locator("#rag-chat [role='log']").get_attribute("aria-label") == S.LABEL_CHAT_LOG
    assert page.locator("#rag-chat button.example").first.get_attribute("aria-label").startswith(
        S.LABEL_EXAMPLE
    )
    ask(page, server[2].answerable)
    ask(page, server[2].unrelated)
    page.get_by_text(S.LABEL_SETTINGS).first.click()
    page.wait_for_timeout(400)
    assert _serious(page) == []
    assert "Textbox" not in (page.locator("#rag-question textarea").get_attribute("aria-label") or "")
    # Every source card is reachable by keyboard, and Enter opens it.
    cards = page.locator("#rag-sources .rag-card")
    page.locator("#rag-question textarea").focus()
    reached = set()
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.classList.contains('rag-card') ? document.activeElement.id : ''"
        )
        if focused:
            reached.add(focused)
        if len(reached) == cards.count():
            break
    assert len(reached) == cards.count() >= 1, reached
    collapsed = page.locator("#rag-sources .rag-card.is-collapsed").first
    if collapsed.count():
        target = collapsed.get_attribute("id")
        collapsed.focus()
        page.keyboard.press("Enter")
        page.locator(f"#{target}.is-active").wait_for(timeout=10_000)
    page.locator("#rag-sources .rag-card:not(.is-collapsed) .rag-open-article").first.click()
    page.locator("#rag-sources .rag-article").wait_for(timeout=10_000)
    assert _serious(page) == []


def test_accessibility_on_a_phone_with_the_sheet_open(phone, server):
    page, _, _ = phone
    assert _serious(page) == []
    ask(page, server[2].answerable)
    last_bot(page).locator("a.rag-cite").first.tap()
    page.locator("#rag-side .rag-card.is-active").wait_for(timeout=10_000)
    page.wait_for_timeout(400)
    assert _serious(page) == []


def test_copy_export_and_history(app, server, tmp_path):
    from docx import Document

    page, _, _ = app
    scenario = server[2]
    ask(page, scenario.answerable)
    answer = last_bot(page)
    answer.locator("a.rag-copy").click()
    page.wait_for_function(
        "(text) => document.querySelector('#rag-chat a.rag-copy').innerText.includes(text)",
        arg=S.COPIED, timeout=5_000,
    )
    copied = page.evaluate("() => navigator.clipboard.readText()")
    first_sentence = answer.locator(".rag-sent").first.inner_text()
    assert first_sentence in copied and S.REFERENCES_HEADING in copied
    assert "\n[1] 《" in copied
    # Export: Markdown and .docx, both with the references.
    page.get_by_text(S.LABEL_SETTINGS).first.click()
    with page.expect_download() as markdown:
        page.locator("#rag-export-md").click()
    text = Path(markdown.value.path()).read_text(encoding="utf-8")
    assert scenario.answerable in text and "[1] 《" in text
    with page.expect_download() as word:
        page.locator("#rag-export-docx").click()
    docx_path = tmp_path / "conversation.docx"
    word.value.save_as(docx_path)
    paragraphs = "\n".join(p.text for p in Document(str(docx_path)).paragraphs)
    assert scenario.answerable in paragraphs and "[1] 《" in paragraphs
    target = os.environ.get("UI_SCREENSHOT_DIR")
    if target:
        shutil.copy(docx_path, Path(target) / "export.docx")
    # The conversation survives a reload.
    page.reload()
    page.wait_for_selector("#rag-chat")
    last_bot(page).locator(".rag-answer").wait_for(timeout=30_000)
    assert scenario.answerable in page.inner_text("#rag-chat")
    last_bot(page).locator("a.rag-cite").first.click()
    page.locator("#rag-sources .rag-card.is-active").wait_for(timeout=10_000)
    # 新对话 keeps it in a list that reopens it.
    page.locator("#rag-new").click()
    page.wait_for_function(
        "() => !document.querySelector('#rag-chat [data-testid=\"bot\"]')", timeout=10_000
    )
    page.get_by_text(S.LABEL_HISTORY).first.click()
    page.locator("#rag-past input").click()
    option = page.locator("[role='option']").first
    option.wait_for(timeout=10_000)
    assert scenario.answerable[:10] in option.inner_text()
    option.click()
    page.locator("#rag-reopen").click()
    last_bot(page).locator(".rag-answer").wait_for(timeout=10_000)
    assert scenario.answerable in page.inner_text("#rag-chat")


def test_a_question_asked_while_the_index_loads_is_answered_once_ready(browser, tmp_path, serve_tiny):
    """A second server that builds its index at start-up: the question is asked at once."""
    if os.environ.get("UI_E2E_INDEX"):
        pytest.skip("needs a server that is still building its index")
    process, url, _, _, _ = serve_tiny(tmp_path)
    try:
        page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        page.goto(url)
        page.wait_for_selector("#rag-question textarea")
        loading = page.evaluate(
            "() => !document.querySelector('#rag-status .rag-status-ready')"
        )
        if not loading:
            pytest.skip("the index was ready before the question could be asked")
        box = page.locator("#rag-question textarea")
        box.fill("广东由谁担任数字政府改革建设工作领导小组组长？")
        box.press("Enter")
        page.locator("#rag-chat .rag-answer.rag-done").wait_for(timeout=120_000)
        assert page.locator("#rag-chat .rag-error").count() == 0
        assert "rag-cite" in page.inner_html("#rag-chat")
        page.close()
    finally:
        stop_server(process)
