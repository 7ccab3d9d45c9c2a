"""The extractive generator through the tiny pipeline: cited verbatim sentences, script,
de-duplication, direct answers, and questions that never reach it."""

from __future__ import annotations

import re

import pytest

from rag.answer.extractive import ExtractiveGenerator, display_text
from rag.answer.prompts import REFUSAL
from rag.answer.validate import QuestionError
from rag.ingest.normalize import detect_script, normalize_for_match
from rag.types import Chunk, Evidence, GateDecision, Hit

pytestmark = pytest.mark.unit


def test_every_sentence_carries_a_citation_to_a_passage_that_contains_it(tiny_pipeline):
    answer = tiny_pipeline.run("广东数字政府改革建设工作领导小组由谁担任组长？")
    assert not answer.refused
    assert "省长" in answer.text
    assert 1 <= len(answer.sentences) <= 5
    by_n = {c.n: c for c in answer.citations}
    for sentence in answer.sentences:
        assert sentence.citations and all(n in by_n for n in sentence.citations)
        chunk = by_n[sentence.citations[0]].chunk
        assert normalize_for_match(sentence.text) in normalize_for_match(display_text(chunk.text))
        assert f"{sentence.text}[{sentence.citations[0]}]" in answer.text
    for citation in answer.citations:
        document = tiny_pipeline.index.documents[citation.chunk.doc_id]
        for start, end in citation.spans:
            assert document.text[start:end] in citation.chunk.text
    assert {"retrieve", "gate", "generate", "total"} <= set(answer.timings_ms)
    assert answer.trace.gate.decision == "answer" and answer.trace.retrieved


def test_answer_follows_the_question_script_and_citations_keep_the_original(tiny_pipeline):
    simplified = tiny_pipeline.run("如何打破数据烟囱？")
    traditional = tiny_pipeline.run("如何打破數據煙囪？")
    assert detect_script(simplified.text) == "simplified"
    assert detect_script(traditional.text) == "traditional"
    assert any("數據煙囪" in c.chunk.text for c in simplified.citations)  # the original text


def _evidence(chunk_id, text, rank, start=0):
    chunk = Chunk(chunk_id, "doc", "标题", "", start, start + len(text), text)
    hit = Hit(chunk=chunk, score=1.0 / rank, rank=rank)
    return Evidence(hit, start, start + len(text), text, 1.0, 0.9, 2.0 / rank)


def test_near_duplicate_sentences_are_cited_once():
    sentence = "数据安全关乎国家安全,政府应当完善数据分级分类保护制度。"
    evidence = (_evidence("a", sentence, 1), _evidence("b", sentence, 2, start=500))
    decision = GateDecision("answer", asked="reason", evidence=evidence)
    answer = ExtractiveGenerator().generate("数据安全关乎什么", [e.hit for e in evidence], decision)
    assert len(answer.sentences) == 1 and len(answer.citations) == 1


def test_a_follow_up_adds_what_is_new():
    first = _evidence("a", "数据安全关乎国家安全。", 1)
    second = _evidence("b", "政府应当完善数据分级分类保护制度。", 2, start=300)
    decision = GateDecision("answer", asked="reason", evidence=(first, second))
    answer = ExtractiveGenerator().generate("还有呢", [first.hit, second.hit], decision,
                                            seen={("doc", first.start, first.end)})
    assert [s.text for s in answer.sentences] == ["政府应当完善数据分级分类保护制度。"]


def test_inline_reference_markers_are_removed_from_answer_sentences():
    assert display_text("这是结论。[12]") == "这是结论。"
    assert display_text("甲\n乙[3]丙") == "甲 乙丙"


def test_a_refused_question_never_reaches_the_generator(with_generator):
    class Exploding:
        name = "exploding"

        def generate(self, *args, **kwargs):
            raise AssertionError("the gate should have refused")

    answer = with_generator(Exploding()).run("北京数字政府改革建设工作领导小组由谁担任组长？")
    assert answer.refused and answer.text == REFUSAL and answer.related
    assert any("北京" in reason for reason in answer.reasons)


