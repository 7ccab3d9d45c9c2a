"""PDF: the text layer per page, page numbers carried into chunks; scans need OCR."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from rag.ingest.chunk import chunk_document
from rag.ingest.load import load_documents
from rag.ingest.loaders.pdf import _unwrap

pytestmark = pytest.mark.unit

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
PAGES = [
    (
        "数字政府建设研究报告",
        "数字政府建设是推进国家治理体系和治理能力现代化的重要举措。近年来，各地围绕政务服务一网通办、"
        "城市运行一网统管、政府运行一网协同，开展了大量探索，取得了明显成效。",
    ),
    (
        "二、数据共享",
        "某市通过建设统一的数据共享交换平台，打破了部门之间的信息孤岛，累计共享数据超过十亿条，"
        "群众办事只进一扇门、最多跑一次成为现实。",
    ),
]


def write_pdf(path: Path, pages=PAGES, text: bool = True) -> None:
    pdf = FPDF()
    pdf.set_title("属性里的标题")
    pdf.set_author("研究组")
    pdf.add_font("noto", fname=str(FONT))
    pdf.set_font("noto", size=12)
    pdf.set_auto_page_break(False)  # one fixture page per PDF page, footer included
    for number, (heading, body) in enumerate(pages, start=1):
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 9, heading)
            pdf.ln(4)
            pdf.multi_cell(0, 9, body)  # wraps over several lines of the page
            pdf.set_y(-20)
            pdf.cell(0, 9, f"- {number} -", align="C")
        else:  # a scan: only an image-like drawing, no text layer
            pdf.set_fill_color(40, 40, 40)
            pdf.rect(20, 20, 170, 240, style="F")
    pdf.output(str(path))


def test_chinese_pdf_pages_reach_the_chunks(tmp_path: Path) -> None:
    write_pdf(tmp_path / "报告.pdf")
    result = load_documents(tmp_path)
    assert result.errors == ()
    (document,) = result.documents
    assert (document.doc_id, document.format, document.encoding) == ("报告.pdf", "pdf", "")
    # The title line of the text wins over the PDF's info title; the author comes from the info.
    assert document.title == "数字政府建设研究报告" and document.authors == ("研究组",)
    assert "\x00" not in document.text and "- 1 -" not in document.text
    # Lines the layout wrapped are one paragraph again.
    assert "开展了大量探索，取得了明显成效。" in document.text
    assert PAGES[0][1] in document.text and PAGES[1][1] in document.text
    assert [page for _, page in document.pages] == [1, 2]
    second = document.pages[1][0]
    assert document.text[second:].startswith("二、数据共享")
    chunks = [c for c in chunk_document(document, 20, 60) if c.kind == "body"]
    assert {c.page for c in chunks} == {1, 2}
    for chunk in chunks:
        assert chunk.page == (1 if chunk.start < second else 2)
        assert chunk.page <= chunk.page_end
    (island,) = [c for c in chunks if "信息孤岛" in c.text]
    assert island.page == 2 and island.section == "二、数据共享"


def test_scanned_pdf_without_text_layer_needs_ocr(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(
        "数字政府\n\n数字政府建设是推进国家治理体系和治理能力现代化的重要举措。\n", encoding="utf-8"
    )
    write_pdf(tmp_path / "scan.pdf", text=False)
    result = load_documents(tmp_path)
    assert [d.doc_id for d in result.documents] == ["good.txt"]
    assert result.errors == (
        f"{tmp_path / 'scan.pdf'}: no text layer in its 2 page(s) (a scanned PDF?); "
        "it needs OCR before it can be indexed",
    )


def test_unwrap_joins_full_lines_only() -> None:
    lines = ["标题", "这是一段很长的文字被版面折成了", "两行的段落。", "短行", "另一段完整的一行文字结束了。"]
    assert _unwrap(lines) == ["标题", "这是一段很长的文字被版面折成了两行的段落。", "短行", "另一段完整的一行文字结束了。"]
