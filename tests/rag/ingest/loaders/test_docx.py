"""Word files: heading styles become the heading path; tables are kept as text."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import docx
import pytest

from rag.ingest.chunk import chunk_document
from rag.ingest.load import load_documents

pytestmark = pytest.mark.unit


def write_docx(path: Path) -> None:
    document = docx.Document()
    document.core_properties.author = "张三；李四"
    document.core_properties.title = "属性里的标题"
    document.core_properties.created = datetime(2024, 3, 1, 9, 30)
    document.add_heading("数字政府建设工作方案", level=0)  # the Title style
    document.add_paragraph("为深入推进数字政府建设，提升政务服务水平，结合本市实际，制定本方案。")
    document.add_heading("一、总体要求", level=1)
    document.add_paragraph("坚持以人民为中心，推动政务服务从能办向好办转变，实现一网通办。")
    document.add_heading("（一）工作目标", level=2)
    document.add_paragraph("到2025年，政务服务事项全程网办率达到百分之九十以上，办事时间缩短一半。")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([("指标", "2023年", "2025年"), ("全程网办率", "70%", "90%"), ("平均办理时间", "10天", "5天")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_heading("二、保障措施", level=1)
    document.add_paragraph("各部门要加强组织领导，明确责任分工，确保各项任务落到实处。")
    document.save(path)


def test_docx_headings_become_the_heading_path_and_tables_stay(tmp_path: Path) -> None:
    write_docx(tmp_path / "方案.docx")
    result = load_documents(tmp_path)
    assert result.errors == ()
    (document,) = result.documents
    assert (document.doc_id, document.format, document.encoding) == ("方案.docx", "docx", "")
    assert document.title == "数字政府建设工作方案"
    assert document.authors == ("张三", "李四")
    assert document.date == "2024-03-01"  # the file's creation date, from its core properties
    assert "全程网办率 | 70% | 90%" in document.text
    assert "平均办理时间 | 10天 | 5天" in document.text
    headings = [(document.text[o : document.text.index("\n", o)], level) for o, level in document.headings]
    assert headings == [("一、总体要求", 1), ("（一）工作目标", 2), ("二、保障措施", 1)]
    chunks = [c for c in chunk_document(document, 20, 80) if c.kind == "body"]
    by_section = {c.section: c.text for c in chunks}
    assert "全程网办率 | 70% | 90%" in by_section["一、总体要求 > （一）工作目标"]
    assert "各部门要加强组织领导" in by_section["二、保障措施"]
    assert all(document.text[c.start : c.end] == c.text for c in chunks)


def test_a_script_made_docx_gets_no_template_author_or_date(tmp_path: Path) -> None:
    document = docx.Document()  # python-docx's template: author "python-docx", 2013-12-23
    document.add_heading("政务云平台建设方案", level=0)
    document.add_paragraph("政务云平台由省大数据中心统一运营，提供容灾备份服务。")
    document.save(tmp_path / "yun.docx")
    (loaded,) = load_documents(tmp_path).documents
    assert loaded.authors == () and loaded.date == ""


def test_damaged_docx_is_reported(tmp_path: Path) -> None:
    write_docx(tmp_path / "good.docx")
    (tmp_path / "bad.docx").write_bytes((tmp_path / "good.docx").read_bytes()[:500])
    result = load_documents(tmp_path)
    assert [d.doc_id for d in result.documents] == ["good.docx"]
    (error,) = result.errors
    assert error.startswith(f"{tmp_path / 'bad.docx'}: ") and ".docx file" in error


@pytest.mark.parametrize(
    ("style", "level"),
    [("Heading 1", 1), ("heading 3", 3), ("标题 2", 2), ("标题1", 1), ("Normal", 0), ("Title", 0), ("List Number", 0)],
)
def test_heading_styles(style: str, level: int) -> None:
    from rag.ingest.loaders.docx import _heading_level

    assert _heading_level(style) == level
