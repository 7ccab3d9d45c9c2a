"""The replay of recorded model replies (tests/fakes/replay.py) that the LLM path is measured on."""

from __future__ import annotations

import json

import pytest

from rag.answer.base import GeneratorError
from rag.answer.llm_prompt import render_messages
from rag.answer.openai_compat import OpenAIGenerator
from rag.types import Chunk, Hit

pytestmark = pytest.mark.unit

A = "广东成立由省长任组长的数字政府改革建设工作领导小组。"
B = "公众参与渠道需要拓宽[24]。"


def hit(i: int, text: str) -> Hit:
    return Hit(Chunk(f"c{i}", "d", "标题", "", 0, len(text), text), 1.0, i)


def test_the_question_is_read_from_the_user_message(fakes):
    replay = fakes("replay")
    messages = render_messages("  领导小组 由谁担任组长？", [hit(1, A)])
    assert replay.question_of(messages) == "领导小组由谁担任组长？"
    assert replay.passages_of(messages) == {1: A}


def test_markers_follow_their_passage_and_footnotes_stay(fakes):
    replay = fakes("replay")
    recorded, today = {1: A, 2: B, 3: "别的段落。"}, {1: B, 2: A}
    assert replay.renumber("甲[1]乙[2]丙[3]注[24]", recorded, today) == "甲[2]乙[1]丙[5]注[24]"


def test_a_recorded_reply_is_replayed_for_todays_request(fakes, tmp_path):
    question = "领导小组由谁担任组长？"
    recorded = render_messages(question, [hit(1, B), hit(2, A)])
    path = tmp_path / "recordings.jsonl"
    path.write_text(json.dumps({"id": "q", "question": question, "raw": "由省长任组长[2]。",
                                "request": {"messages": recorded}}, ensure_ascii=False) + "\n", encoding="utf-8")
    server = fakes("replay").replay_server(path).start()
    try:
        generator = OpenAIGenerator(server.url, "replay", retries=0, timeout_s=5)
        answer = generator.generate(question, [hit(1, A), hit(2, B)])
        assert answer.trace.generated == "由省长任组长[1]。" and answer.citations[0].chunk.chunk_id == "c1"
        with pytest.raises(GeneratorError, match="HTTP 404"):
            generator.generate("没有录过的问题？", [hit(1, A)])
        assert server.respond.misses == ["没有录过的问题？"]
    finally:
        server.stop()
