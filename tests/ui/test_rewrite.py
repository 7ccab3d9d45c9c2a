"""Multi-turn query rewriting (rag.answer.rewrite): deterministic follow-up detection and topics."""

from __future__ import annotations

import pytest

from rag.answer.rewrite import (
    content_terms,
    is_follow_up,
    rewrite_question,
    strip_connective,
    topic_terms,
)

pytestmark = pytest.mark.unit

FIRST = "各地是如何推进政务数据共享的？"


@pytest.mark.parametrize(
    "follow_up, expected",
    [
        ("那广东是怎么做的？", "各地 推进 政务 数据共享 广东是怎么做的？"),
        ("那么浙江呢？", "各地 推进 政务 数据共享 浙江呢？"),
        ("还有哪些困难？", "各地 推进 政务 数据共享 哪些困难？"),
        ("广东呢？", "各地 推进 政务 数据共享 广东呢？"),
        ("浙江的情况呢？", "各地 推进 政务 数据共享 浙江的情况呢？"),
        ("具体怎么做的？", "各地 推进 政务 数据共享 具体怎么做的？"),
        ("它有什么成效？", "各地 推进 政务 数据共享 它有什么成效？"),
        ("该做法有哪些风险？", "各地 推进 政务 数据共享 该做法有哪些风险？"),
    ],
)
def test_follow_ups_get_the_previous_topic(follow_up, expected):
    assert rewrite_question(follow_up, [FIRST]) == expected


@pytest.mark.parametrize(
    "question",
    ["数字政府建设面临哪些现实困境？", "广东数字政府改革建设工作领导小组由谁担任组长？", "明天天气如何"],
)
def test_standalone_questions_are_unchanged(question):
    assert not is_follow_up(question)
    assert rewrite_question(question, [FIRST]) == question


def test_no_history_no_rewrite():
    assert rewrite_question("那广东是怎么做的？", []) == "那广东是怎么做的？"
    assert rewrite_question("  那广东呢？ ", ["", "   "]) == "那广东呢？"


def test_a_chain_of_follow_ups_keeps_the_first_topic():
    history = [FIRST, "那广东是怎么做的？"]
    assert rewrite_question("那浙江呢？", history) == "各地 推进 政务 数据共享 浙江呢？"
    # The rewrite does not repeat a topic word the follow-up already has.
    assert rewrite_question("那政务数据共享在广东呢？", [FIRST]).startswith("各地 推进 政务数据共享")


def test_the_latest_standalone_question_sets_the_topic():
    history = [FIRST, "数字人才如何培养？"]
    assert rewrite_question("那广东呢？", history) == "数字 人才 培养 广东呢？"


def test_traditional_follow_up_gets_a_traditional_topic():
    assert rewrite_question("還有什麼措施？", [FIRST]) == "各地 推進 政務 數據共享 什麼措施？"


def test_rewrite_respects_the_length_limit():
    assert rewrite_question("那广东呢？", [FIRST], max_chars=8) == "那广东呢？"


def test_deterministic_and_pure():
    history = (FIRST,)
    results = {rewrite_question("那广东是怎么做的？", history) for _ in range(5)}
    assert len(results) == 1 and history == (FIRST,)


def test_helpers():
    assert strip_connective("那么，广东呢") == "广东呢"
    assert strip_connective("那") == "那"
    assert content_terms("它的作者是谁？") == ["作者"]
    assert topic_terms(["那广东呢？"]) == ["广东"]  # only follow-ups: take what there is
    assert topic_terms([]) == []


def test_custom_tokenizer_is_used():
    calls = []

    def tokenize(text: str) -> list[str]:
        calls.append(text)
        return text.split()

    assert rewrite_question("那 广东 做法", ["数据 共享 机制"], tokenize=tokenize) == "数据 共享 机制 广东 做法"
    assert calls
