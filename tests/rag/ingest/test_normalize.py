"""Script conversion, width folding and script detection."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.ingest.normalize import (
    detect_script,
    fold_width,
    normalize_for_match,
    to_script,
    to_simplified,
    to_traditional,
)

pytestmark = pytest.mark.unit

PAIRS = [
    ("数字政府", "數字政府"),
    ("数据烟囱", "數據煙囪"),
    ("一网通办", "一網通辦"),
    ("治理能力现代化", "治理能力現代化"),
    ("跨部门协同", "跨部門協同"),
    ("网站首页", "網站首頁"),
    ("责任编辑", "責任編輯"),
]


@pytest.mark.parametrize(("simplified", "traditional"), PAIRS)
def test_conversions_and_round_trips(simplified: str, traditional: str) -> None:
    assert to_traditional(simplified) == traditional
    assert to_simplified(traditional) == simplified
    assert to_simplified(to_traditional(simplified)) == simplified
    assert to_traditional(to_simplified(traditional)) == traditional
    assert to_script(traditional, "simplified") == simplified
    assert to_script(simplified, "traditional") == traditional


def test_simplified_text_passes_through_t2s_unchanged() -> None:
    text = "数字政府建设已成为我国重大战略。"
    assert to_simplified(text) == text


@pytest.mark.parametrize("convert", [to_simplified, to_traditional])
def test_empty_text(convert) -> None:
    assert convert("") == ""


def test_unknown_script_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown script 'pinyin'"):
        to_script("数字", "pinyin")


@pytest.mark.parametrize(
    ("text", "folded"),
    [("，", ","), ("Ａ", "A"), ("２０２２年", "2022年"), ("（一）", "(一)"), ("：", ":"), ("\u3000", " ")],
)
def test_fold_width(text: str, folded: str) -> None:
    assert fold_width(text) == folded


def test_normalize_for_match_folds_script_width_and_case() -> None:
    assert normalize_for_match("Ａ") == "a"
    assert normalize_for_match("數據，ＡＩ賦能") == "数据,ai赋能"
    assert normalize_for_match("數字政府") == normalize_for_match("数字政府") == "数字政府"


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("數字政府建設已成為我國重大戰略。", "traditional"),
        ("数字政府建设已成为我国重大战略。", "simplified"),
        ("Digital government in 2022.", "simplified"),
        ("", "simplified"),
        ("政府治理", "simplified"),  # shared characters only: a tie counts as Simplified
        ("日新月異的信息技術推動著社會各個領域,云計算", "traditional"),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from([s for s, _ in PAIRS] + ["，", "。", "建设", "发展"]), min_size=1, max_size=12))
def test_traditional_view_of_simplified_text_detects_and_folds_back(words: list[str]) -> None:
    simplified = "".join(words)
    traditional = to_traditional(simplified)
    assert normalize_for_match(traditional) == normalize_for_match(simplified)
    if traditional != simplified:
        assert detect_script(traditional) == "traditional"
    assert detect_script(simplified) == "simplified"
