"""The grounding guard on generated answers: attribution, per-passage judging, list lines."""

from __future__ import annotations

import pytest

from rag.answer.guard import (
    GUARD_MODES,
    Generated,
    attribute,
    guard_answer,
    cut_quotations,
    parse_sentences,
    states_lead,
)
from rag.answer.prompts import (
    GUARD_BAD_NUMBER,
    GUARD_CUT_QUOTE,
    GUARD_FRAGMENT,
    GUARD_MARK,
    GUARD_NO_CITATION,
    GUARD_POOLED,
    REFUSAL,
)
from rag.answer.support import judge
from rag.types import Chunk, Evidence, Hit

pytestmark = pytest.mark.unit

PASSAGE = ("广东高度重视数字政府建设,成立由省长任组长的数字政府改革建设工作领导小组。"
           "截至2019年底,已有10个省级政府出台数字政府规划。")
HITS = [Hit(Chunk("c1", "gd", "广东", "", 100, 100 + len(PASSAGE), PASSAGE), 1.0, 1),
        Hit(Chunk("c2", "x", "其他", "", 0, 12, "公众参与渠道需要拓宽。"), 0.5, 2)]

# From seeds/002 (跨界治理理论与数字政府建设探讨): the province is named once, the governor
# later as 省长; and the 培养领导者“互联网+”思维 enumeration.
LEADER = ("广东认真贯彻落实习近平关于数字中国与网络强国建设的重要论述和战略部署,高度重视数字政府建设。"
          "省领导每周关注改革进展,省长一年三次赴数字广东公司调研建设情况。")
THINKING = ("一是培养领导者“互联网+”的思维理念,即用户思维、平台思维、跨界思维、数据思维。"
            "将办事企业群众的用户体验度、获得感、满意度作为数字政府建设效果评价标准。")
# Two plans, two provinces, two dates: a sentence may take each fact from a different one.
ZHEJIANG = "2018年12月,浙江省人民政府印发政府数字化转型工作总体方案,推进政府数字化转型。"
GUANGDONG = "2017年12月,广东省人民政府印发数字政府改革建设方案,推进数字政府建设。"


def hits_of(*texts: str) -> list[Hit]:
    return [Hit(Chunk(f"k{i}", f"d{i}", f"文章{i}", "", 0, len(t), t), 1.0 / i, i)
            for i, t in enumerate(texts, start=1)]


def test_markers_are_read_per_sentence():
    assert parse_sentences("甲句。[1]乙句[2]。丙句[1,2]；丁句【3】。戊句。") == [
        Generated("甲句。", (1,)), Generated("乙句。", (2,)), Generated("丙句；", (1, 2)),
        Generated("丁句。", (3,)), Generated("戊句。", ()),
    ]


def test_list_numbers_and_bullets_are_taken_off_and_make_list_items():
    text = "领导者需要的思维有：\n1. 用户思维[1]\n2) 平台思维\n- **跨界思维**\n（四）数据思维。另有说明。"
    assert parse_sentences(text) == [
        Generated("领导者需要的思维有：", ()),
        Generated("用户思维", (1,), item=True),
        Generated("平台思维", (), item=True),
        Generated("跨界思维", (), item=True),
        Generated("数据思维。", (), item=True),
        Generated("另有说明。", ()),
    ]
    assert parse_sentences("2019年底已有10个省份出台规划。") == [Generated("2019年底已有10个省份出台规划。", ())]
    assert parse_sentences("**广东**成立了领导小组。") == [Generated("广东成立了领导小组。", ())]
    assert parse_sentences("根据文章内容，已有10个省份出台规划。[1]据资料介绍：公众参与渠道需要拓宽。") == [
        Generated("已有10个省份出台规划。", (1,)), Generated("公众参与渠道需要拓宽。", ()),
    ]


def test_a_numbered_list_line_is_judged_without_its_number():
    """Before: "1. …" failed as 缺少依据：1, because the list number was read as a fact."""
    hits = hits_of(THINKING)
    text = "培养领导者的“互联网+”思维理念：\n1. 用户思维、平台思维[1]\n2. 跨界思维、数据思维[1]"
    answer = guard_answer("要培养领导者哪些思维？", text, hits, "openai")
    items = [s for s in answer.sentences if s.role == "item"]
    assert [s.text for s in items] == ["用户思维、平台思维", "跨界思维、数据思维"]
    assert not answer.removed
    assert "1. 用户思维、平台思维[1]\n2. 跨界思维、数据思维[1]" in answer.text


