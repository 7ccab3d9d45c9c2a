"""Run `rag serve` on a free loopback port and drive it with Playwright and Debian's chromium.

Used by the browser test (tests/ui/test_browser.py) and the latency benchmark (ui/bench.py);
playwright itself is imported by those callers, not here.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
VIEWPORT = {"width": 1440, "height": 900}  # desktop
PHONE = {"width": 390, "height": 844}

# Records, in the page, when the latest question's first answer text and its full answer
# appear: `window.__ragMark()` before sending, then read `window.__ragTimes`.
TIMING_JS = r"""
() => {
  const count = (selector) => document.querySelectorAll(selector).length;
  const FIRST = '#rag-chat .rag-answer, #rag-chat .rag-refusal, #rag-chat .rag-error';
  const DONE = '#rag-chat .rag-done';
  window.__ragTimes = {start: 0, first: null, done: null, streamed: false};
  window.__ragMark = () => {
    window.__ragBase = {first: count(FIRST), done: count(DONE)};
    window.__ragTimes = {start: performance.now(), first: null, done: null, streamed: false};
  };
  const observer = new MutationObserver(() => {
    const t = window.__ragTimes;
    if (!t.start || t.done !== null) return;
    const now = performance.now();
    if (t.first === null && count(FIRST) > window.__ragBase.first) t.first = now - t.start;
    if (count('#rag-chat .rag-streaming')) t.streamed = true;
    if (count(DONE) > window.__ragBase.done) t.done = now - t.start;
  });
  observer.observe(document.body, {childList: true, subtree: true, characterData: true});
}
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    index_dir: Path,
    data_dir: Path,
    env: dict[str, str],
    cwd: Path,
    log_path: Path,
    timeout: float = 120,
) -> tuple[subprocess.Popen, str]:
    """Start `rag serve` on a free loopback port; returns (process, base URL) once it answers."""
    port = free_port()
    full_env = {**os.environ, **env, "RAG_DATA_DIR": str(data_dir)}
    log = open(log_path, "w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "rag", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--index", str(index_dir)],
        cwd=cwd,
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log_path.read_text()
            raise RuntimeError(f"rag serve exited with {process.returncode}: {output}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return process, url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    stop_server(process)
    raise RuntimeError(f"rag serve did not answer within {timeout}s: {log_path.read_text()}")


def stop_server(process: subprocess.Popen) -> None:
    """Stop the server started by `start_server` (this process only)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def launch_browser(playwright):
    """Debian's chromium, headless, with background networking off."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)


def open_app(browser, url: str, requests: list[str], viewport: dict | None = None, **options):
    """A fresh page (its own context: empty localStorage) on the app, recording every
    request URL, once the engine is ready; `options` go to `Browser.new_page`."""
    page = browser.new_page(viewport=viewport or VIEWPORT, locale="zh-CN", **options)
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    page.wait_for_selector("#rag-chat")
    page.wait_for_function(
        "() => { const s = document.querySelector('#rag-status .rag-status');"
        " return s && s.classList.contains('rag-status-ready'); }",
        timeout=120_000,
    )
    page.evaluate(TIMING_JS)
    return page


def ask(page, question: str, timeout: float = 60_000) -> dict:
    """Type a question, press Enter, wait for the complete reply; returns the page's timings."""
    page.evaluate("() => window.__ragMark()")
    box = page.locator("#rag-question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function("() => window.__ragTimes.done !== null", timeout=timeout)
    return page.evaluate("() => window.__ragTimes")


def foreign_requests(requests: list[str], url: str) -> list[str]:
    """Requests to anything but the app's own host:port (data: and blob: URLs are local)."""
    own = urlsplit(url).netloc
    return [
        r for r in requests
        if not r.startswith(("data:", "blob:")) and urlsplit(r).netloc != own
    ]
