"""The loading step of `rag build`: formats and encodings in the manifest, duplicates and
skipped paths in the printed report, `--allow-duplicate`, the configurable size limit."""

from __future__ import annotations

import json
import shutil

import pytest

from rag.cli import main
from rag.embed import make_embedder
from rag.store.build import build_index
from rag.store.index import current_path, load_index

pytestmark = pytest.mark.unit


@pytest.fixture
def library(corpus, tmp_path):
    """The tiny corpus plus a GBK copy of one article, a byte copy, a near copy, a link out."""
    shutil.copy(corpus / "gd.txt", corpus / "gd_copy.txt")
    text = (corpus / "talent.txt").read_text(encoding="utf-8")
    (corpus / "wechat").mkdir()
    (corpus / "wechat" / "talent_gbk.txt").write_bytes(text.replace("数字", "数码", 1).encode("gbk"))
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "notes.xlsx").write_bytes(b"PK\x03\x04")
    return corpus


def test_build_records_format_and_encoding_and_reports_copies_and_skips(library, tmp_path):
    report = build_index(library, tmp_path / "index", make_embedder("hash"), 40, 120, progress=False)
    manifest = json.loads((current_path(tmp_path / "index") / "manifest.json").read_text(encoding="utf-8"))
    rows = {d["doc_id"]: (d["format"], d["encoding"]) for d in manifest["documents"]}
    assert rows == {"data.txt": ("txt", "utf-8"), "gd.txt": ("txt", "utf-8"), "talent.txt": ("txt", "utf-8")}
    assert manifest["encodings"] == {"txt utf-8": 3}
    summary = report.summary()
    assert f"duplicate: gd_copy.txt: byte-identical copy of gd.txt, indexed once (as gd.txt)" in summary
    assert "duplicate: wechat/talent_gbk.txt: near-duplicate of talent.txt (similarity" in summary
    assert f"skipped: {library / 'passwd.txt'}: symlink pointing outside the library folder" in summary
    assert f"skipped: {library / 'notes.xlsx'}: unknown suffix" in summary
    assert manifest["duplicates"] == report.duplicates and len(report.duplicates) == 2
    assert "root:" not in json.dumps(manifest)  # nothing of /etc/passwd reached the index


def test_allow_duplicate_indexes_the_near_copy_in_its_encoding(library, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RAG_EMBEDDER", "hash")
    index = tmp_path / "index"
    argv = ["build", "--seeds", str(library), "--index", str(index), "--quiet", "--allow-duplicate"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "read: 1 txt gb18030, 3 txt utf-8" in out
    assert "near-duplicate of talent.txt" in out and "indexed anyway (--allow-duplicate)" in out
    documents = load_index(index).documents
    assert sorted(documents) == ["data.txt", "gd.txt", "talent.txt", "wechat/talent_gbk.txt"]
    assert documents["wechat/talent_gbk.txt"].encoding == "gb18030"


def test_size_limit_comes_from_settings(corpus, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RAG_EMBEDDER", "hash")
    largest = max(corpus.iterdir(), key=lambda p: p.stat().st_size)
    size = largest.stat().st_size
    monkeypatch.setenv("RAG_MAX_FILE_BYTES", str(size - 1))
    assert main(["build", "--seeds", str(corpus), "--index", str(tmp_path / "index"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"skipped: {largest}: {size} bytes exceeds the {size - 1}-byte limit" in out
    assert sorted(load_index(tmp_path / "index").documents) == sorted(
        p.name for p in corpus.iterdir() if p != largest
    )
