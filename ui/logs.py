"""Feedback and audit logs: one JSON object per line, appended under the data directory.

`feedback.jsonl` gets a record for each 👍/👎 (and another, with the same `feedback_id`,
when a comment follows); `audit.jsonl` gets every question with its answer, refusal or error.
Each record is written with a single `write` of one line under a per-file lock, so lines
never interleave within a process, and concurrent appends from processes stay whole lines.
Both files are created owner-only (0600): questions can be sensitive. Every line passes
through `redact_credentials`, and lone surrogates become U+FFFD, so a write never fails
on text and never carries a URL's password.
"""

from __future__ import annotations

import json
import os
import re
import threading
from datetime import datetime, timezone
from pathlib import Path

from rag.answer.render import answer_to_json
from rag.settings import redact_credentials
from rag.types import Answer

FEEDBACK_FILE = "feedback.jsonl"
AUDIT_FILE = "audit.jsonl"

LOG_MODE = 0o600  # owner read/write only
_SURROGATES = re.compile("[\ud800-\udfff]")

_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock_for(path: Path) -> threading.Lock:
    """One lock per log file in this process."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path, threading.Lock())


def now_iso() -> str:
    """The current time, ISO 8601 with the local UTC offset, to the second."""
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def neutralise(text: str) -> str:
    """`text` with lone surrogates (which cannot be encoded, e.g. "\\ud800" from a JSON
    client) replaced by U+FFFD, so that it can be logged, shown and searched."""
    return _SURROGATES.sub("\ufffd", text)


def append_jsonl(path: Path, record: dict) -> None:
    """Append `record` as one line to `path` (parents created; the file owner-only).
    Raises OSError when the disk refuses (the caller decides what the user sees)."""
    path = Path(path).absolute()
    text = redact_credentials(neutralise(json.dumps(record, ensure_ascii=False, default=str)))
    line = (text + "\n").encode("utf-8")
    with _lock_for(path):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, LOG_MODE)
        except FileNotFoundError:  # the first record, or the folder was removed meanwhile
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, LOG_MODE)
        try:
            if os.fstat(fd).st_mode & 0o777 != LOG_MODE:  # made by an older version
                os.fchmod(fd, LOG_MODE)
            os.write(fd, line)
        finally:
            os.close(fd)


def read_jsonl(path: Path) -> list[dict]:
    """All records of a log (for tests and reviews)."""
    path = Path(path)
    if not path.is_file():
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def citations_of(answer: Answer | None) -> list[dict]:
    """Compact citations: number, article, heading path, chunk and spans."""
    if answer is None:
        return []
    return [
        {
            "n": c["n"],
            "doc_id": c["doc_id"],
            "title": c["title"],
            "section": c["section"],
            "chunk_id": c["chunk_id"],
            "start": c["start"],
            "end": c["end"],
            "spans": c["spans"],
        }
        for c in answer_to_json(answer)["citations"]
    ]


def turn_summary(turn: dict) -> dict:
    """The loggable part of a chat turn: question, query, outcome, answer, citations, settings."""
    answer: Answer | None = turn.get("answer")
    summary = {
        "question": turn.get("question", ""),
        "question_chars": turn.get("question_chars", len(turn.get("question", ""))),
        "query": turn.get("query", ""),
        "outcome": turn.get("outcome", ""),
        "answer": answer.text if answer is not None else "",
        "error": turn.get("error", ""),
        "citations": citations_of(answer),
        "settings": turn.get("settings", {}),
    }
    if answer is not None:
        summary["related"] = [
            {"doc_id": h.chunk.doc_id, "chunk_id": h.chunk.chunk_id, "title": h.chunk.title}
            for h in answer.related
        ]
        summary["evidence_score"] = round(answer.evidence_score, 4)
        summary["timings_ms"] = dict(answer.timings_ms)
    return summary


class Logs:
    """The two logs of one data directory."""

    def __init__(self, data_dir: Path) -> None:
        """Logs live in `data_dir` (created on the first append)."""
        self.data_dir = Path(data_dir)
        self.feedback_path = self.data_dir / FEEDBACK_FILE
        self.audit_path = self.data_dir / AUDIT_FILE

    def audit(self, turn: dict, session: str = "") -> dict:
        """Record one question and what the system said."""
        record = {"time": now_iso(), "type": "qa", "session": session, "turn": turn.get("turn", 0)}
        record.update(turn_summary(turn))
        append_jsonl(self.audit_path, record)
        return record

    def feedback(
        self, turn: dict, rating: str, comment: str = "", feedback_id: str = "", session: str = ""
    ) -> dict:
        """Record a 👍 ("up") or 👎 ("down") on a turn, with an optional comment."""
        record = {
            "time": now_iso(),
            "type": "feedback",
            "feedback_id": feedback_id,
            "session": session,
            "turn": turn.get("turn", 0),
            "rating": rating,
            "comment": comment,
        }
        record.update(turn_summary(turn))
        append_jsonl(self.feedback_path, record)
        return record
