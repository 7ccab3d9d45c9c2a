"""The extractive composer: cited sentences, script, de-duplication, refusal."""

from __future__ import annotations

import re

import pytest

from rag.answer.ask import ask
from rag.answer.evidence import EvidenceModel, asks_for_number, has_number
from rag.answer.extractive import display_text
from rag.answer.prompts import REFUSAL
from rag.answer.validate import QuestionError
from rag.ingest.normalize import detect_script, normalize_for_match
from rag.types import Chunk, Hit

pytestmark = pytest.mark.unit


def test_every_sentence_carries_a_citation_to_a_passage_that_contains_it(tiny_session):
    index, retriever, generator = tiny_session
    answer = ask("广东数字政府改革建设工作领导小组由谁担任组长？", retriever, generator)
    assert not answer.refused
    assert "省长" in answer.text
    assert 1 <= len(answer.sentences) <= 4
    by_n = {c.n: c for c in answer.citations}
    for sentence in answer.sentences:
        assert sentence.citations and all(n in by_n for n in sentence.citations)
        chunk = by_n[sentence.citations[0]].chunk
        assert normalize_for_match(sentence.text) in normalize_for_match(display_text(chunk.text))
        assert f"{sentence.text}[{sentence.citations[0]}]" in answer.text
    for citation in answer.citations:
        document = index.documents[citation.chunk.doc_id]
        for start, end in citation.spans:
            assert document.text[start:end] in citation.chunk.text
    assert set(answer.timings_ms) == {"retrieve", "compose", "total"}


def test_answer_follows_the_question_script_and_citations_keep_the_original(tiny_session):
    _, retriever, generator = tiny_session
    simplified = ask("如何打破数据烟囱？", retriever, generator)
    traditional = ask("如何打破數據煙囪？", retriever, generator)
    assert detect_script(simplified.text) == "simplified"
    assert detect_script(traditional.text) == "traditional"
    assert any("數據煙囪" in c.chunk.text for c in simplified.citations)  # the original text


def _hit(chunk_id, text, rank, start=0):
    chunk = Chunk(chunk_id, "doc", "标题", "", start, start + len(text), text)
    return Hit(chunk=chunk, score=1.0 / rank, rank=rank)


def test_near_duplicate_sentences_are_cited_once(tiny_session):
    _, _, generator = tiny_session
    sentence = "数据安全关乎国家安全,政府应当完善数据分级分类保护制度。"
    hits = [_hit("a", sentence, 1), _hit("b", sentence, 2, start=500)]
    answer = generator.generate("数据安全关乎什么", hits)
    assert len(answer.sentences) == 1 and len(answer.citations) == 1


def test_inline_reference_markers_are_removed_from_answer_sentences():
    assert display_text("这是结论。[12]") == "这是结论。"
    assert display_text("甲\n乙[3]丙") == "甲 乙丙"


def test_weak_evidence_is_refused_with_related_passages(tiny_session):
    index, retriever, generator = tiny_session
    unrelated = "明天北京会下雨吗？"
    related = "数字人才队伍建设需要什么样的人才？"
    hits_unrelated = retriever.retrieve(unrelated, top_k=5)
    hits_related = retriever.retrieve(related, top_k=5)
    weak = generator.features(unrelated, hits_unrelated, generator.candidates(unrelated, hits_unrelated))
    strong = generator.features(related, hits_related, generator.candidates(related, hits_related))
    assert weak[0] < strong[0] and weak[1] < strong[1]  # coverage of the question's terms
    original = generator.evidence
    generator.evidence = EvidenceModel(weights=(10.0, 0.0, 0.0, 0.0, 0.0), bias=-3.0, threshold=0.5)
    try:
        refused = generator.generate(unrelated, hits_unrelated)
        answered = generator.generate(related, hits_related)
    finally:
        generator.evidence = original
    assert refused.refused and refused.text == REFUSAL
    assert refused.related and not refused.citations
    assert not answered.refused


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
def test_bad_questions_get_clear_errors(tiny_session, question, message):
    _, retriever, generator = tiny_session
    with pytest.raises(QuestionError, match=re.escape(message)):
        ask(question, retriever, generator)


def test_html_in_a_question_is_just_text(tiny_session):
    _, retriever, generator = tiny_session
    answer = ask("<script>alert(1)</script>数据烟囱", retriever, generator)
    assert answer.question.startswith("<script>")  # kept verbatim; escaping is the UI's job


def test_number_questions_are_recognised():
    assert asks_for_number("广东撤销了多少个信息中心？")
    assert asks_for_number("是哪一年提出的")
    assert not asks_for_number("什么是跨界治理")
    assert has_number("撤销了44个信息中心") and has_number("第三十六次集体学习")
    assert not has_number("跨界治理是一种治理模式")
