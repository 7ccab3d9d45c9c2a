"""The admin flow in a real browser: log in, upload an article, ask from it with a citation
into it, remove it, the same question refused; the audit log has every step (0600).

`rag serve` runs on the tiny corpus with the hashing embedder and an admin password set.
The article is a .docx written with python-docx when the loader reads .docx, else a .txt
(the test prints which). It also prints the time from clicking upload to answerable.
"""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

import pytest

from rag.answer.prompts import REFUSAL
from rag.library.admin import AUDIT_FILE, set_password
from rag.library.source import supported_suffixes
from tests.ui.conftest import need_chromium
from ui.admin_bench import EXPECT, PARAGRAPHS, QUESTION, TITLE, write_docx
from ui.browser import VIEWPORT, ask, open_app, stop_server

pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]

PASSWORD = "文库管理员-2026"


def write_article(folder: Path) -> Path:
    """The benchmark's article (ui/admin_bench.py) as .docx when supported, else .txt."""
    folder.mkdir(parents=True, exist_ok=True)
    if ".docx" in supported_suffixes():
        return write_docx(folder / "cloud.docx")
    path = folder / "cloud.txt"
    path.write_text(TITLE + "\n\n" + "\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory, serve_tiny):
    need_chromium()
    base = tmp_path_factory.mktemp("admin")
    data_dir = base / "data"
    set_password(data_dir, PASSWORD)
    process, url, seeds, _, _ = serve_tiny(base, data_dir=data_dir)
    yield url, data_dir, seeds, base
    stop_server(process)


def log_in(browser, url: str, password: str):
    """(page, HTTP status of the login request) once the server has answered the login."""
    page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    page.goto(url + "admin/")
    page.locator("input[type=text]").first.fill("admin")
    page.locator("input[type=password]").first.fill(password)
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/login" in r.url, timeout=60_000
    ) as login:
        page.get_by_role("button", name="登录").click()
    return page, login.value.status


def wait_message(page, text: str, timeout: float = 120_000) -> str:
    page.wait_for_function(
        "(t) => (document.querySelector('#admin-message')?.innerText || '').includes(t)",
        arg=text, timeout=timeout,
    )
    return page.inner_text("#admin-message")


def test_the_chat_needs_no_login_and_a_wrong_password_opens_nothing(server, browser):
    url = server[0]
    requests: list[str] = []
    chat = open_app(browser, url, requests)  # the chat is ready without any login
    chat.close()
    page, status = log_in(browser, url, "wrong-password")  # answered: no waiting on a clock
    assert status >= 400, status
    assert page.locator("#admin-list").count() == 0
    page.close()


def test_upload_ask_remove_refuse(server, browser, tmp_path):
    url, data_dir, seeds, base = server
    article = write_article(tmp_path / "incoming")
    print(f"uploading {article.name}")
    admin, status = log_in(browser, url, PASSWORD)
    assert status == 200, status
    admin.wait_for_selector("#admin-list", timeout=60_000)
    chat = open_app(browser, url, [])
    chat.click("#rag-settings")  # the article list renders when its accordion is open
    before = ask(chat, QUESTION)
    assert REFUSAL[:8] in chat.locator("#rag-chat [data-testid='bot']").last.inner_text()

    admin.locator("#admin-files input[type=file]").set_input_files(str(article))
    admin.wait_for_function(  # the file's name is shown as stem and suffix
        "([stem, suffix]) => { const t = document.querySelector('#admin-files')?.innerText || '';"
        " return t.includes(stem) && t.includes(suffix); }",
        arg=[article.stem, article.suffix],
    )
    started = time.perf_counter()
    admin.click("#admin-upload")
    message = wait_message(admin, "已入库")
    uploaded = time.perf_counter() - started
    assert (seeds / article.name).is_file()
    admin.wait_for_function(
        "(t) => document.querySelector('#admin-list')?.innerText.includes(t)", arg=TITLE
    )

    # The open chat picks the new article up by itself, then answers from it with a citation.
    chat.wait_for_function(
        "(t) => document.querySelector('#rag-docs')?.textContent.includes(t)", arg=TITLE,
        timeout=30_000,
    )
    answerable = time.perf_counter() - started
    ask(chat, QUESTION)
    reply = chat.locator("#rag-chat [data-testid='bot']").last.inner_text()
    assert EXPECT in reply and REFUSAL[:8] not in reply
    sources = chat.inner_text("#rag-sources")
    assert TITLE in sources and EXPECT in sources
    print(f"upload → indexed and switched {uploaded:.1f} s; → the open chat lists it "
          f"{answerable:.1f} s ({message.strip()}); first refusal took {before['done']:.0f} ms")

    doc_id = message.split("已入库：", 1)[1].split("。", 1)[0]
    assert doc_id in admin.inner_text("#admin-list")
    box = admin.locator("#admin-remove-choice input")
    box.click()
    box.fill(TITLE)
    admin.get_by_role("option").filter(has_text=doc_id).first.click()
    admin.keyboard.press("Escape")
    admin.click("#admin-remove")
    wait_message(admin, "已删除")
    assert not (seeds / article.name).exists()
    chat.wait_for_function(
        "(t) => !document.querySelector('#rag-docs')?.textContent.includes(t)", arg=TITLE,
        timeout=30_000,
    )
    ask(chat, QUESTION)
    assert REFUSAL[:8] in chat.locator("#rag-chat [data-testid='bot']").last.inner_text()

    audit = data_dir / AUDIT_FILE
    assert stat.S_IMODE(audit.stat().st_mode) == 0o600
    rows = [json.loads(line) for line in audit.read_text(encoding="utf-8").splitlines()]
    actions = [(r["action"], r["ok"]) for r in rows]
    assert ("login", True) in actions and ("upload", True) in actions and ("remove", True) in actions
    upload_row = next(r for r in rows if r["action"] == "upload" and r["ok"])
    assert "127.0.0.1" in upload_row["client"] and "user=admin" in upload_row["client"]
    assert upload_row["files"] == [article.name]
    chat.close()
    admin.close()

