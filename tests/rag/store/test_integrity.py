"""Index integrity (issue 11, item 10): every damage a probe found is refused at load with
`damaged index at …: <file>: <what>`, and `rag build` repairs it by building from scratch."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from rag.embed import make_embedder
from rag.store.build import build_index
from rag.store.index import (
    FORMAT_VERSION,
    IndexDamaged,
    IndexNotReady,
    current_path,
    load_index,
)
from rag.store.integrity import CHUNK_SCHEMA, DOCUMENT_SCHEMA
from rag.types import Chunk, Document

pytestmark = pytest.mark.unit


def _load_damage():
    if "index_damage" not in sys.modules:
        spec = importlib.util.spec_from_file_location("index_damage", Path(__file__).with_name("damage.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules["index_damage"] = module
        spec.loader.exec_module(module)
    return sys.modules["index_damage"]


damage_cases = _load_damage()


def build(seeds, index_dir):
    return build_index(seeds, index_dir, make_embedder("hash"), 40, 120, progress=False)


@pytest.fixture
def index_copy(tiny_index, tmp_path):
    """A private copy of the session's tiny index, safe to damage."""
    target = tmp_path / "index"
    shutil.copytree(tiny_index, target, symlinks=True)
    return target


# Every case as found, and every checksummed file's case with the checksums re-signed.
VARIANTS = [
    pytest.param(name, resign, id=f"{name}-{'resigned' if resign else 'as-found'}")
    for name, case in sorted(damage_cases.CASES.items())
    for resign in ((False, True) if case.checksummed else (False,))
]


@pytest.mark.parametrize("name, resign", VARIANTS)
def test_damage_is_refused_naming_the_file_and_what(index_copy, name, resign):
    case = damage_cases.damage(index_copy, name, resign=resign)
    with pytest.raises(IndexDamaged) as caught:
        load_index(index_copy)
    message = str(caught.value)
    build_dir = current_path(index_copy).resolve()
    assert message.startswith(f"damaged index at {build_dir}: {case.file}: "), message
    if case.checksummed and not resign:
        assert "sha256" in message  # the checksum catches it before any parser runs
    else:
        assert case.what in message
    assert "rag build" in message


@pytest.mark.parametrize("name", sorted(damage_cases.CASES))
def test_build_repairs_every_damage_from_scratch(index_copy, corpus, name):
    damage_cases.damage(index_copy, name, resign=True)
    report = build(corpus, index_copy)
    assert "damaged index" in report.previous_unusable
    assert "rebuilt from scratch" in report.summary()
    assert report.reused == 0 and report.embedded == report.chunks
    loaded = load_index(index_copy)
    assert len(loaded.chunks) == report.chunks and loaded.faiss_index.ntotal == report.chunks


def test_manifest_records_a_sha256_of_every_file(index_copy):
    build_dir = current_path(index_copy).resolve()
    manifest = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
    on_disk = sorted(
        p.relative_to(build_dir).as_posix() for p in build_dir.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    )
    assert manifest["format_version"] == FORMAT_VERSION == 2
    assert sorted(manifest["files"]) == on_disk
    assert all(len(digest) == 64 for digest in manifest["files"].values())


def test_a_missing_file_is_named(index_copy):
    (current_path(index_copy) / "bm25" / "vocab.index.json").unlink()
    with pytest.raises(IndexDamaged, match=r": bm25/vocab.index.json: missing"):
        load_index(index_copy)


def test_previous_format_says_to_rebuild_and_build_replaces_it(index_copy, corpus):
    manifest_path = current_path(index_copy) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["format_version"] = 1
    del manifest["files"]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexNotReady, match=r"index format 1 .* is not the supported 2; rebuild with `rag build`"):
        load_index(index_copy)
    build(corpus, index_copy)
    assert load_index(index_copy).manifest["format_version"] == 2


def test_schemas_follow_the_dataclasses():
    """A new field on Document or Chunk must be stored and checked (and the format bumped)."""
    assert set(DOCUMENT_SCHEMA) == {f.name for f in fields(Document)}
    assert set(CHUNK_SCHEMA) == {f.name for f in fields(Chunk)} | {"embed_hash"}
    assert CHUNK_SCHEMA["start"] == (int,) and DOCUMENT_SCHEMA["removed"] == (dict,)
