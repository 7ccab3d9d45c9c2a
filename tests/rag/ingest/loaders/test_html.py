"""A saved web page: trafilatura keeps the article and drops navigation, ads and footer."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.ingest.chunk import chunk_document
from rag.ingest.load import load_documents

pytestmark = pytest.mark.unit

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}">
<title>数字政府建设的新进展_某某政务网</title>
<meta name="author" content="王晓明">
<meta property="og:title" content="数字政府建设的新进展">
<meta property="og:site_name" content="某某政务网">
<meta property="article:published_time" content="2024-03-15">
</head><body>
<header><nav class="menu"><ul><li><a href="/">首页</a></li><li><a href="/news">新闻中心</a></li>
<li><a href="/policy">政策文件</a></li><li><a href="/about">关于我们</a></li></ul></nav></header>
<div class="ad banner">广告：限时优惠，点击领取免费大礼包！</div>
<main><article>
<h1>数字政府建设的新进展</h1>
<p>数字政府建设是推进国家治理体系和治理能力现代化的重要举措，各地积极推进政务服务一网通办，取得了明显成效。</p>
<h2>一网通办的做法</h2>
<p>某市通过整合政务数据资源，实现了群众办事只进一扇门、最多跑一次的目标，办事时间平均缩短一半。</p>
<p>该市还建立了统一的数据共享平台，打破部门之间的信息孤岛，提升了行政效率和服务质量。</p>
<h2>下一步计划</h2>
<p>下一步，该市将继续深化数据要素市场化配置改革，推动公共数据有序开放和开发利用，让数据多跑路。</p>
</article></main>
<aside class="ad sidebar"><p>赞助商链接：低价机票，每日特惠，立即抢购</p></aside>
<footer><p>版权所有 2024 某某政务网 京ICP备12345678号</p><p>联系我们 | 网站地图 | 隐私政策</p></footer>
</body></html>
"""


@pytest.mark.parametrize(("charset", "encoding"), [("utf-8", "utf-8"), ("gbk", "gbk")])
def test_saved_page_keeps_the_article_and_drops_the_rest(
    tmp_path: Path, charset: str, encoding: str
) -> None:
    (tmp_path / "page.html").write_bytes(PAGE.format(charset=charset).encode(charset))
    result = load_documents(tmp_path)
    assert result.errors == ()
    (document,) = result.documents
    assert (document.doc_id, document.format, document.encoding) == ("page.html", "html", encoding)
    assert document.title == "数字政府建设的新进展"
    assert document.date == "2024-03-15"
    assert document.authors == ("王晓明",)
    assert "群众办事只进一扇门" in document.text and "让数据多跑路" in document.text
    for debris in ("首页", "新闻中心", "广告", "大礼包", "赞助商", "版权所有", "ICP", "网站地图", "<p>"):
        assert debris not in document.text, debris
    sections = {c.section for c in chunk_document(document, 20, 80) if c.kind == "body"}
    assert {"一网通办的做法", "下一步计划"} <= sections


def test_page_without_an_article_is_reported(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(
        "数字政府\n\n数字政府建设是推进国家治理体系和治理能力现代化的重要举措。\n", encoding="utf-8"
    )
    (tmp_path / "empty.html").write_text(
        "<html><head><title>空页面</title></head><body><script>var a = 1;</script></body></html>",
        encoding="utf-8",
    )
    result = load_documents(tmp_path)
    assert [d.doc_id for d in result.documents] == ["good.txt"]
    (error,) = result.errors
    assert error == f"{tmp_path / 'empty.html'}: no article text found in the page (only navigation or markup)"