@pytest.mark.parametrize(
    "question, message",
    [
        ("", "不能为空"),
        ("   \n\t ", "不能为空"),
        ("问" * 501, "501"),
        ("数据\x00安全", "U+0000"),
        ("数据\x1b[31m安全", "U+001B"),
    ],
)
def test_bad_questions_get_clear_errors(tiny_pipeline, question, message):
    with pytest.raises(QuestionError, match=re.escape(message)):
        tiny_pipeline.run(question)


def test_html_in_a_question_is_just_text(tiny_pipeline):
    answer = tiny_pipeline.run("<script>alert(1)</script>数据烟囱")
    assert answer.question.startswith("<script>")  # kept verbatim; escaping is the UI's job


def _sentence(text, start=0, score=2.0, section=""):
    chunk = Chunk("c", "doc", "标题", section, start, start + len(text), text)
    hit = Hit(chunk=chunk, score=1.0, rank=1)
    return Evidence(hit, start, start + len(text), text, 1.0, 0.9, score)


def test_a_list_answer_is_the_enumeration_that_names_what_was_asked():
    """Two enumerations in one sentence: the one next to 困境 answers "哪四个困境"."""
    text = (
        "黄璜等指出数字政府建设存在科层制固有的“纵向协同”、地方政府间“横向协同”、政府与社会间"
        "“内外协同”、线上与线下间“虚实协同”四个困境,并将治理模式划分为统合模式、开放模式、直连模式、联动模式。"
    )
    evidence = (_sentence(text),)
    decision = GateDecision("answer", asked="list", evidence=evidence)
    answer = ExtractiveGenerator().generate("黄璜等指出数字政府建设存在哪四个困境？", [evidence[0].hit], decision)
    items = [s.text for s in answer.sentences if s.role == "item"]
    assert len(items) == 4 and items[1] == "地方政府间“横向协同”" and not any("模式" in i for i in items)
    assert answer.text.startswith("1. “纵向协同”[1]\n2. ")


def test_an_enumeration_of_another_category_is_not_a_list_answer():
    text = "深层原因体现为社会经济保障不足、社会凝聚不强、社会信任不深、社会赋权不够。"
    evidence = (_sentence(text, section="二、数字政府发展滞后的深层原因"),)
    decision = GateDecision("answer", asked="list", evidence=evidence)
    answer = ExtractiveGenerator().generate("数字政府发展面临哪些现实困境？", [evidence[0].hit], decision)
    assert not any(s.role == "item" for s in answer.sentences)


def test_a_direct_answer_comes_from_the_first_sentence_that_states_it():
    vague = _sentence("领导小组统筹推进全省数字政府改革。", score=3.0)
    stating = _sentence("广东成立由省长任组长的数字政府改革建设工作领导小组。", start=100, score=2.0)
    decision = GateDecision("answer", asked="who", evidence=(vague, stating))
    answer = ExtractiveGenerator().generate(
        "广东数字政府改革建设工作领导小组由谁担任组长？", [vague.hit, stating.hit], decision
    )
    assert answer.sentences[0].role == "direct" and answer.sentences[0].text == "省长"
    assert answer.sentences[1].text == stating.text


def test_a_topic_with_its_own_section_is_answered_from_that_section():
    overview = _sentence("深层原因体现为社会经济保障不足、社会凝聚不强、社会信任不深以及社会赋权不够四个方面。",
                         score=3.0, section="二、深层原因")
    own = _sentence("网络世界的虚拟性容易使人与人之间的信任降低。", start=500, score=2.0,
                    section="二、深层原因 > 3.社会信任不深。")
    decision = GateDecision("answer", asked="list", evidence=(overview, own))
    answer = ExtractiveGenerator().generate("社会信任不深体现在哪些方面？", [overview.hit, own.hit], decision)
    assert [s.text for s in answer.sentences] == [own.text]


def _passage(text, start, section="", chunk_id=None):
    chunk = Chunk(chunk_id or f"c{start}", "doc", "标题", section, start, start + len(text), text)
    return Hit(chunk=chunk, score=1.0, rank=1)


