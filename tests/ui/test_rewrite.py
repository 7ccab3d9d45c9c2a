"""Multi-turn query rewriting (rag.answer.rewrite): follow-ups become natural standalone questions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.answer.rewrite import (
    content_terms,
    is_follow_up,
    rewrite_question,
    strip_connective,
    topic_of,
    topic_terms,
)

pytestmark = pytest.mark.unit

FIRST = "各地是如何推进政务数据共享的？"
GROUP = "广东数字政府改革建设工作领导小组由谁担任组长？"
PLIGHT = "社会质量视角下，数字政府发展面临哪些现实困境？"
CHALLENGES = "數字政府治理面臨哪些挑戰？"


@pytest.mark.parametrize(
    "follow_up, expected",
    [
        # An entity of the same kind replaces the earlier one (各地 stands for "a place").
        ("那广东是怎么做的？", "广东是如何推进政务数据共享的？"),
        ("那么浙江呢？", "浙江是如何推进政务数据共享的？"),
        ("广东呢？", "广东是如何推进政务数据共享的？"),
        ("浙江的情况呢？", "浙江是如何推进政务数据共享的？"),
        ("那政务数据共享在广东呢？", "广东是如何推进政务数据共享的？"),
        # A pronoun or "该 + noun" stands for the earlier topic.
        ("它有什么成效？", "各地推进政务数据共享有什么成效？"),
        ("该做法有哪些风险？", "各地推进政务数据共享的做法有哪些风险？"),
        # Otherwise: "<topic phrase>，<follow-up>".
        ("还有哪些困难？", "各地推进政务数据共享，还有哪些困难？"),
        ("具体怎么做的？", "各地推进政务数据共享，具体怎么做的？"),
    ],
)
def test_follow_ups_get_the_previous_topic(follow_up, expected):
    assert rewrite_question(follow_up, [FIRST]) == expected


@pytest.mark.parametrize(
    "follow_up, expected",
    [
        ("那浙江呢？", "浙江数字政府改革建设工作领导小组由谁担任组长？"),
        ("那深圳市呢？", "深圳市数字政府改革建设工作领导小组由谁担任组长？"),
        ("他们多久开一次会？", "广东数字政府改革建设工作领导小组多久开一次会？"),
        ("该小组多久开一次会？", "广东数字政府改革建设工作领导小组多久开一次会？"),
        ("其职责是什么？", "广东数字政府改革建设工作领导小组的职责是什么？"),
    ],
)
def test_entities_are_swapped_and_anaphors_resolved(follow_up, expected):
    assert rewrite_question(follow_up, [GROUP]) == expected


@pytest.mark.parametrize(
    "follow_up, expected",
    [
        ("具体有哪些措施？", "社会质量视角下数字政府发展的现实困境，具体有哪些措施？"),
        ("还有呢？", "社会质量视角下数字政府发展的现实困境，还有哪些？"),
        ("为什么？", "社会质量视角下数字政府发展的现实困境，为什么？"),
        ("这是为什么？", "社会质量视角下数字政府发展的现实困境，这是为什么？"),
    ],
)
def test_topicless_follow_ups_get_a_topic_phrase_and_a_comma(follow_up, expected):
    rewritten = rewrite_question(follow_up, [PLIGHT])
    assert rewritten == expected
    assert " " not in rewritten  # never space-separated keywords


def test_a_follow_up_that_names_its_own_topic_only_loses_its_connective():
    earlier = "广东由谁担任数字政府改革建设工作领导小组组长？"
    assert rewrite_question("那广东是怎么推行一网通办的？", [earlier]) == "广东是怎么推行一网通办的？"
    assert rewrite_question("那浙江呢？", [earlier]) == "浙江由谁担任数字政府改革建设工作领导小组组长？"


@pytest.mark.parametrize(
    "follow_up, earlier, expected",
    [
        ("他们有什么职责？", "国务院办公厅印发了什么文件？", "国务院办公厅有什么职责？"),
        ("具体内容呢？", "国务院办公厅印发了什么文件？", "国务院办公厅印发的文件，具体内容呢？"),
        ("这些困境的原因呢？", PLIGHT, "社会质量视角下数字政府发展的现实困境的原因呢？"),
        ("能举个例子吗？", "数字人才如何培养？", "数字人才培养，能举个例子吗？"),
        ("那国务院呢？", "省政府印发了什么文件？", "国务院印发了什么文件？"),
        ("那跨界治理一文呢？", "社会质量视角一文认为数字政府面临哪些困境？", "跨界治理一文认为数字政府面临哪些困境？"),
        ("那浙江呢？", "我国数字政府建设面临哪些现实困境？", "浙江数字政府建设面临哪些现实困境？"),
    ],
)
def test_more_follow_ups(follow_up, earlier, expected):
    assert rewrite_question(follow_up, [earlier]) == expected


def test_a_year_replaces_a_year():
    assert rewrite_question("那2021年呢？", ["2022年国务院印发了什么文件？"]) == "2021年国务院印发了什么文件？"


def test_an_entity_without_a_counterpart_is_put_in_front():
    assert rewrite_question("那广东呢？", ["数字人才如何培养？"]) == "广东数字人才如何培养？"
    # ... but never in front of a question word or a title.
    assert rewrite_question("那浙江呢？", ["什么是数字政府？"]) == "什么是数字政府，浙江呢？"


@pytest.mark.parametrize(
    "question",
    [
        "数字政府建设面临哪些现实困境？",
        "广东数字政府改革建设工作领导小组由谁担任组长？",
        "明天天气如何",
        "数字人才如何培养？",
        "數據安全有哪些風險？",
    ],
)
def test_standalone_questions_are_unchanged(question):
    assert not is_follow_up(question)
    assert rewrite_question(question, [FIRST]) == question


@pytest.mark.parametrize(
    "question",
    ["具体有哪些措施？", "有哪些措施？", "原因是什么？", "为什么？", "该小组多久开一次会？", "那些措施有效吗？"],
)
def test_follow_ups_are_detected(question):
    assert is_follow_up(question)


def test_no_history_no_rewrite():
    assert rewrite_question("那广东是怎么做的？", []) == "那广东是怎么做的？"
    assert rewrite_question("  那广东呢？ ", ["", "   "]) == "那广东呢？"
    assert rewrite_question("那浙江呢？", ["那广东呢？"]) == "那浙江呢？"  # only follow-ups so far


def test_a_chain_of_follow_ups_keeps_the_topic():
    history = [FIRST, "那广东是怎么做的？"]
    assert rewrite_question("那浙江呢？", history) == "浙江是如何推进政务数据共享的？"
    # A swapped-in entity carries on to the next follow-up.
    assert (
        rewrite_question("他们多久开一次会？", [GROUP, "那浙江呢？"])
        == "浙江数字政府改革建设工作领导小组多久开一次会？"
    )
    # A comma rewrite does not become the topic: the standalone question stays it.
    assert rewrite_question("为什么？", [PLIGHT, "具体有哪些措施？"]) == "社会质量视角下数字政府发展的现实困境，为什么？"


def test_the_latest_standalone_question_sets_the_topic():
    history = [FIRST, "数字人才如何培养？"]
    assert rewrite_question("那广东呢？", history) == "广东数字人才如何培养？"
    assert rewrite_question("具体有哪些措施？", history) == "数字人才培养，具体有哪些措施？"


def test_traditional_follow_up_gets_a_traditional_topic():
    assert rewrite_question("還有什麼措施？", [FIRST]) == "各地推進政務數據共享，還有什麼措施？"
    assert rewrite_question("還有呢？", [CHALLENGES]) == "數字政府治理的挑戰，還有哪些？"
    assert rewrite_question("他們多久開一次會？", [GROUP]) == "廣東數字政府改革建設工作領導小組多久開一次會？"


def test_a_follow_up_in_either_script_takes_the_earlier_questions_script():
    # "那浙江呢" is the same in both scripts: keep the Traditional of the earlier question.
    assert rewrite_question("那浙江呢？", [CHALLENGES]) == "浙江數字政府治理面臨哪些挑戰？"
    assert rewrite_question("具體有哪些措施？", [CHALLENGES]) == "數字政府治理的挑戰，具體有哪些措施？"


def test_rewrite_respects_the_length_limit():
    assert rewrite_question("那广东呢？", [FIRST], max_chars=8) == "那广东呢？"
    assert rewrite_question("那广东呢？", [FIRST], max_chars=15) == "广东是如何推进政务数据共享的？"


def test_deterministic_and_pure():
    history = (FIRST,)
    results = {rewrite_question("那广东是怎么做的？", history) for _ in range(5)}
    assert len(results) == 1 and history == (FIRST,)


def test_helpers():
    assert strip_connective("那么，广东呢") == "广东呢"
    assert strip_connective("那") == "那"
    assert strip_connective("那些措施有效吗") == "那些措施有效吗"  # 那些 is a pronoun
    assert content_terms("它的作者是谁？") == ["作者"]
    assert topic_terms(["那广东呢？"]) == ["广东"]  # only follow-ups: take what there is
    assert topic_terms([]) == []


@pytest.mark.parametrize(
    "question, subject, phrase",
    [
        (GROUP, "广东数字政府改革建设工作领导小组", "广东数字政府改革建设工作领导小组组长"),
        ("广东由谁担任数字政府改革建设工作领导小组组长？", "广东", "广东数字政府改革建设工作领导小组组长"),
        (PLIGHT, "社会质量视角下数字政府发展", "社会质量视角下数字政府发展的现实困境"),
        (FIRST, "各地", "各地推进政务数据共享"),
        ("数字人才如何培养？", "数字人才", "数字人才培养"),
        ("什么是数字政府？", "", "什么是数字政府"),
    ],
)
def test_topic_of(question, subject, phrase):
    topic = topic_of(question)
    assert (topic.subject, topic.phrase) == (subject, phrase)


def test_custom_tokenizer_is_used():
    calls = []

    def tokenize(text: str) -> list[str]:
        calls.append(text)
        return text.split()

    assert rewrite_question("那 广东 做法", ["数据 共享 机制"], tokenize=tokenize) == "数据共享机制，广东 做法"
    assert calls


_FOLLOW_UPS = st.sampled_from(
    ["那浙江呢？", "他们多久开一次会？", "具体有哪些措施？", "还有呢？", "为什么？", "還有什麼措施？", "该做法有哪些风险？"]
)
_EARLIER = st.sampled_from([FIRST, GROUP, PLIGHT, CHALLENGES, "数字人才如何培养？", "", "那广东呢？"])


@settings(max_examples=60, deadline=None)
@given(_FOLLOW_UPS, st.lists(_EARLIER, max_size=3), st.none() | st.integers(min_value=1, max_value=60))
def test_rewrites_stay_within_the_limit_and_never_use_keyword_lists(follow_up, history, limit):
    rewritten = rewrite_question(follow_up, history, max_chars=limit)
    assert rewritten
    assert limit is None or len(rewritten) <= limit or rewritten == follow_up
    assert "  " not in rewritten and not rewritten.startswith(" ")
