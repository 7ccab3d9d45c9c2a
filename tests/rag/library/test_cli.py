"""`rag add`, `rag list`, `rag remove`, `rag admin set-password` from the command line."""

from __future__ import annotations

import json

import pytest

from rag.cli import main
from rag.library.admin import check_password

pytestmark = pytest.mark.unit

CLOUD = "政务云平台建设\n\n全省统一建设政务云平台,各部门业务系统迁移上云,实现计算资源集约共享。\n"


@pytest.fixture
def env(monkeypatch, tmp_path, corpus):
    monkeypatch.setenv("RAG_EMBEDDER", "hash")
    monkeypatch.setenv("RAG_MIN_CHARS", "40")
    monkeypatch.setenv("RAG_MAX_CHARS", "120")
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    return ["--seeds", str(corpus), "--index", str(tmp_path / "index")]


def _list(capsys, env) -> list[dict]:
    capsys.readouterr()
    assert main(["list", "--json", *env]) == 0
    return json.loads(capsys.readouterr().out)


def test_add_list_remove(tmp_path, capsys, env, corpus):
    cloud = tmp_path / "cloud.txt"
    cloud.write_text(CLOUD, encoding="utf-8")
    assert main(["build", "--quiet", "--seeds", env[1], "--index", env[3]]) == 0
    assert main(["add", str(cloud), "--authors", "王五,赵六", "--date", "2024-03-01",
                 "--quiet", *env]) == 0
    assert "added: " in capsys.readouterr().out
    rows = {r["path"]: r for r in _list(capsys, env)}
    assert set(rows) == {"gd.txt", "data.txt", "talent.txt", "cloud.txt"}
    assert rows["cloud.txt"]["authors"] == ["王五", "赵六"] and rows["cloud.txt"]["chunks"] >= 1
    assert rows["cloud.txt"]["format"] == "txt" and rows["cloud.txt"]["date"] == "2024-03-01"
    assert main(["list", *env]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0] == "id\ttitle\tauthors\tdate\tformat\tchunks\tadded" and len(table) == 5
    assert main(["remove", rows["cloud.txt"]["doc_id"], "--quiet", *env]) == 0
    assert {r["path"] for r in _list(capsys, env)} == {"gd.txt", "data.txt", "talent.txt"}


def test_bad_input_exits_2_with_a_message(tmp_path, capsys, env):
    assert main(["add", str(tmp_path / "missing.txt"), *env]) == 2
    assert "nothing added" in capsys.readouterr().err
    assert main(["remove", "nope", *env]) == 2
    assert "unknown document id" in capsys.readouterr().err
    assert main(["add", str(tmp_path / "x.txt"), "--date", "March", *env]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_admin_set_password_from_stdin(tmp_path, monkeypatch, capsys, env):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("管理员的密码2026\n"))
    assert main(["admin", "set-password", "--password-stdin"]) == 0
    assert check_password(tmp_path / "data", "管理员的密码2026")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["admin", "set-password", "--password-stdin"]) == 2
    assert "at least 8" in capsys.readouterr().err
