"""Feedback and audit logs: whole JSON lines, the fields reviewers need, safe concurrent appends."""

from __future__ import annotations

import json
import threading
from datetime import datetime

import pytest

from ui.logs import AUDIT_FILE, FEEDBACK_FILE, Logs, append_jsonl, read_jsonl

pytestmark = pytest.mark.unit


def _turn(answer):
    return {
        "turn": 2,
        "question": "广东呢？",
        "query": "各地 推进 广东呢？",
        "outcome": "answer",
        "settings": {"doc_ids": "all", "script": "original", "top_k": 5},
        "answer": answer,
    }


def test_feedback_record_has_question_answer_citations_settings_and_time(tmp_path, answer):
    logs = Logs(tmp_path / "data")
    logs.feedback(_turn(answer), "down", "第二句不对", feedback_id="abc", session="s1")
    (record,) = read_jsonl(tmp_path / "data" / FEEDBACK_FILE)
    assert record["rating"] == "down" and record["comment"] == "第二句不对"
    assert record["question"] == "广东呢？" and record["query"] == "各地 推进 广东呢？"
    assert record["answer"] == answer.text
    assert [c["n"] for c in record["citations"]] == [1, 2]
    assert record["citations"][0]["spans"] == [list(answer.citations[0].spans[0])]
    assert record["settings"] == {"doc_ids": "all", "script": "original", "top_k": 5}
    assert datetime.fromisoformat(record["time"]).tzinfo is not None
    assert record["feedback_id"] == "abc" and record["session"] == "s1" and record["turn"] == 2


def test_audit_records_answers_refusals_and_errors(tmp_path, answer, refusal):
    logs = Logs(tmp_path)
    logs.audit(_turn(answer))
    logs.audit({**_turn(refusal), "outcome": "refusal"})
    logs.audit({"turn": 3, "question": "", "outcome": "error", "error": "问题不能为空", "answer": None})
    rows = read_jsonl(tmp_path / AUDIT_FILE)
    assert [r["outcome"] for r in rows] == ["answer", "refusal", "error"]
    assert rows[0]["evidence_score"] == 0.8 and rows[0]["timings_ms"]["total"] == 50.0
    assert [r["chunk_id"] for r in rows[1]["related"]] == ["c1", "c2"]
    assert rows[2]["error"] == "问题不能为空" and rows[2]["citations"] == []


def test_concurrent_appends_stay_whole_lines(tmp_path):
    path = tmp_path / "deep" / "log.jsonl"
    text = "长" * 5000  # lines far longer than a pipe buffer

    def worker(n: int) -> None:
        for i in range(25):
            append_jsonl(path, {"worker": n, "i": i, "text": text})

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 200
    assert all(json.loads(line)["text"] == text for line in lines)


def test_reading_a_missing_log_is_empty(tmp_path):
    assert read_jsonl(tmp_path / "none.jsonl") == []


def test_logs_are_readable_by_their_owner_only(tmp_path, answer):
    import stat

    logs = Logs(tmp_path / "data")
    logs.audit(_turn(answer), "s")
    logs.feedback(_turn(answer), "up", "", "f1", "s")
    for path in (logs.audit_path, logs.feedback_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    old = tmp_path / "old.jsonl"  # a log made by an earlier version is tightened on write
    old.write_text("", encoding="utf-8")
    old.chmod(0o644)
    append_jsonl(old, {"a": 1})
    assert stat.S_IMODE(old.stat().st_mode) == 0o600


def test_a_record_with_a_lone_surrogate_or_credentials_is_written_neutralised(tmp_path):
    path = tmp_path / "log.jsonl"
    append_jsonl(path, {"question": "问\ud800题", "error": "no reply from http://bob:hunter2@h/v1"})
    (row,) = read_jsonl(path)
    assert row["question"] == "问\ufffd题" and "hunter2" not in row["error"]
