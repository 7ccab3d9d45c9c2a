"""`Library.add/remove/entries`: incremental, atomic, metadata kept, ids from the folder."""

from __future__ import annotations

import json

import pytest

from rag.embed import make_embedder
from rag.library.catalog import CATALOG_NAME, Metadata
from rag.library.commands import Library, LibraryError
from rag.store.index import current_path, load_index

pytestmark = pytest.mark.unit

CLOUD = """政务云平台建设

全省统一建设政务云平台,各部门业务系统迁移上云,实现计算资源集约共享。政务云由省大数据中心统一运营,提供容灾备份服务。

政务云平台的迁移工作分三批完成,第一批为社保、医保等高频民生系统。
"""


class CountingEmbedder:
    """The hashing embedder, counting the passages it embeds; `fail` makes it raise."""

    def __init__(self, fail: bool = False):
        self.inner = make_embedder("hash")
        self.name, self.model_id, self.dim = "hash", self.inner.model_id, self.inner.dim
        self.passages, self.fail = 0, fail

    def load(self):
        return self

    def embed_passages(self, texts):
        if self.fail:
            raise RuntimeError("embedder failed on purpose")
        self.passages += len(texts)
        return self.inner.embed_passages(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def library(corpus, tmp_path, embedder=None) -> Library:
    return Library(corpus, tmp_path / "index", embedder or CountingEmbedder(), 40, 120,
                   lock_timeout_s=5)


@pytest.fixture
def built(corpus, tmp_path):
    library(corpus, tmp_path).rebuild()
    return corpus


@pytest.fixture
def cloud(tmp_path):
    path = tmp_path / "incoming" / "cloud.txt"
    path.parent.mkdir()
    path.write_text(CLOUD, encoding="utf-8")
    return path


def _state(corpus, tmp_path):
    """Everything an add or remove may change: folder files and the current build."""
    files = {p.name: p.read_bytes() for p in corpus.iterdir()}
    return files, current_path(tmp_path / "index").resolve()


def test_add_copies_the_file_and_embeds_only_its_chunks(built, tmp_path, cloud):
    embedder = CountingEmbedder()
    report = library(built, tmp_path, embedder).add([cloud])
    assert (built / "cloud.txt").read_bytes() == cloud.read_bytes()
    index = load_index(tmp_path / "index")
    new_chunks = [c for c in index.chunks if c.doc_id in report.added]
    assert len(report.added) == 1 and new_chunks
    assert report.build.embedded == len(new_chunks) and report.build.reused > 0
    assert report.build.unchanged and not report.build.changed
    assert "cloud" in index.documents[report.added[0]].path


def test_add_with_metadata_overrides_what_the_file_says_and_keeps_it_on_rebuild(built, tmp_path, cloud):
    lib = library(built, tmp_path)
    report = lib.add([cloud], Metadata.parse("省级政务云", "王五、赵六", "2024-03-01", "测试报"))
    doc_id = report.added[0]
    for _ in range(2):  # after the add, and after a plain rebuild from the folder
        document = load_index(tmp_path / "index").documents[doc_id]
        assert (document.title, document.authors, document.date, document.source) == (
            "省级政务云", ("王五", "赵六"), "2024-03-01", "测试报")
        lib.rebuild()
    catalog = json.loads((built / CATALOG_NAME).read_text(encoding="utf-8"))
    assert catalog["documents"]["cloud.txt"]["authors"] == ["王五", "赵六"]
    [entry] = [e for e in lib.entries() if e.doc_id == doc_id]
    assert (entry.title, entry.format, entry.path) == ("省级政务云", "txt", "cloud.txt")
    assert entry.chunks and entry.added.startswith("20")


def test_adding_a_new_version_replaces_the_old_one(built, tmp_path, cloud):
    lib = library(built, tmp_path)
    first = lib.add([cloud])
    cloud.write_text(CLOUD.replace("三批", "四批"), encoding="utf-8")
    second = lib.add([cloud])
    assert second.replaced == first.added and not second.added
    assert second.build.changed == first.added
    texts = [c.text for c in load_index(tmp_path / "index").chunks if c.doc_id in first.added]
    assert any("四批" in t for t in texts) and not any("三批" in t for t in texts)


def test_a_file_that_cannot_be_loaded_changes_nothing(built, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00binary\x00")
    before = _state(built, tmp_path)
    with pytest.raises(LibraryError, match="nothing added: .*bad.txt"):
        library(built, tmp_path).add([bad])
    assert _state(built, tmp_path) == before


def test_a_build_that_fails_leaves_folder_catalog_and_index_as_before(built, tmp_path, cloud):
    library(built, tmp_path).add([cloud], Metadata(title="旧标题"))
    cloud.write_text(CLOUD + "\n新增的第四段内容,说明政务云的安全防护要求。\n", encoding="utf-8")
    before = _state(built, tmp_path)
    with pytest.raises(RuntimeError, match="on purpose"):
        library(built, tmp_path, CountingEmbedder(fail=True)).add([cloud])
    assert _state(built, tmp_path) == before
    assert not [p for p in built.iterdir() if p.name.startswith(".rag-")]


def test_remove_deletes_file_and_chunks_without_embedding(built, tmp_path):
    lib = library(built, tmp_path)
    doc_id = next(e.doc_id for e in lib.entries() if e.path == "talent.txt")
    embedder = CountingEmbedder()
    report = library(built, tmp_path, embedder).remove([doc_id])
    assert report.removed == [doc_id] and report.build.removed == [doc_id]
    assert embedder.passages == 0
    assert not (built / "talent.txt").exists()
    assert doc_id not in load_index(tmp_path / "index").documents


def test_remove_rejects_unknown_ids_and_the_last_document(built, tmp_path):
    lib = library(built, tmp_path)
    with pytest.raises(LibraryError, match=r"unknown document id\(s\) \['nope'\]"):
        lib.remove(["nope"])
    with pytest.raises(LibraryError, match="at least one"):
        lib.remove([e.doc_id for e in lib.entries()])
    assert len(lib.entries()) == 3


def test_bad_names_and_metadata_are_refused(built, tmp_path, cloud):
    lib = library(built, tmp_path)
    with pytest.raises(LibraryError, match="not a usable file name"):
        lib.add([cloud], names=[".hidden.txt"])
    with pytest.raises(LibraryError, match="--title applies to one file"):
        lib.add([cloud, cloud], Metadata(title="x"))
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        Metadata.parse(date="2024/03/01")


def test_byte_and_near_copies_are_refused_before_anything_changes(built, tmp_path):
    incoming = tmp_path / "copies"
    incoming.mkdir()
    byte_copy = incoming / "a_copy.txt"  # sorts before gd.txt: must not displace it
    byte_copy.write_bytes((built / "gd.txt").read_bytes())
    near = incoming / "near.txt"
    near.write_text((built / "gd.txt").read_text(encoding="utf-8").replace("每季度", "每半年"),
                    encoding="utf-8")
    before = _state(built, tmp_path)
    lib = library(built, tmp_path)
    with pytest.raises(LibraryError, match="a_copy.txt: byte-identical copy of gd.txt"):
        lib.add([byte_copy])
    with pytest.raises(LibraryError, match=r"near.txt: near-duplicate of gd.txt \(similarity 0\.\d+\)"):
        lib.add([near])
    assert _state(built, tmp_path) == before
    report = lib.add([near], allow_duplicate=True)
    assert report.added == ["near.txt"]
    assert report.build.duplicates and "indexed anyway" in report.build.duplicates[0]


def test_a_near_copy_added_with_allow_duplicate_stays_in_later_builds(built, tmp_path):
    """`rag add --allow-duplicate` is remembered: a plain `rag build` later keeps the file."""
    near = tmp_path / "near.txt"
    near.write_text((built / "gd.txt").read_text(encoding="utf-8").replace("每季度", "每半年"),
                    encoding="utf-8")
    lib = library(built, tmp_path)
    lib.add([near], allow_duplicate=True)
    report = lib.rebuild()
    assert "near.txt" in {d.doc_id for d in load_index(tmp_path / "index").documents.values()}
    assert any("near.txt" in line and "indexed anyway" in line for line in report.duplicates)
    assert not any("near.txt" in line and "skipped" in line for line in report.duplicates)
