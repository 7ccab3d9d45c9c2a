"""Markdown: syntax stripped, headings kept as the chunks' heading path."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.ingest.chunk import chunk_document
from rag.ingest.load import load_documents
from rag.ingest.loaders.markdown import markdown_to_text, strip_inline

pytestmark = pytest.mark.unit

ARTICLE = """---
title: 数字政府建设的新进展
author: 张三, 李四
date: 2024-03-15
---
# Markdown文章：数字政府建设的**新进展**

数字政府建设是推进国家治理体系和治理能力现代化的重要举措，各地积极推进[政务服务](https://example.gov.cn)一网通办。

## 一网通办的做法

- 某市通过整合政务数据资源，实现了群众办事*只进一扇门*、最多跑一次的目标。
- 该市还建立了统一的数据共享平台，打破部门之间的`信息孤岛`，提升了行政效率。

| 指标 | 改革前 | 改革后 |
|---|---|---|
| 办事时间 | 10天 | 5天 |

下一步计划
----------

> 该市将继续深化数据要素市场化配置改革，推动公共数据有序开放和开发利用。
"""


def test_markdown_syntax_is_stripped_and_headings_become_the_path(tmp_path: Path) -> None:
    (tmp_path / "article.md").write_text(ARTICLE, encoding="utf-8")
    (document,) = load_documents(tmp_path).documents
    assert document.title == "数字政府建设的新进展"  # front matter wins; never "# Markdown文章…"
    assert document.authors == ("张三", "李四") and document.date == "2024-03-15"
    assert (document.format, document.encoding) == ("md", "utf-8")
    for syntax in ("#", "**", "](", "`", "|---", "> ", "- 某市", "----"):
        assert syntax not in document.text
    assert "群众办事只进一扇门" in document.text and "打破部门之间的信息孤岛" in document.text
    assert "办事时间 | 10天 | 5天" in document.text
    headings = [document.text[o : document.text.index("\n", o)] for o, _ in document.headings]
    # The leading `#` heading is the title line, which cleaning moves out of the body.
    assert headings == ["一网通办的做法", "下一步计划"]
    assert [level for _, level in document.headings] == [2, 2]
    sections = [c.section for c in chunk_document(document, 20, 80) if c.kind == "body"]
    assert sections[0] == "" and {"一网通办的做法", "下一步计划"} <= set(sections)
    # The table row and list items are paragraphs, not headings.
    assert not any("办事时间" in s for s in sections)


def test_title_from_the_first_heading_without_front_matter(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "# 数据共享平台建设\n\n政务服务数据共享平台建设取得进展，部门之间的信息孤岛逐步打通。\n",
        encoding="utf-8",
    )
    (document,) = load_documents(tmp_path).documents
    assert document.title == "数据共享平台建设"
    assert document.text == "政务服务数据共享平台建设取得进展，部门之间的信息孤岛逐步打通。"


def test_code_fences_keep_content_and_are_not_headings() -> None:
    text, headings, _ = markdown_to_text("# 标题\n```\n# 不是标题\n```\n正文")
    assert text.split("\n") == ["标题", "", "# 不是标题", "", "正文"]
    assert headings == ((0, 1),)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("以及*强调*和**粗体**和***两者***", "以及强调和粗体和两者"),
        ("![图1 架构](a.png)见[报告](http://x)与`代码`", "图1 架构见报告与代码"),
        ("a \\* b 与 <b>标签</b>", "a * b 与 标签"),
        ("snake_case_name 不变", "snake_case_name 不变"),
    ],
)
def test_inline_syntax(line: str, expected: str) -> None:
    assert strip_inline(line) == expected
