"""One script per page: detecting the question's script, one Traditional standard."""

from __future__ import annotations

import pytest

from ui import script as scripts

pytestmark = pytest.mark.unit


def test_the_question_script_is_detected():
    assert scripts.detect_script("广东由谁担任领导小组组长？") == "simplified"
    assert scripts.detect_script("廣東由誰擔任領導小組組長？") == "traditional"
    assert scripts.detect_script("") == "simplified"
    assert scripts.detect_script("GDP 2023") == "simplified"


def test_traditional_output_uses_one_standard():
    # OpenCC's s2t writes 爲 while the Traditional articles write 為: never both on one page.
    mixed = scripts.to_traditional("为人民服务") + scripts.to_traditional("以大數據為代表")
    assert "爲" not in mixed and mixed.count("為") == 2
    assert scripts.convert("以大數據爲代表", "traditional") == "以大數據為代表"
    assert scripts.convert("數據", "simplified") == "数据"
    assert scripts.to_simplified("推動著社會，成效顯著") == "推动着社会，成效显著"
    assert scripts.convert("數據", "original") == "數據"


@pytest.mark.parametrize(
    ("setting", "question", "shown"),
    [
        ("auto", "simplified", "simplified"),
        ("auto", "traditional", "traditional"),
        ("auto", "", "simplified"),
        ("traditional", "simplified", "traditional"),
        ("simplified", "traditional", "simplified"),
        ("original", "simplified", "original"),
        (None, "traditional", "traditional"),
    ],
)
def test_the_switch_overrides_the_question_script(setting, question, shown):
    assert scripts.resolve(setting, question) == shown
