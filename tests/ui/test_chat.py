"""The chat's actions over the tiny index: streaming, refusals, errors, follow-ups, panel, feedback."""

from __future__ import annotations

import pytest

from rag.answer.prompts import ERROR_EMPTY, REFUSAL, RELATED_LABEL
from ui import strings as S
from ui.chat import Chat, messages, stream_cuts, turn_of_message
from ui.engine import Engine
from ui.logs import read_jsonl

pytestmark = pytest.mark.unit

ANSWERABLE = "广东由谁担任数字政府改革建设工作领导小组组长？"
UNRELATED = "家常红烧肉应该怎么做？需要哪些调料？"


@pytest.fixture
def chat(tiny_engine, tmp_path):
    from ui.logs import Logs

    return Chat(tiny_engine, Logs(tmp_path / "data"), stream_delay=0)


def run(chat, question, turns=(), doc_ids=None, script="original", top_k=5):
    """All updates of one question, and the last one."""
    updates = list(chat.respond(question, list(turns), doc_ids, script, top_k, "sess"))
    return updates, updates[-1]


def test_answer_streams_then_completes_with_citation_links(chat):
    chat.stream_steps = 12  # the replay in pieces, when asked for
    chat.pending_after_s = 0  # the question shows at once, with a pending bubble
    updates, (box, chat_messages, turns, panel, view) = run(chat, ANSWERABLE)
    assert box == ""
    assert "rag-pending" in updates[0][1][-1]["content"]
    streaming = [u for u in updates if "rag-streaming" in u[1][-1]["content"]]
    assert len(streaming) >= 3
    lengths = [len(u[1][-1]["content"]) for u in streaming]
    assert lengths == sorted(lengths)  # the answer grows piece by piece
    assert streaming[0][3] is not None  # the sources panel opens with the first piece
    final = chat_messages[-1]["content"]
    assert "rag-done" in final and 'href="#rag-cite-0-1"' in final
    assert chat_messages[0] == {"role": "user", "content": f'<div class="rag-q">{ANSWERABLE}</div>'}
    assert turns[0]["outcome"] == "answer" and view == {"turn": 0, "mode": "sources", "kind": "citation", "n": 1}
    assert "<mark" in panel and "省長" in panel or "省长" in panel


def test_a_quick_answer_comes_in_one_update_and_a_slow_one_after_a_pending_bubble(chat, monkeypatch):
    updates, (_, chat_messages, _, _, _) = run(chat, ANSWERABLE)
    assert len(updates) == 1 and "rag-done" in chat_messages[-1]["content"]

    ask_stream = chat.engine.ask_stream

    def slow_ask_stream(*args, **kwargs):
        import time

        time.sleep(0.3)
        yield from ask_stream(*args, **kwargs)

    monkeypatch.setattr(chat.engine, "ask_stream", slow_ask_stream)
    chat.pending_after_s = 0.05
    updates, (_, chat_messages, _, _, _) = run(chat, ANSWERABLE)
    assert "rag-pending" in updates[0][1][-1]["content"] and updates[0][0] == ""
    assert len(updates) == 2 and "rag-done" in chat_messages[-1]["content"]


def test_refusal_looks_different_and_lists_related_passages(chat):
    _, (_, chat_messages, turns, panel, view) = run(chat, UNRELATED)
    final = chat_messages[-1]["content"]
    assert "rag-refusal" in final and REFUSAL in final and RELATED_LABEL in final
    assert 'href="#rag-rel-0-1"' in final
    assert turns[0]["outcome"] == "refusal" and view["kind"] == "related"
    assert RELATED_LABEL in panel and "rag-card is-open" in panel


@pytest.mark.parametrize(
    "question, doc_ids, message",
    [
        ("   ", None, ERROR_EMPTY),
        ("问" * 600, None, "问题过长"),
        (ANSWERABLE, [], S.ERROR_NO_DOCS),
        ("数据\x07", None, "控制字符"),
    ],
)
def test_bad_questions_become_friendly_chat_messages(chat, question, doc_ids, message):
    _, (_, chat_messages, turns, panel, view) = run(chat, question, doc_ids=doc_ids)
    assert "rag-error" in chat_messages[-1]["content"] and message in chat_messages[-1]["content"]
    assert "Traceback" not in chat_messages[-1]["content"]
    assert turns[-1]["outcome"] == "error" and panel is None and view is None
    audit = read_jsonl(chat.logs.audit_path)
    assert audit[-1]["outcome"] == "error" and message in audit[-1]["error"]