def test_an_unmarked_sentence_is_attributed_to_the_one_passage_that_supports_it():
    answer = guard_answer("参与渠道", "公众参与渠道需要拓宽。", HITS, "openai")
    assert not answer.refused and answer.text == "公众参与渠道需要拓宽。[1]"
    assert answer.citations[0].chunk.chunk_id == "c2"
    (check,) = answer.checks
    assert check.kept and check.attributed and check.written == ()
    assert [(c.passage, c.chunk_id, c.supported) for c in check.checks] == [(2, "c2", True)]
    assert check.checks[0].score >= 0.8


def test_an_unmarked_sentence_that_no_passage_supports_is_removed():
    answer = guard_answer("谁资助", "该小组由世界银行资助。", HITS, "openai")
    assert answer.refused and answer.removed == (("该小组由世界银行资助。", GUARD_NO_CITATION),)
    assert answer.checks and not answer.checks[0].kept


def test_a_copied_footnote_or_wrong_passage_number_is_attributed_again():
    text = "公众参与渠道需要拓宽[9]。成立由省长任组长的数字政府改革建设工作领导小组[2]。"
    answer = guard_answer("渠道和组长", text, HITS, "openai")
    assert [(s.text, s.citations) for s in answer.sentences] == [
        ("公众参与渠道需要拓宽。", (1,)), ("成立由省长任组长的数字政府改革建设工作领导小组。", (2,)),
    ]
    assert [c.chunk.chunk_id for c in answer.citations] == ["c2", "c1"]
    assert all(check.attributed for check in answer.checks)
    wrong = answer.checks[1]
    assert [(c.passage, c.supported) for c in wrong.checks] == [(2, False), (1, True)]


def test_guangdong_is_guangdong_province():
    """Before: "广东省长…" was removed as 缺少依据：广东省, because the passage says 广东…省长."""
    answer = guard_answer("省长多久调研一次", "广东省长一年三次赴数字广东公司调研。[1]", hits_of(LEADER), "openai")
    assert not answer.refused and not answer.removed
    assert answer.sentences[0].text == "广东省长一年三次赴数字广东公司调研。"
    changed = guard_answer("省长多久调研一次", "广东省长一年五次赴数字广东公司调研。[1]", hits_of(LEADER), "openai")
    assert changed.refused and "五次" in changed.removed[0][1]


def test_a_sentence_mixing_two_cited_passages_fails():
    """Zhejiang's plan with Guangdong's date passes against the pooled passages, and must fail
    against each passage on its own: cited, or attributed without markers."""
    hits = hits_of(ZHEJIANG, GUANGDONG)
    mixed = "2017年12月,浙江省人民政府印发政府数字化转型工作总体方案。"
    assert judge(mixed, [ZHEJIANG, GUANGDONG]).supported  # the old pooled verdict
    answer = guard_answer("浙江何时印发方案", mixed + "[1][2]", hits, "openai")
    assert answer.refused and answer.removed == ((mixed, GUARD_POOLED),)
    check = answer.checks[0]
    assert [(c.passage, c.supported) for c in check.checks] == [(1, False), (2, False)]
    assert "2017" in check.checks[0].missing
    assert guard_answer("浙江何时印发方案", mixed, hits, "openai").refused


def test_only_the_cited_passages_that_support_a_sentence_alone_are_kept():
    hits = hits_of(ZHEJIANG, GUANGDONG)
    answer = guard_answer("浙江何时印发方案", "2018年12月,浙江省人民政府印发政府数字化转型工作总体方案。[1][2]",
                          hits, "openai")
    assert [c.chunk.chunk_id for c in answer.citations] == ["k1"]
    assert answer.sentences[0].citations == (1,)


def evidence_of(hit: Hit, sentence: str) -> Evidence:
    start = hit.chunk.start + hit.chunk.text.index(sentence)
    return Evidence(hit, start, start + len(sentence), sentence, 1.0, 1.0, 1.0)


def test_a_bare_fragment_stands_only_where_the_gates_evidence_has_it():
    """"2022年6月" or "省长" asserts nothing by itself: it is kept as the answer only when a
    sentence the gate found answering the question contains it."""
    how_many = [evidence_of(HITS[0], "截至2019年底,已有10个省级政府出台数字政府规划。")]
    kept = guard_answer("多少个省级政府出台了规划？", "10个[1]", HITS, "openai", evidence=how_many)
    assert not kept.refused and kept.text == "10个[1]"
    stray = guard_answer("多少个省级政府出台了规划？", "省长[1]", HITS, "openai", evidence=how_many)
    assert stray.refused and stray.removed == (("省长", GUARD_FRAGMENT),)
    assert not guard_answer("谁任组长？", "省长[1]", HITS, "openai").refused  # no gate: support only


