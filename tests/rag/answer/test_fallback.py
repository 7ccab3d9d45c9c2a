"""Never worse than extractive: the fallback behind an LLM generator (tiny index, fake server)."""

from __future__ import annotations

import pytest

from rag.answer.base import GeneratorError
from rag.answer.extractive import ExtractiveGenerator
from rag.answer.fallback import FallbackGenerator
from rag.answer.openai_compat import OpenAIGenerator
from rag.answer.prompts import FALLBACK_NOTICE, FALLBACK_OFF_QUESTION, REFUSAL

pytestmark = pytest.mark.unit
QUESTION = "广东数字政府改革建设工作领导小组由谁担任组长？"


def fallback(fake_llm) -> FallbackGenerator:
    llm = OpenAIGenerator(fake_llm.url, "fake-qwen", timeout_s=5, retries=0, backoff_s=0.01)
    return FallbackGenerator(llm, ExtractiveGenerator())


def test_nothing_verifiable_shows_the_extractive_answer_with_a_notice(fake_llm, with_generator):
    invented = "该小组由世界银行资助999亿元。[1]"
    fake_llm.replies.append(invented)
    answer = with_generator(fallback(fake_llm)).run(QUESTION)
    assert not answer.refused and answer.generator == "extractive"
    assert "省长" in answer.text and answer.notice == FALLBACK_NOTICE
    assert [text for text, _ in answer.removed] == ["该小组由世界银行资助999亿元。"]
    assert answer.checks and not answer.checks[0].kept
    assert answer.trace.generated == invented  # the raw model text stays for audit
    extractive = with_generator(ExtractiveGenerator()).run(QUESTION)
    assert answer.text == extractive.text


def test_a_model_refusal_of_an_answerable_question_falls_back_too(fake_llm, with_generator):
    fake_llm.replies.append(REFUSAL)
    answer = with_generator(fallback(fake_llm)).run(QUESTION)
    assert not answer.refused and answer.notice == FALLBACK_NOTICE and "省长" in answer.text


def test_a_verified_generated_answer_is_kept(fake_llm, with_generator):
    fake_llm.replies.append("广东成立由省长任组长的数字政府改革建设工作领导小组,统筹推进全省改革。[1]")
    answer = with_generator(fallback(fake_llm)).run(QUESTION)
    assert answer.generator == "openai" and not answer.notice and not answer.removed
    assert answer.text.endswith("[1]")


def test_a_true_answer_to_another_question_falls_back_too(fake_llm, with_generator):
    """Verified against its passage, but it does not state the gate's best evidence sentence
    (the one the extractive answer is built on): the reader gets the extractive answer."""
    question = "领导小组多久开一次会？"
    fake_llm.replies.append("广东推行“一网通办”,群众办事只需登录一个平台。")
    answer = with_generator(fallback(fake_llm)).run(question)
    assert answer.generator == "extractive" and answer.notice == FALLBACK_OFF_QUESTION
    assert "每季度" in answer.text and "一网通办" not in answer.text
    assert answer.checks[0].kept and not answer.removed  # verified, just not an answer
    fake_llm.replies.append("领导小组每季度召开一次会议。")
    answer = with_generator(fallback(fake_llm)).run(question)
    assert answer.generator == "openai" and not answer.notice


def test_backend_failures_are_not_hidden(fake_llm, with_generator):
    fake_llm.replies.append(500)
    with pytest.raises(GeneratorError, match="HTTP 500"):
        with_generator(fallback(fake_llm)).run(QUESTION)


def test_when_extractive_refuses_too_the_refusal_keeps_what_was_removed(fake_llm, tiny_pipeline):
    class Refuses:
        name = "extractive"

        def generate(self, question, hits, decision, seen=()):
            from rag.answer.base import refusal

            return refusal(question, hits, self.name)

    hits = tiny_pipeline.search(QUESTION, top_k=3)
    decision = tiny_pipeline.gate.decide(QUESTION, hits)
    assert not decision.refused
    fake_llm.replies.append("该小组由世界银行资助999亿元。[1]")
    llm = OpenAIGenerator(fake_llm.url, "fake-qwen", timeout_s=5, retries=0)
    answer = FallbackGenerator(llm, Refuses()).generate(QUESTION, hits, decision)
    assert answer.refused and not answer.notice and answer.removed and answer.generator == "openai"


def test_every_llm_generator_is_composed_with_the_fallback(tiny_pipeline, fake_llm):
    from rag.wiring import make_generator

    settings = tiny_pipeline.settings.replace(generator="openai", llm_base_url=fake_llm.url, llm_model="m",
                                              llm_deadline_s=7.0)
    generator = make_generator(settings, tiny_pipeline.index, tiny_pipeline.embedder)
    assert isinstance(generator, FallbackGenerator) and generator.name == "openai"
    assert isinstance(generator.fallback, ExtractiveGenerator)
    assert generator.primary.deadline_s == 7.0 and generator.primary.timeout_s == settings.llm_timeout_s
    extractive = make_generator(tiny_pipeline.settings, tiny_pipeline.index, tiny_pipeline.embedder)
    assert isinstance(extractive, ExtractiveGenerator)


def test_an_answer_that_only_repeats_the_question_falls_back(fake_llm, with_generator):
    """Backed by the best evidence sentence, but with nothing of it the question lacks."""
    question = "领导小组多久召开一次会议，研究解决什么问题？"
    fake_llm.replies.append("领导小组召开一次会议,研究解决问题。")
    answer = with_generator(fallback(fake_llm)).run(question)
    assert answer.checks[0].kept and answer.generator == "extractive"
    assert answer.notice == FALLBACK_OFF_QUESTION and "每季度" in answer.text
