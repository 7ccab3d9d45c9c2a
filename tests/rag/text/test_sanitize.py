"""Question text cleanup in one place (issue 11, item 12): invisible format characters are
stripped, lone surrogates refused, for every entry point that validates a question."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rag.answer.validate import QuestionError, validate_question
from rag.text.sanitize import (
    FORMAT_CHARACTERS,
    InvalidText,
    lone_surrogates,
    replace_lone_surrogates,
    sanitize_question,
    strip_invisible,
)

pytestmark = pytest.mark.unit


def test_format_characters_are_exactly_unicode_category_cf():
    cf = {chr(i) for i in range(sys.maxunicode + 1) if unicodedata.category(chr(i)) == "Cf"}
    matched = {chr(i) for i in range(sys.maxunicode + 1) if FORMAT_CHARACTERS.fullmatch(chr(i))}
    assert matched == cf


@pytest.mark.parametrize(
    "hostile",
    [
        "领导小组\u202e由谁担任组长？",  # RIGHT-TO-LEFT OVERRIDE
        "\u2066领导小组由谁\u2069担任组长？",  # isolates
        "领导\u200b小组\u200c由谁\u200d担任组长？",  # zero-width space, non-joiner, joiner
        "\ufeff领导小组由谁担任\u2060组长\u00ad？",  # BOM, word joiner, soft hyphen
        "领导小组由谁担任组长？\u200e\u200f",  # direction marks
    ],
)
def test_bidi_and_zero_width_characters_are_stripped(hostile):
    assert sanitize_question(hostile) == "领导小组由谁担任组长？"
    assert validate_question(hostile) == "领导小组由谁担任组长？"


def test_lone_surrogates_are_refused_naming_them():
    with pytest.raises(InvalidText) as caught:
        sanitize_question("数据\ud800烟囱\udcff")
    assert caught.value.code_points == ("U+D800", "U+DCFF")
    with pytest.raises(QuestionError, match=r"U\+D800"):
        validate_question("数据\ud800烟囱")


def test_a_question_of_only_invisible_characters_is_empty():
    with pytest.raises(QuestionError, match="不能为空"):
        validate_question("\u200b\u202e\ufeff")


def test_megabytes_are_refused_as_too_long_without_scanning_them():
    with pytest.raises(QuestionError, match="问题过长：2000000 个字符"):
        validate_question("问" * 2_000_000, max_chars=500)


def test_replace_lone_surrogates_keeps_what_was_sent():
    assert replace_lone_surrogates("a\ud800b") == "a\\ud800b"
    assert replace_lone_surrogates("a\ud800b", "\ufffd") == "a\ufffdb"
    assert lone_surrogates("正常的文字") == ()


@given(st.text())
def test_sanitized_text_has_no_format_characters_and_keeps_everything_else(text):
    try:
        cleaned = sanitize_question(text)
    except InvalidText:
        assert lone_surrogates(text)
        return
    assert all(unicodedata.category(c) != "Cf" for c in cleaned)
    assert cleaned == "".join(c for c in text if unicodedata.category(c) != "Cf")
    assert strip_invisible(cleaned) == cleaned
    cleaned.encode("utf-8")  # never raises
