"""Question analysis: what is asked, the constraint terms, the stated premise."""

from __future__ import annotations

import pytest

from rag.text.question import analyse_question

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "question, asked",
    [
        ("广东数字政府改革建设工作领导小组由谁担任组长？", "who"),
        ("广东在探索“管运分离”时，共撤销了多少个信息中心？", "number"),
        ("《广东省“数字政府”建设总体规划》是何时印发的？", "date"),
        ("社会质量视角下，数字政府发展的现实困境主要体现在哪几个方面？", "list"),
        ("为什么政务平台很容易成为网络攻击的对象？", "reason"),
        ("什么是社会质量视角下的数字政府发展？", "definition"),
        ("建设数字政府如何帮助构建更为科学的政府决策机制?", "method"),
        ("黨的十九屆四中全會是在哪一年哪一月首次正式提出推進數字政府建設的要求?", "date"),
    ],
)
def test_what_is_asked(question, asked):
    assert analyse_question(question).asked == asked


def test_constraints_name_places_years_titles_and_articles():
    analysis = analyse_question("2001年时任福建省省长的习近平在部署统一建设全省政务信息网时作出了什么指示？")
    assert {("2001", "year"), ("福建", "place")} <= {(c.text, c.kind) for c in analysis.constraints}
    analysis = analyse_question("社会质量视角一文和跨界治理一文分别建议如何运用区块链技术？")
    assert analysis.terms("article") == ("社会质量视角", "跨界治理")
    analysis = analyse_question("《社會質量視角下數字政府發展的現實困境與優化路徑》一文的編輯是誰？")
    assert analysis.terms("title") == ("社会质量视角下数字政府发展的现实困境与优化路径",)


def test_counts_asked_for_are_not_constraints():
    assert analyse_question("黄璜等从协同的视角出发,指出数字政府建设存在哪四个困境?").terms("number") == ()
    assert analyse_question("领导小组多长时间开一次会？").terms("number") == ()


def test_premises_of_why_questions_and_claims():
    assert analyse_question("广东在“数字政府”改革中为什么保留了省直各单位的信息中心？").premise == (
        "广东在“数字政府”改革中保留了省直各单位的信息中心"
    )
    claim = analyse_question("文章说2022年6月国务院印发的指导意见首次正式提出了推进数字政府建设的要求,这份意见是如何表述的?")
    assert claim.premise.startswith("2022年6月国务院印发的指导意见首次")
    assert analyse_question("广东撤销了多少个信息中心？").premise == ""


def test_notes_are_evidence_only_for_questions_about_sources():
    assert analyse_question("注释中赵娟的文章发表在哪本期刊?").about_sources
    assert not analyse_question("广东撤销了多少个信息中心？").about_sources


def test_people_and_administrative_levels_are_constraints():
    people = analyse_question("注释中王浦劬、孟庆国的《数字政府的纵向治理逻辑》发表在哪本期刊?")
    assert people.terms("person") == ("王浦劬", "孟庆国")
    assert analyse_question("郁建兴等从协同的视角出发,指出了哪些困境?").terms("person") == ("郁建兴",)
    assert analyse_question("曼纽尔·卡斯特认为网络社会的兴起带来了什么影响?").terms("person") == ("曼纽尔·卡斯特",)
    assert analyse_question("有多少个省份成立了市级大数据管理机构？").terms("level") == ("市级",)


def test_the_words_around_the_wh_word_are_kept_for_the_anchor_check():
    assert analyse_question("广东在探索“管运分离”时，共撤销了多少个信息中心？").slot_context == ("共撤销|个信息中",)
    assert analyse_question("为什么政务平台很容易成为网络攻击的对象？").slot_context == ()


def test_the_term_a_definition_question_asks_about_is_a_constraint():
    assert analyse_question("文章结语中是如何定义数字政府治理的?").terms("term") == ("数字政府治理",)
    assert analyse_question("什么是数字孪生？").terms("term") == ("数字孪生",)


def test_words_ending_in_局_that_are_not_bureaus_are_not_organisations():
    analysis = analyse_question("推进信息基础设施建设布局，文章主张按什么原则来？")
    assert analysis.terms("organisation") == ()
    assert analyse_question("文章说公共价值是一种“为公的价值”，这具体指什么？").terms("term") == ()


@pytest.mark.parametrize(
    "question, measure",
    [("广东全省统一的事项库一共梳理出多少个政务服务事项？", "个"),
     ("数据分为多少级？", "级"),
     ("数据安全等级一共有几级？", "级"),
     ("腾讯占多少股份？", "")],
)
def test_a_number_question_records_the_measure_word_it_asks_in(question, measure):
    analysis = analyse_question(question)
    assert analysis.asked == "number" and analysis.granularity == measure
