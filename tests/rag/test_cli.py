"""The `rag` command: build, search, ask (single, --json, --jsonl), errors and exit codes."""

from __future__ import annotations

import io
import json
import os
import shutil

import pytest

from rag.cli import OFFLINE_ENV, main

pytestmark = pytest.mark.unit


CLI_ENV = {"RAG_EMBEDDER": "hash", "RAG_MIN_CHARS": "40", "RAG_MAX_CHARS": "120",
           "RAG_REFUSAL_THRESHOLD": "0"}


@pytest.fixture(scope="session")
def cli_build(tmp_path_factory):
    """(index, exit code, output) of one `rag build` of the tiny corpus, hashing embedder via
    the environment; `built` gives each test its own copy."""
    import contextlib

    from tests.conftest import write_corpus

    base = tmp_path_factory.mktemp("cli")
    seeds, index, out = write_corpus(base / "seeds"), base / "index", io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out):
        for name, value in CLI_ENV.items():
            patch.setenv(name, value)
        code = main(["build", "--seeds", str(seeds), "--index", str(index), "--quiet"])
    return index, code, out.getvalue()


@pytest.fixture
def built(cli_build, tmp_path, monkeypatch):
    """A CLI-built index of the tiny corpus (a copy in tmp_path: tests may damage or rebuild
    it), with the hashing embedder set in the environment."""
    for name, value in CLI_ENV.items():
        monkeypatch.setenv(name, value)
    index, code, out = cli_build
    assert code == 0
    assert "3 documents" in out and "added: data.txt, gd.txt, talent.txt" in out
    copy = tmp_path / "index"
    shutil.copytree(index, copy, symlinks=True)  # `current` is a relative link into builds/
    return copy


def test_entry_point_forces_offline_mode(built, monkeypatch, capsys):
    for name in OFFLINE_ENV:
        monkeypatch.delenv(name, raising=False)
    assert main(["search", "数据烟囱", "--index", str(built)]) == 0
    for name, value in OFFLINE_ENV.items():
        assert os.environ[name] == value


def test_search_json_contract(built, capsys):
    assert main(["search", "数据烟囱", "-k", "2", "--json", "--index", str(built)]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["rank"] for h in hits] == [1, 2]
    assert {"rank", "chunk_id", "doc_id", "title", "section", "start", "end", "text", "score"} <= set(hits[0])
    assert hits[0]["doc_id"] == "data.txt"


