"""A conversation as an official has it: queued while loading, the script of the question,
the measured time, ratings kept on the answer, the header's 简/繁 switch, the 原文 toggle."""

from __future__ import annotations

import threading

import pytest

from ui import strings as S
from ui.chat import Chat
from ui.engine import Engine
from ui.logs import Logs, read_jsonl

pytestmark = pytest.mark.unit

ANSWERABLE = "广东由谁担任数字政府改革建设工作领导小组组长？"
ANSWERABLE_TRADITIONAL = "廣東由誰擔任數字政府改革建設工作領導小組組長？"


@pytest.fixture
def chat(tiny_engine, tmp_path):
    return Chat(tiny_engine, Logs(tmp_path / "data"), stream_delay=0)


def ask(chat, question, turns=(), script="auto"):
    return list(chat.respond(question, list(turns), None, script, 5, "sess"))


def test_a_question_asked_while_loading_is_queued_and_answered(tmp_path, tiny_settings):
    engine = Engine(tiny_settings, log=lambda line: None)
    waiting = Chat(engine, Logs(tmp_path), stream_delay=0, ready_wait=60)
    updates = []
    asking = threading.Thread(target=lambda: updates.extend(
        waiting.respond(ANSWERABLE, [], [], "auto", 5, "s")  # [] : no article choices yet
    ))
    asking.start()
    asking.join(0.5)
    assert asking.is_alive(), "the question should wait for the index, not fail"
    assert any(S.PENDING_LOADING in u[1][-1]["content"] for u in updates)
    engine.start(background=False)
    asking.join(60)
    last = updates[-1]
    assert last[2][-1]["outcome"] == "answer" and "rag-cite" in last[1][-1]["content"]


def test_the_answer_follows_the_question_script_and_the_switch(chat):
    *_, (_, _, turns, panel, view) = ask(chat, ANSWERABLE_TRADITIONAL)
    turn = turns[-1]
    assert turn["script"] == "traditional" and turn["shown_script"] == "traditional"
    assert "省長" in turn["html"] and "省长" not in turn["html"]
    assert "《廣東" in panel
    chat_value, turns = chat.rescript(turns, "simplified")
    assert "省长" in chat_value[-1]["content"] and "省長" not in chat_value[-1]["content"]
    assert "《广东" in chat.panel(turns, view, "simplified")
    # 原文 is one click away, and back.
    html, view = chat.open_view(turns, "simplified", "original", 0, 0, "", view)
    assert view["original"] and "《广东数字政府改革实践》" in html  # the tiny article is Simplified
    html, view = chat.open_view(turns, "simplified", "original", 0, 0, "", view)
    assert not view["original"]


def test_the_time_shown_is_measured(chat):
    *_, (_, chat_value, turns, _, _) = ask(chat, ANSWERABLE)
    assert turns[-1]["seconds"] > 0
    assert f"用时 {S.format_seconds(turns[-1]['seconds'])} 秒" in chat_value[-1]["content"]


def test_a_rating_is_logged_and_stays_on_the_answer(chat, tmp_path):
    *_, (_, _, turns, _, _) = ask(chat, ANSWERABLE)
    *_, (_, _, turns, _, _) = ask(chat, "家常红烧肉应该怎么做？", turns)
    chat_value, turns, pending = chat.rate(turns, 0, "up", "sess")
    assert "is-rated" in chat_value[1]["content"] and S.RATED["up"] in chat_value[1]["content"]
    assert "is-rated" not in chat_value[3]["content"]
    assert chat.comment(turns, pending, "很好", "sess") == S.FEEDBACK_COMMENT_SAVED
    rows = read_jsonl(tmp_path / "data" / "feedback.jsonl")
    assert [(r["rating"], r["comment"]) for r in rows] == [("up", ""), ("up", "很好")]
    chat_value, turns = chat.rescript(turns, "traditional")
    assert "is-rated" in chat_value[1]["content"]  # still shown after a re-render
    # Nothing to rate on an error or a turn that does not exist.
    *_, (_, _, turns, _, _) = ask(chat, "", turns)
    assert chat.rate(turns, 2, "up")[2] is None and chat.rate(turns, 9, "up")[2] is None
