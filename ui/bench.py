"""Latency as an official sees it: time from pressing Enter to the first streamed answer text and
to the complete answer, measured in a real browser against `rag serve`.

    python -m ui.bench --index index            # the built seeds index, default model
    python -m ui.bench --index index --json     # machine-readable

Times are taken inside the page (a MutationObserver on the chat), so they include the
request, retrieval and answering, streaming and rendering. Prints per-question figures and
the median and maximum; it is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

from ui.browser import ask, launch_browser, open_app, start_server, stop_server

QUESTIONS = (
    "广东数字政府改革建设工作领导小组由谁担任组长？",
    "数字政府建设面临哪些现实困境？",
    "如何打破部门之间的数据壁垒，实现数据共享？",
    "文章认为政府存在的核心目的是什么？",
    "数字政府建设中如何保障数据安全？",
    "哪位学者最早关注数字政府这一研究领域？",
    "在政务云建设方面，文章主张各地区按照什么原则开展？",
    "文章认为信息安全是什么的重要组成部分？",
    "为什么部分政府职能部门在部门协同中的积极性不高？",
    "家常红烧肉应该怎么做？需要哪些调料？",
)


def run(index_dir: Path, questions: tuple[str, ...] = QUESTIONS) -> list[dict]:
    """Ask each question in one browser page; returns `{question, first_ms, full_ms, streamed}`."""
    from playwright.sync_api import sync_playwright

    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        process, url = start_server(
            index_dir, Path(tmp) / "data", {}, cwd=root, log_path=Path(tmp) / "serve.log"
        )
        try:
            with sync_playwright() as playwright:
                browser = launch_browser(playwright)
                page = open_app(browser, url, [])
                ask(page, "数字政府")  # one warm-up question, not counted
                rows = []
                for question in questions:
                    page.locator("#rag-new").click()  # each question on its own, no follow-up
                    page.wait_for_function(
                        "() => !document.querySelector('#rag-chat [data-testid=\"bot\"]')",
                        timeout=30_000,
                    )
                    times = ask(page, question)
                    refused = page.locator("#rag-chat .rag-refusal").count() > 0
                    rows.append(
                        {
                            "question": question,
                            "first_ms": round(times["first"], 1),
                            "full_ms": round(times["done"], 1),
                            "streamed": bool(times["streamed"]),
                            "refused": refused,
                        }
                    )
                browser.close()
        finally:
            stop_server(process)
    return rows


def summary(rows: list[dict]) -> dict:
    """Median and maximum of both timings."""
    first = [r["first_ms"] for r in rows]
    full = [r["full_ms"] for r in rows]
    answered = [r["first_ms"] for r in rows if not r.get("refused")] or [0.0]
    return {
        "questions": len(rows),
        "answers_first_token_median_ms": round(statistics.median(answered), 1),
        "first_token_median_ms": round(statistics.median(first), 1),
        "first_token_max_ms": max(first),
        "full_answer_median_ms": round(statistics.median(full), 1),
        "full_answer_max_ms": max(full),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print per-question and median figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("index"), help="built index folder")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    rows = run(args.index)
    result = summary(rows)
    if args.json:
        print(json.dumps({"rows": rows, "summary": result}, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        kind = "refusal" if row.get("refused") else "answer "
        print(f"{row['first_ms']:8.0f} ms {row['full_ms']:8.0f} ms  {kind}  {row['question']}")
    print(
        f"median: first token {result['first_token_median_ms']:.0f} ms, "
        f"full answer {result['full_answer_median_ms']:.0f} ms "
        f"(max {result['first_token_max_ms']:.0f} / {result['full_answer_max_ms']:.0f} ms, "
        f"{result['questions']} questions); answers only: first text median "
        f"{result['answers_first_token_median_ms']:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
