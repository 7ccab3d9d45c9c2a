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