def test_engine_not_ready_and_index_missing(tmp_path, tiny_settings):
    from ui.logs import Logs

    waiting = Chat(Engine(tiny_settings, log=lambda line: None), Logs(tmp_path), stream_delay=0)
    _, (_, chat_messages, *_) = run(waiting, ANSWERABLE)
    assert S.ERROR_NOT_READY in chat_messages[-1]["content"]

    missing = tiny_settings.replace(index_dir=tmp_path / "none", seeds_dir=tmp_path / "no-seeds")
    engine = Engine(missing, log=lambda line: None).start(background=False)
    assert engine.status()[0] == "failed"
    _, (_, chat_messages, *_) = run(Chat(engine, Logs(tmp_path), stream_delay=0), ANSWERABLE)
    assert "系统未能加载" in chat_messages[-1]["content"] and "rag build" in chat_messages[-1]["content"]
    assert "rag-error" in chat_messages[-1]["content"]


def test_unexpected_failure_is_friendly(chat, monkeypatch):
    def boom(*args, **kwargs):
        raise KeyError("internal detail")
        yield  # a generator, as ask_stream is

    monkeypatch.setattr(chat.engine, "ask_stream", boom)
    _, (_, chat_messages, *_) = run(chat, ANSWERABLE)
    assert S.ERROR_INTERNAL in chat_messages[-1]["content"] and "KeyError" not in chat_messages[-1]["content"]


def test_generator_backend_failure_is_friendly(chat, monkeypatch):
    from rag.answer.base import GeneratorError

    def down(*args, **kwargs):
        raise GeneratorError("http://127.0.0.1:8000/v1 refused the connection")
        yield  # a generator, as ask_stream is

    monkeypatch.setattr(chat.engine, "ask_stream", down)
    _, (_, chat_messages, turns, *_) = run(chat, ANSWERABLE)
    assert "模型服务暂时不可用" in chat_messages[-1]["content"] and turns[-1]["outcome"] == "error"


def test_a_missed_deadline_says_so_in_chinese(chat, monkeypatch):
    from rag.answer.base import GeneratorTimeout

    def late(*args, **kwargs):
        raise GeneratorTimeout("no complete answer from http://u:p@127.0.0.1:8000/v1 within 90 s", 90.0)
        yield  # a generator, as ask_stream is

    monkeypatch.setattr(chat.engine, "ask_stream", late)
    _, (_, chat_messages, turns, *_) = run(chat, ANSWERABLE)
    assert "模型在 90 秒内没有完成回答" in chat_messages[-1]["content"]
    assert "u:p@" not in chat_messages[-1]["content"] and turns[-1]["outcome"] == "error"


def test_what_the_guard_removed_is_shown_only_behind_the_toggle(chat, monkeypatch):
    import dataclasses

    from rag.answer.base import last_answer

    real_ask_stream = chat.engine.ask_stream

    def guarded(*args, **kwargs):
        answer = last_answer(real_ask_stream(*args, **kwargs))
        yield dataclasses.replace(answer, removed=(("编造的句子。", "没有引用"),))

    monkeypatch.setattr(chat.engine, "ask_stream", guarded)
    _, (_, chat_messages, turns, *_) = run(chat, ANSWERABLE)
    assert "编造的句子" not in chat_messages[-1]["content"]
    shown, turns = chat.show_removed(turns, True)
    assert "编造的句子" in shown[-1]["content"] and S.LABEL_SHOW_REMOVED == "显示被删除的内容"
    hidden, turns = chat.show_removed(turns, False)
    assert "编造的句子" not in hidden[-1]["content"] and "rag-done" in hidden[-1]["content"]
    updates = list(chat.respond(ANSWERABLE, [], None, "original", 5, "sess", show_removed=True))
    assert "编造的句子" in updates[-1][1][-1]["content"]


