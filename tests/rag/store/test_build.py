"""Index build: files, incremental re-embedding, deletions, atomic switch, errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rag.embed import make_embedder
from rag.store import index as index_module
from rag.store.build import build_index
from rag.store.index import FORMAT_VERSION, IndexNotReady, current_path, load_index

pytestmark = pytest.mark.unit


class CountingEmbedder:
    """The hashing embedder, counting the passages it is asked to embed."""

    def __init__(self):
        self.inner = make_embedder("hash")
        self.name, self.model_id, self.dim = "hash", self.inner.model_id, self.inner.dim
        self.passages = 0

    def load(self):
        return self

    def embed_passages(self, texts):
        self.passages += len(texts)
        return self.inner.embed_passages(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def build(seeds, index_dir, embedder=None):
    return build_index(seeds, index_dir, embedder or CountingEmbedder(), 40, 120, progress=False)


def test_build_writes_versioned_readable_files(corpus, tmp_path):
    report = build(corpus, tmp_path / "index")
    path = current_path(tmp_path / "index")
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["embedder"]["model_id"] == make_embedder("hash").model_id
    assert {d["doc_id"] for d in manifest["documents"]} == {"gd.txt", "data.txt", "talent.txt"}
    assert all(len(d["source_sha256"]) == 64 for d in manifest["documents"])
    assert manifest["chunk_count"] == report.chunks == sum(d["chunks"] for d in manifest["documents"])
    lines = (path / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == report.chunks
    assert {"chunk_id", "doc_id", "start", "end", "text", "embed_hash"} <= set(json.loads(lines[0]))
    for npy in (path / "bm25").glob("*.npy"):
        np.load(npy, allow_pickle=False)  # raises if anything was pickled
    np.load(path / "sentence_vectors.npy", allow_pickle=False)
    loaded = load_index(tmp_path / "index")
    assert loaded.faiss_index.ntotal == len(loaded.chunks) == report.chunks


def test_rebuild_of_unchanged_corpus_reuses_every_vector(corpus, tmp_path):
    first = build(corpus, tmp_path / "index")
    ids_before = [c.chunk_id for c in load_index(tmp_path / "index").chunks]
    embedder = CountingEmbedder()
    second = build(corpus, tmp_path / "index", embedder)
    assert embedder.passages == 0
    assert second.embedded == 0 and second.reused == first.chunks
    assert second.unchanged == sorted(second.unchanged) and set(second.unchanged) == {"gd.txt", "data.txt", "talent.txt"}
    assert [c.chunk_id for c in load_index(tmp_path / "index").chunks] == ids_before


def test_editing_one_article_re_embeds_only_its_changed_chunks(corpus, tmp_path):
    first = build(corpus, tmp_path / "index")
    path = corpus / "talent.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n新增一段关于数字人才评价的内容,强调以实绩论英雄,完善人才评价标准。\n", encoding="utf-8")
    embedder = CountingEmbedder()
    second = build(corpus, tmp_path / "index", embedder)
    assert second.changed == ["talent.txt"]
    assert 0 < second.embedded < first.chunks
    talent_chunks = sum(1 for c in load_index(tmp_path / "index").chunks if c.doc_id == "talent.txt")
    assert second.embedded <= talent_chunks


def test_deleting_an_article_removes_its_chunks_and_vectors(corpus, tmp_path):
    build(corpus, tmp_path / "index")
    (corpus / "data.txt").unlink()
    report = build(corpus, tmp_path / "index")
    loaded = load_index(tmp_path / "index")
    assert report.removed == ["data.txt"]
    assert "data.txt" not in loaded.documents
    assert all(c.doc_id != "data.txt" for c in loaded.chunks)
    assert loaded.faiss_index.ntotal == len(loaded.chunks)


def test_crash_mid_build_leaves_previous_index_usable(corpus, tmp_path, monkeypatch):
    build(corpus, tmp_path / "index")
    before = [c.chunk_id for c in load_index(tmp_path / "index").chunks]
    (corpus / "talent.txt").write_text("全新的内容。" * 30, encoding="utf-8")

    def explode(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(index_module, "_write_jsonl", explode)
    with pytest.raises(OSError, match="simulated"):
        build(corpus, tmp_path / "index")
    monkeypatch.undo()
    assert [c.chunk_id for c in load_index(tmp_path / "index").chunks] == before
    leftovers = [p.name for p in (tmp_path / "index" / "builds").iterdir() if p.name.startswith(".tmp")]
    assert leftovers == []


def test_bad_file_is_skipped_with_its_name_and_the_rest_is_built(corpus, tmp_path):
    (corpus / "broken.txt").write_bytes("坏文件".encode("gbk"))
    report = build(corpus, tmp_path / "index")
    assert report.documents == 3
    assert any("broken.txt" in error for error in report.errors)


def test_empty_seeds_folder_is_an_error_naming_it(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no usable articles"):
        build(tmp_path / "empty", tmp_path / "index")


def test_missing_and_foreign_indexes_say_how_to_fix(corpus, tmp_path):
    with pytest.raises(IndexNotReady, match="rag build"):
        load_index(tmp_path / "nowhere")
    build(corpus, tmp_path / "index")
    manifest_path = current_path(tmp_path / "index") / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["format_version"] = 999
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexNotReady, match="999"):
        load_index(tmp_path / "index")


def test_only_the_latest_build_and_the_one_before_are_kept(corpus, tmp_path):
    """The previous build stays for readers who resolved `current` just before the switch."""
    build(corpus, tmp_path / "index")
    first = current_path(tmp_path / "index").resolve()
    build(corpus, tmp_path / "index")
    second = current_path(tmp_path / "index").resolve()
    build(corpus, tmp_path / "index")
    builds = sorted(p.resolve() for p in (tmp_path / "index" / "builds").iterdir())
    assert len(builds) == 2 and first not in builds and second in builds
    assert current_path(tmp_path / "index").resolve() in builds


def test_the_build_current_named_is_kept_even_when_ids_sort_otherwise(corpus, tmp_path, monkeypatch):
    """Builds within one second differ only in their random suffix: the one kept beside the new
    build is the one `current` named before the switch, not the last name in sort order."""
    ids = iter(["20260101T000000-ffffffff", "20260101T000000-00000000", "20260101T000000-11111111"])
    monkeypatch.setattr(index_module, "new_build_id", lambda: next(ids))
    for _ in range(3):
        build(corpus, tmp_path / "index")
    kept = sorted(p.name for p in (tmp_path / "index" / "builds").iterdir())
    assert kept == ["20260101T000000-00000000", "20260101T000000-11111111"]
    assert current_path(tmp_path / "index").resolve().name == "20260101T000000-11111111"


def test_read_only_index_fails_before_the_documents_are_embedded(corpus, tmp_path, monkeypatch):
    """Issue 11, item 11: the folder is checked first, not after minutes of embedding."""
    import errno
    import os

    from rag.store.index import IndexNotWritable

    index_dir = tmp_path / "index"
    real_mkdir = os.mkdir

    def read_only_mkdir(path, *args, **kwargs):  # a read-only mount (root ignores chmod)
        if str(path).startswith(str(index_dir)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", read_only_mkdir)
    embedder = CountingEmbedder()
    with pytest.raises(IndexNotWritable, match=f"cannot write the index at {index_dir}: Read-only file system"):
        build(corpus, index_dir, embedder)
    assert embedder.passages == 0


def test_full_disk_mid_build_is_an_index_not_writable_error(corpus, tmp_path, monkeypatch):
    import errno
    import os

    from rag.store.index import IndexNotWritable

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(index_module.np, "save", full)
    with pytest.raises(IndexNotWritable, match="No space left on device; the previous build"):
        build(corpus, tmp_path / "index")
    assert not any((tmp_path / "index" / "builds").iterdir())


def test_full_disk_while_writing_vectors_is_an_index_not_writable_error(corpus, tmp_path, monkeypatch):
    import errno
    import os
    from pathlib import Path

    from rag.store.index import IndexNotWritable

    real_write_bytes = Path.write_bytes

    def full(self, data):
        if self.name == "faiss.index":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(IndexNotWritable, match="No space left on device"):
        build(corpus, tmp_path / "index")
