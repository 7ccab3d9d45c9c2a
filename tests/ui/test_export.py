"""Exporting a conversation as Markdown and .docx, with the references."""

from __future__ import annotations

import dataclasses

import pytest

from ui import export as X
from ui import strings as S

pytestmark = pytest.mark.unit


@pytest.fixture
def turns(answer, refusal):
    return [
        {"turn": 0, "question": "广东是怎么推进数字政府的？", "outcome": "answer", "answer": answer,
         "shown_script": "simplified"},
        {"turn": 1, "question": "", "outcome": "error", "answer": None},
        {"turn": 2, "question": "明天天气如何？", "outcome": "refusal", "answer": refusal},
    ]


def test_markdown_has_questions_answers_and_references(turns, article):
    docs = {"gd": dataclasses.replace(article, authors=("黃未",))}
    text = X.to_markdown(turns, docs)
    assert text.startswith(f"# {S.EXPORT_TITLE}")
    assert "## 1. 问：广东是怎么推进数字政府的？" in text and "## 2. 问：明天天气如何？" in text
    assert "- [1] 《广东数字政府改革实践》，黄未，2023-01-05，二、数字广东" in text
    assert "成立由省长任组长" in text


def test_docx_has_the_same_content(turns, tmp_path):
    from docx import Document

    path = X.to_docx(turns, tmp_path / "a.docx")
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert S.EXPORT_TITLE in text and "1. 问：广东是怎么推进数字政府的？" in text
    assert "[2] 《广东数字政府改革实践》，三、一网通办" in text
    assert "群众办事只需登录一个平台" in text


def test_nothing_to_export_before_an_answer(turns, tmp_path):
    assert X.write_exports([turns[1]]) is None
    md, docx = X.write_exports(turns)
    assert md.suffix == ".md" and docx.suffix == ".docx" and md.read_text(encoding="utf-8")


def test_markdown_characters_in_questions_are_escaped(turns):
    turns[0] = {**turns[0], "question": "# 标题 *粗体* <b>"}
    assert "\\# 标题 \\*粗体\\* \\<b\\>" in X.to_markdown(turns)
