"""A writer or reader process for tests/rag/store/test_concurrency.py (run as a script).

    writer SEEDS INDEX ROUNDS   build the index ROUNDS times; exit 0, or print the error and exit 1
    reader INDEX STOP_FILE      load the index until STOP_FILE exists; print {"loads", "errors"}
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path


def writer(seeds: Path, index_dir: Path, rounds: int) -> int:
    from rag.embed import make_embedder
    from rag.store.build import build_index

    for _ in range(rounds):
        try:
            build_index(seeds, index_dir, make_embedder("hash"), 40, 120, progress=False)
        except BaseException:
            traceback.print_exc()
            return 1
    return 0


def reader(index_dir: Path, stop: Path) -> int:
    from rag.store.index import load_index

    loads, errors = 0, []
    while not stop.exists():
        try:
            index = load_index(index_dir)
            assert index.faiss_index.ntotal == len(index.chunks) > 0
            assert {c.doc_id for c in index.chunks} <= set(index.documents)
            loads += 1
        except Exception as error:  # noqa: BLE001 - every failure is counted and shown
            errors.append(f"{type(error).__name__}: {error}")
        time.sleep(0.02)
    print(json.dumps({"loads": loads, "errors": errors}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    role, *rest = sys.argv[1:]
    if role == "writer":
        sys.exit(writer(Path(rest[0]), Path(rest[1]), int(rest[2])))
    sys.exit(reader(Path(rest[0]), Path(rest[1])))