def _evidence_in(hit, sentence, score=2.0, lexical=0.9):
    start = hit.chunk.start + hit.chunk.text.index(sentence)
    return Evidence(hit, start, start + len(sentence), sentence, lexical, 0.9, score)


def test_an_enumeration_that_runs_on_into_the_next_passage_is_listed_whole():
    """一是/二是 in one passage and 三是 in the next: three items, each cited where it stands."""
    section = "三、对策 > (二)推进部门协同,构建责任型政府"
    first = _passage("为此要推进部门协同,构建责任型政府。一是提升政府决策能力。建立辅助决策机制。二是提升政府执行能力。",
                     100, section)
    second = _passage("创新政策执行方式。三是提升政务公开水平。完善政务公开平台。", first.chunk.end + 1, section)
    lead = _evidence_in(first, "为此要推进部门协同,构建责任型政府。")
    decision = GateDecision("answer", asked="list", evidence=(lead,))
    answer = ExtractiveGenerator().generate(
        "推进部门协同、构建责任型政府，要提升哪几个方面？", [first, second], decision
    )
    items = [(s.text, s.citations) for s in answer.sentences if s.role == "item"]
    assert items == [("提升政府决策能力", (1,)), ("提升政府执行能力", (1,)), ("提升政务公开水平", (2,))]
    third = next(c for c in answer.citations if c.n == 2)
    start, end = third.spans[0]
    assert third.chunk.text[start - third.chunk.start : end - third.chunk.start] == "提升政务公开水平"


def test_passages_that_do_not_touch_are_not_joined():
    section = "三、对策 > (二)推进部门协同"
    first = _passage("要推进部门协同。一是提升政府决策能力。二是提升政府执行能力。", 100, section)
    far = _passage("三是提升政务公开水平。", first.chunk.end + 50, section)
    lead = _evidence_in(first, "要推进部门协同。")
    decision = GateDecision("answer", asked="list", evidence=(lead,))
    answer = ExtractiveGenerator().generate("推进部门协同，要提升哪几个方面？", [first, far], decision)
    assert [s.text for s in answer.sentences if s.role == "item"] == ["提升政府决策能力", "提升政府执行能力"]


def test_items_that_each_name_the_asked_noun_answer_it_but_not_across_a_sentence_end():
    """"哪几个机制": 构建…机制 items answer it; the list right after "…机制。" does not."""
    text = ("合作须通过机制设计。一是构建协调沟通机制。二是完善资源整合机制。三是构建评价与监督机制。"
            "设计一套包括满意度、有效性、数量、比例等指标相结合的评估体系。")
    hit = _passage(text, 0, "三、对策 > (三)改善运行机制,做好全流程评价监督")
    wrong = _evidence_in(hit, "设计一套包括满意度、有效性、数量、比例等指标相结合的评估体系。", score=3.0)
    right = _evidence_in(hit, "合作须通过机制设计。", score=2.0)
    decision = GateDecision("answer", asked="list", evidence=(wrong, right))
    answer = ExtractiveGenerator().generate("跨界治理一文提出改善运行机制，具体要建哪几个机制？", [hit], decision)
    assert [s.text for s in answer.sentences if s.role == "item"] == [
        "构建协调沟通机制", "完善资源整合机制", "构建评价与监督机制"]


def test_a_section_named_after_the_article_is_not_the_questions_own_section():
    """"跨界治理一文…" does not narrow the evidence to the section "一、跨界治理:……"."""
    answer_sentence = _sentence("二者在价值理念、治理工具、治理结构等方面具有一致性。", score=3.0, section="摘要")
    other = _sentence("跨界治理可以定义为不同主体跨越边界的协作。", start=400, score=2.0,
                      section="一、跨界治理:数字政府建设研究的新视角")
    decision = GateDecision("answer", asked="list", evidence=(answer_sentence, other))
    answer = ExtractiveGenerator(max_sentences=1).generate(
        "跨界治理一文认为，数字政府建设与跨界治理在哪三个方面具有一致性？",
        [answer_sentence.hit, other.hit], decision,
    )
    assert answer.sentences[0].text == answer_sentence.text


