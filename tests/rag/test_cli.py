"""The `rag` command: build, search, ask (single, --json, --jsonl), errors and exit codes."""

from __future__ import annotations

import io
import json
import os

import pytest

from rag.cli import OFFLINE_ENV, main

pytestmark = pytest.mark.unit


@pytest.fixture
def built(corpus, tmp_path, monkeypatch, capsys):
    """A CLI-built index of the tiny corpus, using the hashing embedder via the environment."""
    monkeypatch.setenv("RAG_EMBEDDER", "hash")
    monkeypatch.setenv("RAG_MIN_CHARS", "40")
    monkeypatch.setenv("RAG_MAX_CHARS", "120")
    monkeypatch.setenv("RAG_REFUSAL_THRESHOLD", "0")
    index = tmp_path / "index"
    assert main(["build", "--seeds", str(corpus), "--index", str(index), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "3 documents" in out and "added: data, gd, talent" in out
    return index


def test_entry_point_forces_offline_mode(built):
    for name, value in OFFLINE_ENV.items():
        assert os.environ[name] == value


def test_search_json_contract(built, capsys):
    assert main(["search", "数据烟囱", "-k", "2", "--json", "--index", str(built)]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["rank"] for h in hits] == [1, 2]
    assert {"rank", "chunk_id", "doc_id", "title", "section", "start", "end", "text", "score"} <= set(hits[0])
    assert hits[0]["doc_id"] == "data"


def test_ask_json_contract(built, capsys):
    assert main(["ask", "领导小组由谁担任组长？", "--json", "--index", str(built)]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["refused"] is False and "省长" in answer["answer"]
    citation = answer["citations"][0]
    assert {"n", "chunk_id", "doc_id", "title", "section", "start", "end", "text"} <= set(citation)
    assert citation["doc_id"] == "gd" and "[1]" in answer["answer"]
    assert set(answer["timings_ms"]) >= {"retrieve", "gate", "generate", "compose", "total"}
    assert answer["gate"]["decision"] == "answer" and answer["query"] == "领导小组由谁担任组长？"


def test_jsonl_modes_answer_every_line_and_report_bad_ones(built, capsys, monkeypatch):
    lines = "\n".join(
        [
            json.dumps({"id": "q1", "question": "数据烟囱"}, ensure_ascii=False),
            json.dumps({"id": "q2", "question": ""}),
            "not json",
            json.dumps({"id": "q3"}),
        ]
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(lines + "\n"))
    assert main(["ask", "--jsonl", "--index", str(built)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r.get("id") for r in rows] == ["q1", "q2", None, "q3"]
    assert "answer" in rows[0] and "error" in rows[1] and "error" in rows[2] and "error" in rows[3]
    monkeypatch.setattr("sys.stdin", io.StringIO(lines + "\n"))
    assert main(["search", "--jsonl", "-k", "1", "--index", str(built)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows[0]["hits"]) == 1 and "error" in rows[1]


def test_document_filter_and_unknown_document(built, capsys):
    assert main(["search", "数据", "--doc", "talent", "--json", "--index", str(built)]) == 0
    assert {h["doc_id"] for h in json.loads(capsys.readouterr().out)} == {"talent"}
    assert main(["search", "数据", "--doc", "nope", "--index", str(built)]) == 2
    assert "unknown document id(s) ['nope']" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["ask", ""], "不能为空"),
        (["ask", "问" * 600], "问题过长"),
        (["ask"], "give a question"),
        (["search", "数据", "-k", "0"], "-k must be between 1 and 50"),
    ],
)
def test_bad_input_exits_2_with_a_message(built, capsys, argv, message):
    assert main(argv + ["--index", str(built)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_missing_index_says_to_build(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RAG_EMBEDDER", "hash")
    assert main(["ask", "数据", "--index", str(tmp_path / "none")]) == 2
    assert "rag build" in capsys.readouterr().err


def test_bad_config_value_is_reported(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RAG_RETRIEVER", "magic")
    assert main(["search", "数据", "--index", str(tmp_path)]) == 2
    assert "unknown retriever 'magic'; choose one of ['bm25', 'dense', 'hybrid']" in capsys.readouterr().err


def _dead_url() -> str:
    """A loopback URL nobody listens on, with credentials that must never be printed."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://alice:s3cret@127.0.0.1:{port}/v1"


def test_dead_backend_under_json_prints_an_error_object_and_exits_3(built, capsys, monkeypatch):
    monkeypatch.setenv("RAG_LLM_RETRIES", "0")
    argv = ["ask", "领导小组由谁担任组长？", "--json", "--index", str(built), "--generator", "openai",
            "--llm-base-url", _dead_url(), "--llm-model", "m"]
    assert main(argv) == 3
    captured = capsys.readouterr()
    error = json.loads(captured.out)
    assert set(error) == {"question", "error"} and "127.0.0.1" in error["error"]
    assert "s3cret" not in captured.out + captured.err and "alice" not in captured.out + captured.err
    assert "127.0.0.1" in captured.err and "Traceback" not in captured.err
    assert main(argv[:2] + argv[3:]) == 3  # the text mode: message on stderr, same exit code
    assert capsys.readouterr().out == ""


def test_bad_input_under_json_prints_an_error_object_and_exits_2(built, capsys):
    assert main(["ask", "", "--json", "--index", str(built)]) == 2
    assert "不能为空" in json.loads(capsys.readouterr().out)["error"]


def test_removed_sentences_are_printed_only_when_asked(built, capsys, monkeypatch, fake_llm):
    monkeypatch.setenv("RAG_LLM_RETRIES", "0")
    argv = ["ask", "领导小组由谁担任组长？", "--index", str(built), "--generator", "openai",
            "--llm-base-url", fake_llm.url, "--llm-model", "m"]
    assert main(argv) == 0  # the fake server's answer: one true sentence and two lies
    shown = capsys.readouterr().out
    assert "省长" in shown and "世界银行" not in shown and "博物馆" not in shown
    assert main(argv + ["--show-removed"]) == 0
    assert "已删除（无法核实）：该项改革由世界银行全额资助" in capsys.readouterr().out
    assert main(argv + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert any("世界银行" in r["text"] for r in data["removed"])
    assert "世界银行" in data["generated"] and data["generator"] == "openai"
    kept = [c for c in data["checks"] if c["kept"]]
    assert kept and all(any(j["supported"] and j["score"] >= 0.8 for j in c["judged"]) for c in kept)
    assert {c["reason"] for c in data["checks"] if not c["kept"]} >= {"缺少依据：999、世界银行"}


def test_serve_on_a_non_loopback_host_needs_public_and_says_what_is_exposed(
    monkeypatch, tmp_path, capsys
):
    import ui.app

    calls = []
    monkeypatch.setattr(ui.app, "serve", lambda settings: calls.append(settings) or 0)
    monkeypatch.setenv("RAG_EMBEDDER", "hash")
    base = ["serve", "--port", "7999", "--index", str(tmp_path)]
    assert main([*base, "--host", "0.0.0.0"]) == 2 and calls == []
    assert "--public" in capsys.readouterr().err
    assert main([*base, "--host", "::1"]) == 0 and main([*base, "--host", "localhost"]) == 0
    capsys.readouterr()
    assert main([*base, "--host", "0.0.0.0", "--public"]) == 0 and len(calls) == 3
    err = capsys.readouterr().err
    assert "0.0.0.0:7999" in err and "audit.jsonl" in err and "SECURITY.md" in err
