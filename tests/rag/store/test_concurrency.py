"""Concurrent writers and readers on one index folder, as separate processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_corpus

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

WORKER = Path(__file__).with_name("concurrent_worker.py")
ROOT = Path(__file__).resolve().parents[3]
WRITERS, ROUNDS, READERS = 4, 2, 2


def _spawn(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_concurrent_builds_never_crash_and_readers_never_see_a_false_damaged_index(tmp_path):
    from rag.embed import make_embedder
    from rag.store.build import build_index
    from rag.store.index import load_index

    index_dir = tmp_path / "index"
    folders = []
    for n in range(WRITERS):
        folder = write_corpus(tmp_path / f"seeds{n}")
        # Each writer's corpus differs, so every build really switches to new content.
        (folder / "extra.txt").write_text(
            f"第{n}号补充材料\n\n政务服务第{n}批事项实现网上办理,办理时限压缩到{n + 3}个工作日。\n",
            encoding="utf-8",
        )
        folders.append(folder)
    build_index(folders[0], index_dir, make_embedder("hash"), 40, 120, progress=False)
    stop = tmp_path / "stop"
    readers = [_spawn("reader", str(index_dir), str(stop)) for _ in range(READERS)]
    writers = [_spawn("writer", str(f), str(index_dir), str(ROUNDS)) for f in folders]
    crashed = []
    for process in writers:
        out, err = process.communicate(timeout=500)
        if process.returncode != 0:
            crashed.append(err[-2000:])
    stop.touch()
    results = [json.loads(p.communicate(timeout=60)[0]) for p in readers]
    errors = [e for r in results for e in r["errors"]]
    print(f"{WRITERS * ROUNDS} builds, {len(crashed)} crashed; "
          f"{sum(r['loads'] for r in results)} reads, {len(errors)} errors")
    assert not crashed, crashed[0]
    assert not errors, errors[:3]
    assert all(r["loads"] > 0 for r in results)
    assert load_index(index_dir).faiss_index.ntotal > 0
    leftovers = [p.name for p in (index_dir / "builds").iterdir() if p.name.startswith(".tmp")]
    assert not leftovers


def test_concurrent_rag_add_processes_all_land_and_readers_see_no_errors(tmp_path):
    from rag.embed import make_embedder
    from rag.library.commands import Library
    from rag.store.index import load_index

    seeds = write_corpus(tmp_path / "seeds")
    index_dir = tmp_path / "index"
    Library(seeds, index_dir, make_embedder("hash"), 40, 120).rebuild()
    incoming = []
    for n in range(WRITERS):
        path = tmp_path / "incoming" / f"notice{n}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(
            f"第{n}号通知\n\n第{n}批政务服务事项实现全程网办,群众办事平均跑动次数降到{n}次以下。\n",
            encoding="utf-8",
        )
        incoming.append(path)
    stop = tmp_path / "stop"
    readers = [_spawn("reader", str(index_dir), str(stop)) for _ in range(READERS)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "RAG_EMBEDDER": "hash",
           "RAG_MIN_CHARS": "40", "RAG_MAX_CHARS": "120"}
    adders = [
        subprocess.Popen(
            [sys.executable, "-m", "rag", "add", str(path), "--quiet", "--seeds", str(seeds),
             "--index", str(index_dir)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for path in incoming
    ]
    outcomes = [(p.wait(timeout=500), p.stderr.read()) for p in adders]
    stop.touch()
    results = [json.loads(p.communicate(timeout=60)[0]) for p in readers]
    errors = [e for r in results for e in r["errors"]]
    failed = [err for code, err in outcomes if code != 0]
    waited = sum("waiting up to" in err for _, err in outcomes)
    print(f"{len(adders)} concurrent adds, {len(failed)} failed, {waited} waited for the lock; "
          f"{sum(r['loads'] for r in results)} reads, {len(errors)} errors")
    assert not failed, failed[0][-2000:]
    assert not errors, errors[:3]
    names = {Path(d.path).name for d in load_index(index_dir).documents.values()}
    assert {p.name for p in incoming} <= names
