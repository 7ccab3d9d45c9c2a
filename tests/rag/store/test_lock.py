"""The index writer lock: exclusive across processes, re-entrant in a thread, a clear timeout."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from rag.store.lock import LOCK_NAME, LockTimeout, writer_lock

pytestmark = pytest.mark.unit

HOLD = """
import sys, time
from rag.store.lock import writer_lock
with writer_lock(sys.argv[1], what="test holder"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold(index_dir, seconds: float) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(index_dir), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_writer_waits_with_a_message_then_gets_the_lock(tmp_path):
    holder = _hold(tmp_path / "index", 1.5)
    messages = []
    started = time.monotonic()
    with writer_lock(tmp_path / "index", timeout_s=30, on_wait=messages.append):
        waited = time.monotonic() - started
    holder.wait(timeout=10)
    assert waited > 0.5
    assert len(messages) == 1 and "test holder" in messages[0] and "waiting up to 30 s" in messages[0]


def test_a_second_writer_fails_clearly_after_the_timeout(tmp_path):
    holder = _hold(tmp_path / "index", 10)
    try:
        with pytest.raises(LockTimeout, match=r"gave up after 0.5 s \(setting index_lock_timeout_s\)"):
            with writer_lock(tmp_path / "index", timeout_s=0.5):
                pass
    finally:
        holder.kill()
        holder.wait()
    with writer_lock(tmp_path / "index", timeout_s=1):  # a killed holder's lock is released
        pass


def test_the_lock_is_re_entrant_within_a_thread(tmp_path):
    with writer_lock(tmp_path / "index", timeout_s=0.2):
        with writer_lock(tmp_path / "index", timeout_s=0.2):
            assert (tmp_path / "index" / LOCK_NAME).exists()
    with writer_lock(tmp_path / "index", timeout_s=0.2):
        pass
