"""The grounding guard on generated answers."""

from __future__ import annotations

import pytest

from rag.answer.guard import GUARD_MODES, guard_answer, parse_sentences
from rag.answer.prompts import GUARD_MARK, REFUSAL
from rag.types import Chunk, Hit

pytestmark = pytest.mark.unit

PASSAGE = ("广东高度重视数字政府建设,成立由省长任组长的数字政府改革建设工作领导小组。"
           "截至2019年底,已有10个省级政府出台数字政府规划。")
HITS = [Hit(Chunk("c1", "gd", "广东", "", 100, 100 + len(PASSAGE), PASSAGE), 1.0, 1),
        Hit(Chunk("c2", "x", "其他", "", 0, 12, "公众参与渠道需要拓宽。"), 0.5, 2)]


def test_markers_are_read_per_sentence():
    assert parse_sentences("甲句。[1]乙句[2]。丙句[1,2]；丁句。") == [
        ("甲句。", (1,)), ("乙句。", (2,)), ("丙句；", (1, 2)), ("丁句。", ()),
    ]


def test_supported_sentence_is_kept_and_fabrications_are_removed():
    text = ("广东成立由省长任组长的数字政府改革建设工作领导小组。[1]"
            "该小组由世界银行资助999亿元。[1]"
            "各地设立了数字政府博物馆。[7]"
            "没有引用的句子也会被删。")
    answer = guard_answer("谁任组长", text, HITS, "openai")
    assert not answer.refused
    assert [s.text for s in answer.sentences] == ["广东成立由省长任组长的数字政府改革建设工作领导小组。"]
    assert answer.text == "广东成立由省长任组长的数字政府改革建设工作领导小组。[1]"
    reasons = dict(answer.removed)
    assert "999" in reasons["该小组由世界银行资助999亿元。"]
    assert reasons["各地设立了数字政府博物馆。"] == "引用了不存在的资料编号"
    assert reasons["没有引用的句子也会被删。"] == "没有引用"
    assert answer.citations[0].chunk.chunk_id == "c1"
    assert answer.citations[0].spans == ((100, 100 + PASSAGE.index("。") + 1),)


def test_a_changed_number_is_not_supported():
    answer = guard_answer("多少省份", "截至2019年底,已有12个省级政府出台数字政府规划。[1]", HITS, "openai")
    assert answer.refused and answer.text == REFUSAL
    assert answer.removed and "12" in answer.removed[0][1]


def test_citations_are_renumbered_in_order_of_appearance():
    answer = guard_answer("渠道", "公众参与渠道需要拓宽。[2]", HITS, "openai")
    assert answer.text == "公众参与渠道需要拓宽。[1]"
    assert answer.citations[0].n == 1 and answer.citations[0].chunk.chunk_id == "c2"


def test_mark_mode_keeps_unsupported_sentences_with_a_warning():
    text = "广东成立由省长任组长的数字政府改革建设工作领导小组。[1]该小组由世界银行资助999亿元。[1]"
    answer = guard_answer("谁任组长", text, HITS, "openai", mode="mark")
    assert len(answer.sentences) == 2 and answer.sentences[1].supported is False
    assert answer.sentences[1].text.endswith(GUARD_MARK)
    assert len(answer.removed) == 1


def test_refusals_and_empty_output_become_the_fixed_refusal():
    for text in ("", "   ", "资料中没有找到可以回答这个问题的内容。", "抱歉，资料中没有找到可以回答这个问题的内容"):
        answer = guard_answer("问题", text, HITS, "openai")
        assert answer.refused and answer.text == REFUSAL and answer.related


def test_unknown_mode_lists_choices():
    with pytest.raises(ValueError, match=r"\['mark', 'remove'\]"):
        guard_answer("q", "a[1]", HITS, "openai", mode="fix")
    assert GUARD_MODES == ("mark", "remove")