def test_follow_up_is_rewritten_and_shown_in_the_panel(chat):
    _, first = run(chat, ANSWERABLE)
    _, (_, chat_messages, turns, panel, _) = run(chat, "那浙江呢？", first[2])
    assert turns[1]["query"] == "浙江由谁担任数字政府改革建设工作领导小组组长？"
    assert S.QUERY_REWRITTEN in panel and turns[1]["query"] in panel
    assert len(chat_messages) == 4
    audit = read_jsonl(chat.logs.audit_path)
    assert audit[-1]["query"] == turns[1]["query"] and audit[-1]["question"] == "那浙江呢？"


def test_document_filter_limits_citations(chat):
    _, (_, _, turns, _, _) = run(chat, "数据安全", doc_ids=["talent.txt", "data.txt"], top_k=3)
    answer = turns[0]["answer"]
    assert turns[0]["settings"]["doc_ids"] == ["talent.txt", "data.txt"]
    assert {c.chunk.doc_id for c in answer.citations} | {h.chunk.doc_id for h in answer.related} <= {"talent.txt", "data.txt"}


def test_html_in_a_question_is_escaped(chat):
    _, (_, chat_messages, *_) = run(chat, "<script>alert(1)</script>数据安全")
    assert "<script>" not in chat_messages[0]["content"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in chat_messages[0]["content"]


def test_panel_actions_open_citation_article_and_back(chat):
    _, (_, _, turns, _, _) = run(chat, ANSWERABLE)
    html, view = chat.open_view(turns, "simplified", "cite", 0, 1)
    assert view["n"] == 1 and "is-active" in html and "省长" in html
    html, view = chat.open_view(turns, "traditional", "article", "0", "1", "citation", view)
    assert view["mode"] == "article" and 'id="rag-focus"' in html and "<mark" in html
    assert "省長" in html  # converted to 繁體
    html, view = chat.open_view(turns, "original", "back", 0, 0, "", view)
    assert view == {"turn": 0, "mode": "sources", "kind": "citation", "n": 1} and "rag-card" in html
    # Bad or stale targets never raise.
    html, same = chat.open_view(turns, "original", "cite", "x", None, current=view)
    assert same == view
    assert "不在当前对话" in chat.open_view(turns, "original", "cite", 7, 1)[0]
    assert "不在当前对话" in chat.open_view(turns, "original", "article", 0, 9)[0]
    assert "提问后" in chat.panel([], None, "original")


def test_related_passage_opens_in_the_panel_and_article(chat):
    _, (_, _, turns, _, _) = run(chat, UNRELATED)
    html, view = chat.open_view(turns, "original", "related", 0, 2)
    assert 'id="rag-card-0-related-2"' in html and "rag-card is-active" in html
    html, _ = chat.open_view(turns, "original", "article", 0, 2, "related", view)
    assert "rag-article-body" in html and "<mark" not in html and "rag-range" in html


def test_like_and_comment_are_logged(chat):
    _, (_, chat_messages, turns, _, _) = run(chat, ANSWERABLE)
    text, pending = chat.like(turns, 1, False, "sess")
    assert text == S.FEEDBACK_THANKS_DOWN and pending["rating"] == "down"
    assert chat.comment(turns, pending, "  组长写错了  ", "sess") == S.FEEDBACK_COMMENT_SAVED
    assert chat.comment(turns, pending, "   ") == ""
    rows = read_jsonl(chat.logs.feedback_path)
    assert [(r["rating"], r["comment"]) for r in rows] == [("down", ""), ("down", "组长写错了")]
    assert rows[0]["feedback_id"] == rows[1]["feedback_id"]
    assert rows[1]["question"] == ANSWERABLE and rows[1]["citations"][0]["n"] == 1
    assert rows[1]["settings"]["top_k"] == 5
    # The user bubble and error turns cannot be rated; un-liking records nothing.
    assert chat.like(turns, 0, True) == (S.FEEDBACK_NOTHING, None)
    assert chat.like(turns, [1, 0], None) == ("", None)
    assert chat.like(turns, 1, "Like")[1]["rating"] == "up"


def test_message_helpers():
    turns = [
        {"question": "甲", "html": "a"},
        {"question": "", "html": "err"},
        {"question": "乙", "html": "b"},
    ]
    assert [m["role"] for m in messages(turns)] == ["user", "assistant", "assistant", "user", "assistant"]
    found = [turn_of_message(turns, i) for i in range(6)]
    assert [t["html"] if t else None for t in found] == [None, "a", "err", None, "b", None]
    assert stream_cuts(0) == [] and stream_cuts(10) == [4, 8]
    assert len(stream_cuts(300)) == 11


def test_while_loading_the_message_is_about_loading_not_the_article_choice(tmp_path, tiny_settings):
    from ui.logs import Logs

    waiting = Chat(Engine(tiny_settings, log=lambda line: None), Logs(tmp_path), stream_delay=0)
    _, (_, chat_messages, *_) = run(waiting, ANSWERABLE, doc_ids=[])  # no choices offered yet
    assert S.ERROR_NOT_READY in chat_messages[-1]["content"]


# ------------------------------------------------------------ hostile input and faults (issue 11)


def test_a_finished_answer_is_shown_at_once_without_an_artificial_replay(tiny_engine, tmp_path):
    from ui.logs import Logs

    naps = []
    chat = Chat(tiny_engine, Logs(tmp_path), sleep=naps.append)
    updates, (_, chat_messages, *_) = run(chat, ANSWERABLE)
    assert len(updates) == 1 and naps == []  # the whole answer, in one update
    assert "rag-done" in chat_messages[-1]["content"]


def test_an_oversized_question_is_not_logged_stored_or_echoed(chat):
    huge = "问" * 2_000_000
    limit = chat.engine.settings.max_question_chars
    _, (_, chat_messages, turns, _, _) = run(chat, huge)
    assert "问题过长" in chat_messages[-1]["content"] and turns[-1]["outcome"] == "error"
    assert len(turns[-1]["question"]) <= limit + 1  # a preview, not the text
    assert sum(len(m["content"]) for m in chat_messages) < 10 * limit
    record = read_jsonl(chat.logs.audit_path)[-1]
    assert record["outcome"] == "error" and len(record["question"]) <= limit + 1
    assert record["question_chars"] == 2_000_000


def test_a_long_comment_is_refused_with_a_message_and_not_logged(chat):
    _, (_, _, turns, _, _) = run(chat, ANSWERABLE)
    _, pending = chat.like(turns, 1, False, "sess")
    limit = chat.engine.settings.max_comment_chars
    reply = chat.comment(turns, pending, "意" * (limit + 1), "sess")
    assert reply == S.ERROR_COMMENT_TOO_LONG.format(length=limit + 1, max_chars=limit)
    assert [r["comment"] for r in read_jsonl(chat.logs.feedback_path)] == [""]
    assert chat.comment(turns, pending, "意" * limit, "sess") == S.FEEDBACK_COMMENT_SAVED


def test_the_history_kept_per_session_is_capped(chat, monkeypatch):
    monkeypatch.setattr(chat.engine, "settings", chat.engine.settings.replace(max_session_turns=3))
    turns = []
    for _ in range(5):
        _, (_, chat_messages, turns, _, _) = run(chat, ANSWERABLE, turns)
    assert [t["turn"] for t in turns] == [2, 3, 4] and len(chat_messages) == 6
    html, view = chat.open_view(turns, "original", "cite", 4, 1)
    assert view["turn"] == 4 and "rag-card" in html  # turns are found by number, not position
    assert chat.like(turns, 5, True)[1]["turn"] == 4


def test_an_audit_write_failure_still_gives_the_full_answer(chat, monkeypatch, caplog):
    import errno

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("ui.logs.os.write", disk_full)
    with caplog.at_level("ERROR"):
        _, (_, chat_messages, turns, _, _) = run(chat, ANSWERABLE)
    assert "rag-done" in chat_messages[-1]["content"] and "rag-error" not in chat_messages[-1]["content"]
    assert turns[-1]["outcome"] == "answer"
    assert any("audit" in r.getMessage() and "No space left" in r.getMessage() for r in caplog.records)


def test_lone_surrogates_are_neutralised_and_audited(chat):
    _, (_, chat_messages, turns, _, _) = run(chat, "广东由谁担任\ud800数字政府改革建设工作领导小组组长？")
    assert "Traceback" not in chat_messages[-1]["content"] and turns[-1]["outcome"] != "pending"
    assert "\ud800" not in turns[-1]["question"]
    record = read_jsonl(chat.logs.audit_path)[-1]
    assert "\ufffd" in record["question"] and record["outcome"] == turns[-1]["outcome"]
    _, pending = chat.like(turns, 1, True, "sess")
    assert chat.comment(turns, pending, "很好\udc80", "sess") == S.FEEDBACK_COMMENT_SAVED
    assert read_jsonl(chat.logs.feedback_path)[-1]["comment"] == "很好\ufffd"


def test_doc_ids_are_checked_against_the_loaded_index(chat):
    _, (_, chat_messages, turns, _, _) = run(chat, ANSWERABLE, doc_ids=["gd.txt"])
    assert turns[-1]["outcome"] == "answer"
    _, (_, chat_messages, turns, _, _) = run(chat, ANSWERABLE, doc_ids=["gd.txt", "no-such-doc"])
    assert turns[-1]["outcome"] == "error" and "no-such-doc" in chat_messages[-1]["content"]


def test_concurrent_requests_of_one_session_are_each_logged_once(chat):
    import threading

    state = []  # Gradio hands every event of a session the same state object
    threads = [
        threading.Thread(target=lambda q=q: list(chat.respond(q, state, None, "original", 5, "one")))
        for q in [ANSWERABLE, UNRELATED] * 4
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records = read_jsonl(chat.logs.audit_path)
    assert len(records) == 8
    assert sorted(r["turn"] for r in records) == list(range(8))  # unique (session, turn) keys
    assert sorted(t["turn"] for t in state) == list(range(8))  # and no turn lost from the state
    assert all(t["outcome"] in ("answer", "refusal") for t in state)


def test_an_llm_answer_streams_sentence_by_sentence_as_the_guard_accepts_them(
    tmp_path, tiny_settings, fake_llm
):
    from ui.logs import Logs

    fake_llm.replies.append(
        "广东成立由省长任组长的数字政府改革建设工作领导小组。[1]"
        "《数字政府治理法》是2019年正式颁布实施的。[1]"  # invented: never shown
        "领导小组每季度召开一次会议，研究解决重大问题。[1]"
        "广东高度重视数字政府建设。[1]"  # the last sentence comes with the finished answer
    )
    settings = tiny_settings.replace(
        generator="openai", llm_model="m", llm_base_url=fake_llm.url
    )
    engine = Engine(settings, log=lambda line: None).start(background=False)
    chat = Chat(engine, Logs(tmp_path), pending_after_s=0)
    updates, (_, chat_messages, turns, _, _) = run(chat, ANSWERABLE)
    shown = [u[1][-1]["content"] for u in updates]
    streaming = [html for html in shown if "rag-streaming" in html]
    assert "rag-pending" in shown[0]
    assert len(streaming) >= 2  # one update per accepted sentence, before the answer is done
    assert "省长" in streaming[0] and "每季度" not in streaming[0]
    assert "每季度" in streaming[1] and "高度重视" not in streaming[1]
    assert "高度重视" in shown[-1]
    assert not any("治理法" in html for html in shown)  # the guard removed it before display
    assert "rag-done" in shown[-1] and turns[-1]["outcome"] == "answer"


def test_credentials_in_the_llm_url_reach_no_message_and_no_log(tmp_path, tiny_settings):
    from ui.logs import Logs

    settings = tiny_settings.replace(
        generator="openai", llm_model="m", llm_base_url="alice:s3cret@127.0.0.1:9/v1"
    )
    engine = Engine(settings, log=lambda line: None).start(background=False)
    assert engine.status()[0] == "failed" and "s3cret" not in engine.status()[1]
    chat = Chat(engine, Logs(tmp_path), stream_delay=0)
    _, (_, chat_messages, *_) = run(chat, ANSWERABLE)
    assert "rag-error" in chat_messages[-1]["content"] and "s3cret" not in chat_messages[-1]["content"]
    assert "s3cret" not in chat.logs.audit_path.read_text(encoding="utf-8")


def test_odd_api_values_for_script_and_top_k_are_neutralised_and_audited(chat):
    updates = list(chat.respond(ANSWERABLE, [], None, "x" * 10_000, "many", "sess"))
    _, _, turns, _, _ = updates[-1]
    assert turns[-1]["outcome"] == "answer"
    record = read_jsonl(chat.logs.audit_path)[-1]
    assert record["settings"]["script"] == "auto" and record["settings"]["top_k"] == 5
