"""Admin password (scrypt, 0600) and audit log (0600)."""

from __future__ import annotations

import json
import stat

import pytest

from rag.library.admin import (
    AUDIT_FILE,
    PASSWORD_FILE,
    AdminError,
    AuditLog,
    admin_enabled,
    check_password,
    set_password,
)

pytestmark = pytest.mark.unit


def test_password_is_stored_as_a_scrypt_hash_readable_by_the_owner_only(tmp_path):
    assert not admin_enabled(tmp_path)
    path = set_password(tmp_path, "正确的密码123")
    assert admin_enabled(tmp_path) and path == tmp_path / PASSWORD_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    row = json.loads(path.read_text(encoding="utf-8"))
    assert row["algorithm"] == "scrypt" and "正确的密码123" not in path.read_text(encoding="utf-8")
    assert check_password(tmp_path, "正确的密码123")
    assert not check_password(tmp_path, "错误的密码123")
    assert not check_password(tmp_path, "")


def test_short_passwords_and_damaged_files_are_refused(tmp_path):
    with pytest.raises(AdminError, match="at least 8"):
        set_password(tmp_path, "short")
    (tmp_path / PASSWORD_FILE).write_text("{}", encoding="utf-8")
    with pytest.raises(AdminError, match="rag admin set-password"):
        check_password(tmp_path, "whatever1")


def test_audit_log_records_what_when_and_which_client_mode_0600(tmp_path):
    log = AuditLog(tmp_path)
    log.record("upload", "127.0.0.1 session=abc", files=["a.txt"])
    log.record("login", "127.0.0.1 session=def", ok=False)
    assert stat.S_IMODE((tmp_path / AUDIT_FILE).stat().st_mode) == 0o600
    rows = log.rows()
    assert [r["action"] for r in rows] == ["upload", "login"]
    assert rows[0]["client"] == "127.0.0.1 session=abc" and rows[0]["files"] == ["a.txt"]
    assert rows[1]["ok"] is False and rows[0]["at"].startswith("20")