def test_a_question_about_an_article_is_answered_from_that_articles_byline_card():
    """The evidence says which article is meant; its card (not retrieved) says who wrote it."""
    card = Chunk("card", "doc", "标题", "文章信息", 0, 0, "标题：数字政府建设的路径\n作者：黄未、陈加友", kind="meta")
    other = Chunk("other-card", "other", "另一篇", "文章信息", 0, 0, "作者：沈费伟", kind="meta")
    said = _sentence("本文从宏观、中观、微观三个维度提出数字政府建设的具体路径。", score=3.0)
    decision = GateDecision("answer", asked="who", evidence=(said,))
    generator = ExtractiveGenerator(cards={"doc": card, "other": other})
    answer = generator.generate(
        "从宏观、中观、微观三个维度提出建设路径的那篇文章，作者是谁？", [said.hit], decision
    )
    assert answer.sentences[0].role == "direct" and answer.sentences[0].text == "黄未、陈加友"
    cited = next(c for c in answer.citations if c.n == answer.sentences[0].citations[0])
    assert cited.chunk.chunk_id == "card" and card.text[slice(*cited.spans[0])] == "黄未、陈加友"
    assert answer.sentences[1].text == said.text
    content = generator.generate("文章提到领导小组由谁担任组长？", [said.hit], decision)
    assert all(c.chunk.kind != "meta" for c in content.citations)


@pytest.mark.parametrize("question", [
    "注释中以上海市为例的那篇文章，发表在哪本期刊？",  # a work the article cites
    "文章提到的一体化政务服务移动端叫什么名字？",  # a name in the article, not its title
])
def test_questions_about_other_things_are_not_answered_from_the_card(question):
    card = Chunk("card", "doc", "标题", "文章信息", 0, 0, "标题：数字政府建设的路径\n来源：人民论坛网", kind="meta")
    said = _sentence("浙江省的“浙里办”是一体化政务服务移动端。", score=3.0)
    decision = GateDecision("answer", asked="other", evidence=(said,))
    answer = ExtractiveGenerator(cards={"doc": card}).generate(question, [said.hit], decision)
    assert all(c.chunk.kind != "meta" for c in answer.citations)


def test_the_lead_is_the_best_sentence_the_following_ones_or_the_card():
    """What the answer rests on first (an LLM answer must state it to replace this one)."""
    weak = _sentence("领导小组统筹推进全省数字政府改革。", score=1.0)
    best = _sentence("广东成立由省长任组长的数字政府改革建设工作领导小组。", start=100, score=3.0)
    generator = ExtractiveGenerator()
    assert generator.lead("谁任组长？", GateDecision("answer", asked="who", evidence=(weak, best))) == (best.text,)
    assert generator.lead("谁任组长？", GateDecision("answer", asked="who")) == ()
    text = "跨界领导格外重要。一方面,它超越了科层式的连接方式。另一方面,领导者的作用不可取代。此外还有别的。"
    chunk = Chunk("c", "doc", "标题", "", 0, len(text), text)
    restated = Evidence(Hit(chunk, 1.0, 1), 0, 9, "跨界领导格外重要。", 1.0, 0.9, 2.0)
    why = GateDecision("answer", asked="reason", evidence=(restated,))
    assert generator.lead("为什么跨界领导格外重要？", why) == (
        "跨界领导格外重要。", "一方面,它超越了科层式的连接方式。", "另一方面,领导者的作用不可取代。")
    card = Chunk("card", "doc", "标题", "文章信息", 0, 0, "标题：数字政府建设的路径\n作者：黄未、陈加友", kind="meta")
    title = Evidence(Hit(card, 1.0, 1), 0, 12, "标题：数字政府建设的路径", 1.0, 0.9, 2.0)
    assert generator.lead("这篇文章的作者是谁？", GateDecision("answer", asked="who", evidence=(title,))) == (card.text,)
