"""One writer at a time per index folder: an `fcntl.flock` on `<index_dir>/.write.lock`.

The lock is held by the open file, so it is released when the holder exits, even by a crash.
It is re-entrant within one thread (`rag add` holds it and calls the build, which takes it
again). A second writer waits, saying who holds it, and gives up after `timeout_s`.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".write.lock"
_local = threading.local()  # per thread: {lock path: depth}


class LockTimeout(RuntimeError):
    """Another writer held the index lock for longer than the configured timeout."""


def _holder(handle) -> str:
    """Who holds the lock, from what the holder wrote into the lock file."""
    try:
        handle.seek(0)
        info = json.loads(handle.read() or "{}")
    except (OSError, ValueError):
        return "another writer"
    return f"process {info.get('pid', '?')} ({info.get('what', '?')}, since {info.get('since', '?')})"


@contextmanager
def writer_lock(
    index_dir: Path,
    timeout_s: float = 300.0,
    what: str = "",
    on_wait: Callable[[str], None] | None = None,
    poll_s: float = 0.1,
) -> Iterator[Path]:
    """Hold the writer lock of `index_dir` (created if missing) for the `with` block.

    `what` says what the holder does (shown to waiting writers); `on_wait` receives one
    message when this writer has to wait; `LockTimeout` after `timeout_s` seconds."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    path = (index_dir / LOCK_NAME).resolve()
    depths = _local.__dict__.setdefault("depths", {})
    if depths.get(path):
        depths[path] += 1
        try:
            yield path
        finally:
            depths[path] -= 1
        return
    handle = open(path, "a+", encoding="utf-8")
    try:
        started = time.monotonic()
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited >= timeout_s:
                    raise LockTimeout(
                        f"{index_dir} is being written by {_holder(handle)}; gave up after "
                        f"{timeout_s:g} s (setting index_lock_timeout_s). Try again when it is done."
                    ) from None
                if not told and on_wait is not None:
                    on_wait(
                        f"{index_dir} is being written by {_holder(handle)}; "
                        f"waiting up to {timeout_s:g} s…"
                    )
                    told = True
                time.sleep(poll_s)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({
            "pid": os.getpid(),
            "what": what or " ".join(Path(a).name for a in sys.argv[:2]),
            "since": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }))
        handle.flush()
        depths[path] = 1
        try:
            yield path
        finally:
            depths.pop(path, None)
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()
