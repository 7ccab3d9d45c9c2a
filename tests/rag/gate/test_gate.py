"""The gate end to end over the tiny index: decisions and their reasons."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.unit


def decide(pipeline, question):
    return pipeline.gate.decide(question, pipeline.search(question))


def test_an_answerable_question_passes_with_its_evidence(tiny_pipeline):
    decision = decide(tiny_pipeline, "广东数字政府改革建设工作领导小组由谁担任组长？")
    assert decision.decision == "answer" and decision.asked == "who"
    assert decision.evidence and all("广东" in e.text or "领导小组" in e.text for e in decision.evidence[:1])


def test_another_place_is_refused_naming_the_place(tiny_pipeline):
    decision = decide(tiny_pipeline, "北京数字政府改革建设工作领导小组由谁担任组长？")
    assert decision.refused and any("北京" in reason for reason in decision.reasons)


def test_words_the_articles_contradict_are_refused(tiny_pipeline):
    decision = decide(tiny_pipeline, "政府可以通过降低薪酬待遇等哪些手段吸引数字人才？")
    assert decision.refused and any("降低" in reason for reason in decision.reasons)
    assert decide(tiny_pipeline, "政府可以通过提高薪酬待遇等哪些手段吸引数字人才？").decision == "answer"


def test_two_places_where_one_is_covered_give_a_caveat(tiny_pipeline):
    decision = decide(tiny_pipeline, "广东和浙江是如何推行一网通办的？")
    assert decision.decision == "caveat" and "浙江" in decision.caveat and decision.evidence
