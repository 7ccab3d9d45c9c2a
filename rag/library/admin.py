"""The admin page's password (a scrypt hash) and audit log, both in the data dir, mode 0600.

No password file, no admin page: `rag admin set-password` creates it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from pathlib import Path

PASSWORD_FILE = "admin_password.json"
AUDIT_FILE = "admin_audit.jsonl"
MIN_PASSWORD_CHARS = 8
# scrypt cost: n=2**14, r=8, p=1 (16 MiB, about 50 ms); stored with the hash, so it can grow.
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class AdminError(ValueError):
    """A bad password or an unreadable password file; the message says which."""


def _private_write(path: Path, text: str) -> None:
    """Write `text` to `path` atomically, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(staging, path)


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)


def set_password(data_dir: Path, password: str) -> Path:
    """Store a scrypt hash of `password` in `<data_dir>/admin_password.json` (0600)."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise AdminError(f"the admin password needs at least {MIN_PASSWORD_CHARS} characters")
    salt = secrets.token_bytes(16)
    row = {
        "algorithm": "scrypt", **SCRYPT, "salt": salt.hex(),
        "hash": _derive(password, salt, **SCRYPT).hex(),
        "set_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    path = Path(data_dir) / PASSWORD_FILE
    _private_write(path, json.dumps(row, indent=2) + "\n")
    return path


def admin_enabled(data_dir: Path) -> bool:
    """Whether an admin password is configured (then, and only then, the admin page exists)."""
    return (Path(data_dir) / PASSWORD_FILE).is_file()


def check_password(data_dir: Path, password: str) -> bool:
    """Whether `password` matches the stored hash (constant-time comparison)."""
    path = Path(data_dir) / PASSWORD_FILE
    try:
        row = json.loads(path.read_text(encoding="utf-8"))
        salt, expected = bytes.fromhex(row["salt"]), bytes.fromhex(row["hash"])
        n, r, p = int(row["n"]), int(row["r"]), int(row["p"])
    except FileNotFoundError:
        return False
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise AdminError(f"unreadable admin password file {path}: {error}; "
                         "set it again with `rag admin set-password`") from None
    if row.get("algorithm") != "scrypt":
        raise AdminError(f"{path}: algorithm {row.get('algorithm')!r} is not 'scrypt'")
    return hmac.compare_digest(_derive(password or "", salt, n, r, p), expected)


class AuditLog:
    """Admin actions, one JSON line each: what, when, which client. Mode 0600."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / AUDIT_FILE
        self._lock = threading.Lock()

    def record(self, action: str, client: str, ok: bool = True, **detail) -> dict:
        row = {"at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "action": action, "client": client,
               "ok": ok, **detail}
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        return row

    def rows(self) -> list[dict]:
        if not self.path.is_file():
            return []
        with open(self.path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