def test_the_answer_must_state_the_lead_sentence_beyond_the_question():
    """The extractive answer rests first on the gate's best evidence sentence (its lead); a
    generated answer that states only another sentence, or joins two into a claim neither
    makes, does not replace it."""
    first, second = PASSAGE.split("。")[:2]
    lead = [first + "。"]
    question = "谁任领导小组组长？"
    stated = guard_answer(question, "成立由省长任组长的数字政府改革建设工作领导小组。[1]", HITS, "openai")
    assert states_lead(stated, question, lead)
    other = guard_answer(question, second + "。[1]", HITS, "openai")
    assert not other.refused and not states_lead(other, question, lead)
    assert states_lead(other, question, lead + [second + "。"])  # any lead text, each on its own
    joined = guard_answer(question, "省长任组长的领导小组已有10个省级政府规划。[1]", HITS, "openai")
    assert not joined.refused and not states_lead(joined, question, lead)
    assert not states_lead(stated, question, [])


def test_repeating_the_question_does_not_state_the_lead():
    """"文章提到了领导小组" is backed by the lead sentence, but says nothing of it that the
    question did not already say."""
    lead = [PASSAGE.split("。")[0] + "。"]
    question = "哪篇文章提到了数字政府改革建设工作领导小组？由谁任组长？"
    echo = guard_answer(question, "文章提到了数字政府改革建设工作领导小组。[1]", HITS, "openai")
    assert not echo.refused and not states_lead(echo, question, lead)
    answer = guard_answer(question, "广东成立由省长任组长的数字政府改革建设工作领导小组。[1]", HITS, "openai")
    assert states_lead(answer, question, lead)


QUOTED = "2001年,省长作出统一建设全省政务信息网的部署,指示“要统筹不要多头办”。推进“一网通办”改革。"
QUOTED_HITS = [Hit(Chunk("q1", "fj", "福建", "", 0, len(QUOTED), QUOTED), 1.0, 1)]


def test_a_quotation_cut_from_a_longer_one_is_not_supported():
    """Quotation marks say "these are the source's words": a quotation the passage has only
    inside a longer one is a misquotation, even though every word of it is in the passage."""
    assert cut_quotations("省长作出了“统筹不要多头办”的部署。", QUOTED) == ["“统筹不要多头办”"]
    assert cut_quotations("省长指示“要统筹不要多头办”。", QUOTED) == []  # the whole quotation
    assert cut_quotations("推进“一网通办”改革。", QUOTED) == []
    assert cut_quotations("省长重视“统一建设全省政务信息网”。", QUOTED) == []  # unquoted in the passage
    cut = guard_answer("省长作出了什么指示？", "2001年省长指示“统筹不要多头办”。[1]", QUOTED_HITS, "openai")
    assert cut.refused and cut.removed == (("2001年省长指示“统筹不要多头办”。", GUARD_CUT_QUOTE.format(quotes="“统筹不要多头办”")),)
    whole = guard_answer("省长作出了什么指示？", "2001年省长指示“要统筹不要多头办”。[1]", QUOTED_HITS, "openai")
    assert not whole.refused
    unmarked = guard_answer("省长作出了什么指示？", "2001年省长指示“统筹不要多头办”。", QUOTED_HITS, "openai")
    assert unmarked.removed[0][1] == GUARD_CUT_QUOTE.format(quotes="“统筹不要多头办”")


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
    assert reasons["各地设立了数字政府博物馆。"] == GUARD_BAD_NUMBER
    assert reasons["没有引用的句子也会被删。"] == GUARD_NO_CITATION
    assert answer.citations[0].chunk.chunk_id == "c1"
    assert answer.citations[0].spans == ((100, 100 + PASSAGE.index("。") + 1),)
    assert [c.kept for c in answer.checks] == [True, False, False, False]


def test_kept_sentences_are_shown_in_the_question_script():
    answer = guard_answer("谁任组长？", "成立由省長任組長的數字政府改革建設工作領導小組。[1]", HITS, "openai")
    assert answer.sentences[0].text == "成立由省长任组长的数字政府改革建设工作领导小组。"
    traditional = guard_answer("誰任組長？", "成立由省长任组长的数字政府改革建设工作领导小组。[1]", HITS, "openai")
    assert traditional.sentences[0].text == "成立由省長任組長的數字政府改革建設工作領導小組。"


def test_attribute_keeps_a_sentence_only_when_one_passage_alone_supports_it():
    assert attribute(Generated("公众参与渠道需要拓宽。", (1,)), HITS).kept
    assert not attribute(Generated("公众参与渠道由省长拓宽。", (1, 2)), HITS).kept


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