def test_ask_json_contract(built, capsys):
    assert main(["ask", "领导小组由谁担任组长？", "--json", "--index", str(built)]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["refused"] is False and "省长" in answer["answer"]
    citation = answer["citations"][0]
    assert {"n", "chunk_id", "doc_id", "title", "section", "start", "end", "text"} <= set(citation)
    assert citation["doc_id"] == "gd.txt" and "[1]" in answer["answer"]
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
    assert main(["search", "数据", "--doc", "talent.txt", "--json", "--index", str(built)]) == 0
    assert {h["doc_id"] for h in json.loads(capsys.readouterr().out)} == {"talent.txt"}
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


# --- Issue 11: hostile input, damaged indexes and the environment (items 10-13) ---


def _damage_cases():
    import importlib.util
    import sys
    from pathlib import Path

    if "index_damage" not in sys.modules:
        path = Path(__file__).parent / "store" / "damage.py"
        spec = importlib.util.spec_from_file_location("index_damage", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["index_damage"] = module
        spec.loader.exec_module(module)
    return sys.modules["index_damage"]


DAMAGE = _damage_cases()


@pytest.mark.parametrize("name", sorted(DAMAGE.CASES))
def test_damaged_index_exits_2_naming_the_file_and_build_repairs_it(built, corpus, capsys, name):
    case = DAMAGE.damage(built, name)
    assert main(["ask", "领导小组由谁担任组长？", "--json", "--index", str(built)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert f"damaged index at {(built / 'current').resolve()}: {case.file}: " in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert main(["build", "--seeds", str(corpus), "--index", str(built), "--quiet"]) == 0
    assert "rebuilt from scratch: damaged index" in capsys.readouterr().out
    assert main(["ask", "领导小组由谁担任组长？", "--json", "--index", str(built)]) == 0
    assert "省长" in json.loads(capsys.readouterr().out)["answer"]


def _refuse_writes_under(folder, monkeypatch, code):
    """Make every directory or link creation under `folder` fail with `code`, as a read-only
    mount does (chmod is no test here: the suite may run as root, which ignores it)."""
    from pathlib import Path

    real_mkdir, real_symlink = os.mkdir, os.symlink

    def inside(path) -> bool:
        return Path(os.path.abspath(path)).is_relative_to(Path(folder).resolve())

    def mkdir(path, *args, **kwargs):
        if inside(path):
            raise OSError(code, os.strerror(code), str(path))
        return real_mkdir(path, *args, **kwargs)

    def symlink(source, target, *args, **kwargs):
        if inside(target):
            raise OSError(code, os.strerror(code), str(target))
        return real_symlink(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(os, "symlink", symlink)


def test_read_only_index_exits_2_before_any_embedding(built, corpus, capsys, monkeypatch):
    import errno

    from rag.embed.hashing import HashingEmbedder

    def no_embedding(self, texts):
        raise AssertionError("embedded before finding that the index cannot be written")

    monkeypatch.setattr(HashingEmbedder, "embed_passages", no_embedding)
    (corpus / "talent.txt").write_text("全新的内容，需要重新嵌入。" * 20, encoding="utf-8")
    _refuse_writes_under(built, monkeypatch, errno.EROFS)
    assert main(["build", "--seeds", str(corpus), "--index", str(built), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"rag: cannot write the index at {built}: Read-only file system")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_full_disk_exits_2_and_keeps_the_previous_build(built, corpus, capsys, monkeypatch):
    import errno

    from rag.store import index as index_module

    before = os.readlink(built / "current")

    def full(path, rows):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    with monkeypatch.context() as patch:
        patch.setattr(index_module, "_write_jsonl", full)
        assert main(["build", "--seeds", str(corpus), "--index", str(built), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"cannot write the index at {built}: No space left on device" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert os.readlink(built / "current") == before
    assert [p.name for p in (built / "builds").iterdir()] == [before.split("/")[-1]]
    assert main(["search", "数据烟囱", "--index", str(built)]) == 0


def test_port_in_use_exits_2_with_one_line_before_loading(built, capsys, monkeypatch):
    import socket

    import ui.app

    monkeypatch.setattr(ui.app, "serve", lambda settings: pytest.fail("launched on a taken port"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--index", str(built)]) == 2
    err = capsys.readouterr().err
    assert err == f"rag: cannot listen on 127.0.0.1:{port}: Address already in use; choose another with --port\n"


def test_launch_failure_after_the_check_is_one_line(built, capsys, monkeypatch):
    import errno
    import socket

    import ui.app

    def crash(settings):
        raise OSError(errno.EADDRINUSE, "Cannot find empty port in range: 7861-7861")

    monkeypatch.setattr(ui.app, "serve", crash)
    with socket.socket() as probe:  # a port that is free now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["serve", "--port", str(port), "--index", str(built)]) == 2
    err = capsys.readouterr().err
    assert f"rag serve on 127.0.0.1:{port} failed" in err and len(err.strip().splitlines()) == 1


def test_argv_that_is_not_utf8_exits_2_with_a_message(built, capsys):
    question = os.fsdecode(b"\xff\xfe\xe6\x95")  # invalid UTF-8, as a shell would pass it
    assert main(["ask", question, "--index", str(built)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rag: argument 2 (b'\\xff\\xfe\\xe6\\x95') is not valid UTF-8")
    assert "Traceback" not in err


def test_argv_that_is_not_utf8_from_a_real_process(built):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "rag", "search", b"\xe6\x95\xb0\xff", "--index", str(built)],
        capture_output=True, timeout=120,
    )
    assert result.returncode == 2
    assert b"is not valid UTF-8" in result.stderr and b"Traceback" not in result.stderr


def test_lone_surrogate_in_jsonl_is_a_per_line_error_and_later_lines_are_answered(built, capsys, monkeypatch):
    lines = [
        '{"id": "bad", "question": "数据\\ud800烟囱"}',
        '{"id": "\\udc80", "question": "领导小组由谁担任组长？"}',
        json.dumps({"id": "ok", "question": "数据烟囱"}, ensure_ascii=False),
    ]
    for command in ("ask", "search"):
        monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
        assert main([command, "--jsonl", "--index", str(built)]) == 0
        rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [r["id"] for r in rows] == ["bad", "\udc80", "ok"]
        assert "U+D800" in rows[0]["error"] and rows[0]["question"] == "数据\ud800烟囱"
        assert "error" not in rows[1] and "error" not in rows[2]
        if command == "ask":
            assert "省长" in rows[1]["answer"]


def test_bidi_and_zero_width_characters_are_stripped_from_questions(built, capsys):
    clean = "领导小组由谁担任组长？"
    assert main(["ask", clean, "--json", "--index", str(built)]) == 0
    expected = json.loads(capsys.readouterr().out)
    hostile = "\u202e领导\u200b小组\u200d由谁\u2066担任\u2069组长\ufeff？\u200e"
    assert main(["ask", hostile, "--json", "--index", str(built)]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["question"] == clean and answer["query"] == clean
    assert answer["answer"] == expected["answer"]


def test_out_of_range_setting_exits_2_naming_the_range(built, capsys, monkeypatch):
    monkeypatch.setenv("RAG_MAX_QUESTION_CHARS", "-1")
    assert main(["ask", "数据烟囱", "--index", str(built)]) == 2
    err = capsys.readouterr().err
    assert "max_question_chars=-1 is out of range: allowed 1 <= max_question_chars <= 100000" in err
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
