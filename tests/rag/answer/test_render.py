"""Golden files for the rendered answer and the fixed sentences; the JSON contract's keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.answer import prompts
from rag.answer.render import answer_to_json, answer_to_text, hit_to_json
from rag.types import Answer, AnswerSentence, Chunk, Citation, Hit

pytestmark = pytest.mark.unit
GOLDEN = Path(__file__).parent / "golden"

CHUNK = Chunk(
    chunk_id="c0ffee0000000001",
    doc_id="002_demo",
    title="跨界治理理论与数字政府建设探讨",
    section="二、数字广东 > (三)行动调适",
    start=100,
    end=140,
    text="成立由省长任组长的“数字政府”改革建设工作领导小组,制定总体规划和建设方案。",
)
ANSWER = Answer(
    question="领导小组由谁担任组长？",
    text="成立由省长任组长的“数字政府”改革建设工作领导小组,制定总体规划和建设方案。[1]",
    refused=False,
    sentences=(AnswerSentence("成立由省长任组长的“数字政府”改革建设工作领导小组,制定总体规划和建设方案。", (1,)),),
    citations=(Citation(1, CHUNK, ((100, 140),)),),
    evidence_score=0.9,
    timings_ms={"retrieve": 1.0, "compose": 2.0, "total": 3.0},
)


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    assert path.read_text(encoding="utf-8") == actual


def test_answer_text_matches_golden():
    check_golden("answer.txt", answer_to_text(ANSWER) + "\n")


def test_refusal_text_matches_golden():
    refusal = Answer(
        question="明天天气如何？",
        text=prompts.REFUSAL,
        refused=True,
        related=(Hit(CHUNK, 0.2, 1),),
    )
    check_golden("refusal.txt", answer_to_text(refusal) + "\n")


def test_fixed_sentences_match_golden():
    texts = {
        name: getattr(prompts, name)
        for name in sorted(dir(prompts))
        if name.isupper() and isinstance(getattr(prompts, name), str)
    }
    check_golden("prompts.json", json.dumps(texts, ensure_ascii=False, indent=2) + "\n")


def test_cli_json_contract_keys():
    data = answer_to_json(ANSWER)
    assert {"question", "answer", "refused", "citations", "timings_ms"} <= set(data)
    assert {"n", "chunk_id", "doc_id", "title", "section", "start", "end", "text"} <= set(
        data["citations"][0]
    )
    hit = hit_to_json(Hit(CHUNK, 0.5, 1, (("bm25", 2.0),)))
    assert {"rank", "chunk_id", "doc_id", "title", "section", "start", "end", "text", "score"} <= set(hit)
    json.dumps(data, ensure_ascii=False)  # serialisable


def test_a_pdf_passage_is_cited_with_its_page():
    """Issue 10: a citation into a PDF says 第 n 页, in text, in JSON and on the source card."""
    import dataclasses

    from rag.answer.render import page_label

    on_page = dataclasses.replace(CHUNK, page=3, page_end=3)
    across = dataclasses.replace(CHUNK, page=3, page_end=4)
    assert page_label(CHUNK) == "" and page_label(on_page) == "第 3 页"
    assert page_label(across) == "第 3–4 页"
    answer = dataclasses.replace(ANSWER, citations=tuple(
        dataclasses.replace(c, chunk=across) for c in ANSWER.citations
    ))
    assert "第 3–4 页" in answer_to_text(answer)
    cited = answer_to_json(answer)["citations"][0]
    assert (cited["page"], cited["page_end"]) == (3, 4)
    assert answer_to_json(ANSWER)["citations"][0]["page"] == 0
    assert "页" not in answer_to_text(ANSWER).split("\n")[-1]
