"""The gate's checks on their own: constraints, slots, premises."""

from __future__ import annotations

import pytest

from rag.gate.checks import compact, constraint_found, refuted, slot_filled
from rag.text.question import Constraint

pytestmark = pytest.mark.unit


def test_a_place_must_be_in_the_window_or_its_heading_after_folding():
    window = compact("廣東省成立由省長任組長的領導小組")
    assert constraint_found(Constraint("广东", "place"), window, "", "")
    assert not constraint_found(Constraint("北京", "place"), window, compact("福建的做法"), "")
    assert constraint_found(Constraint("数字广东", "quoted"), "", compact("“数字广东”案例分析"), "")


def test_article_references_match_the_document_title():
    title = compact("社会质量视角下数字政府发展的现实困境与优化路径")
    assert constraint_found(Constraint("社会质量视角", "article"), "", "", title)
    assert not constraint_found(Constraint("跨界治理", "article"), "", "", title)


@pytest.mark.parametrize(
    "asked, granularity, text, filled",
    [
        ("date", "year", "2018年6月印发", True),
        ("date", "day", "2016年10月召开", False),
        ("date", "day", "2016年10月9日召开", True),
        ("number", "", "撤销了44个信息中心", True),
        ("number", "", "领导小组每季度召开一次会议", True),
        ("number", "", "信息系统明显减少", False),
        # A numeral that names (三级政府, 三大运营商) counts only in its own measure.
        ("number", "个", "已完成省市县三级政务服务事项标准化梳理", False),
        ("number", "", "成立腾讯与三大运营商的合资公司", False),
        ("number", "级", "已完成省市县三级政务服务事项标准化梳理", True),
        ("number", "个", "梳理出1000多个政务服务事项", True),
        ("who", "", "成立由省长任组长的领导小组", True),
        ("other", "", "任何句子", True),
    ],
)
def test_slots(asked, granularity, text, filled):
    assert slot_filled(asked, granularity, compact(text)) is filled


def test_an_opposite_word_refutes_a_premise():
    assert refuted(compact("我国数字政府建设起步早于美国"), compact("我国起步较晚")) == "早于"
    assert refuted(compact("广东保留了信息中心"), compact("撤销省直各单位44个信息中心")) == "保留"
    assert refuted(compact("广东撤销了信息中心"), compact("撤销省直各单位44个信息中心")) == ""


def test_a_near_miss_sentence_does_not_repeat_the_words_around_the_wh_word():
    from rag.gate.checks import anchor_share
    from rag.text.question import analyse_question

    asked = analyse_question("广东在探索“管运分离”时，共撤销了多少个信息中心？").slot_context
    assert anchor_share(asked, compact("撤销省信息中心以及省直各单位共计44个信息中心")) >= 0.5
    near_miss = analyse_question("数字广东网络建设有限公司的注册资本是多少？").slot_context
    assert anchor_share(near_miss, compact("数字广东网络建设有限公司由腾讯和三大运营商合资成立")) == 0.0
    assert anchor_share((), "任何句子") == 1.0


def test_a_different_count_of_the_same_kind_contradicts_the_question():
    from rag.gate.checks import count_mismatch

    window = compact("黄璜等从协同的视角出发，指出数字政府建设存在四个困境")
    assert count_mismatch(compact("黄璜等指出数字政府建设存在哪六个困境？"), window) == "六个"
    assert count_mismatch(compact("黄璜等指出数字政府建设存在哪四个困境？"), window) == ""
    assert count_mismatch(compact("黄璜等指出了哪些困境？"), window) == ""


def test_a_stance_or_superlative_the_evidence_does_not_use_is_unstated():
    from rag.gate.checks import unstated

    window = compact("各地区按照省级统筹原则开展政务云建设")
    assert unstated(compact("文章反对各地区按照什么原则开展？"), window) == "反对"
    assert unstated(compact("文章主张各地区按照什么原则开展？"), window) == ""
    assert unstated(compact("哪位学者最早关注数字政府？"), compact("梁木生最早关注这个领域")) == ""


def test_a_word_inside_its_opposite_still_refutes():
    window = compact("成立由省长任组长的领导小组")
    assert refuted(compact("领导小组由谁担任副组长？"), window) == "副组长"
    assert refuted(compact("领导小组由谁担任组长？"), window) == ""


def test_a_quote_split_by_the_article_still_matches_and_authors_count_for_people():
    window = compact("导致横向数据既“聚不了”,又“通不了”")
    assert constraint_found(Constraint("聚不了、通不了", "quoted"), window, "", "")
    assert not constraint_found(Constraint("聚得了、通得了", "quoted"), window, "", "")
    assert constraint_found(Constraint("黄未", "person"), "", "", "", authors=compact("黃未、陳加友"))
