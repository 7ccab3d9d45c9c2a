"""Walking a library folder: what is indexed, and every skipped path named with its reason."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from rag.ingest import load
from rag.ingest.load import DocumentError, load_documents, parse_document, read_library_file

pytestmark = pytest.mark.unit

GOOD = "数字政府建设探讨\n\n数字政府建设是推进国家治理体系和治理能力现代化的重要举措。\n"
OTHER = "一网通办的实践\n\n某市整合政务数据资源，群众办事只进一扇门、最多跑一次，办事时间缩短一半。\n"


def write(folder: Path, name: str, text: str = GOOD) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def reasons(result: load.LoadResult) -> dict[str, str]:
    return {Path(s.path).name: s.reason for s in result.skipped}


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "looks binary"),
        ("empty.txt", b"", "no text left after cleaning"),
        ("blank.txt", " \n\t\n\u3000\u3000\n".encode("utf-8"), "no text left after cleaning"),
        ("controls.txt", ("数字" + "\x01\x02" * 20).encode("utf-8"), "control characters"),
        ("spam.md", "一級毛片在線觀看,久久精品免費看\n網站首頁 | 網站地圖\n".encode("utf-8"), "no text left"),
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "not a readable PDF"),
        ("notes.docx", b"PK\x03\x04 not really a zip", ".docx"),
        ("image.png", b"\x89PNG\r\n", "unknown suffix, not one of ['.txt', '.md'"),
        ("README", b"no suffix at all", "unknown suffix"),
    ],
)
def test_bad_file_is_reported_by_name_and_good_file_still_loads(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    write(tmp_path, "good.txt")
    bad = tmp_path / name
    bad.write_bytes(data)
    result = load_documents(tmp_path)
    assert [d.doc_id for d in result.documents] == ["good.txt"]
    (error,) = result.errors
    assert error.startswith(f"{bad}: ") and reason in error


def test_doc_ids_are_relative_paths_with_extension_so_same_stems_differ(tmp_path: Path) -> None:
    write(tmp_path, "X.txt")
    write(tmp_path, "X.md", "# 一网通办的实践\n\n某市整合政务数据资源，群众办事只进一扇门、最多跑一次。\n")
    write(tmp_path, "reports/2024/X.txt", OTHER)
    result = load_documents(tmp_path)
    assert [d.doc_id for d in result.documents] == ["X.md", "X.txt", "reports/2024/X.txt"]
    by_id = {d.doc_id: d for d in result.documents}
    assert by_id["X.md"].title == "一网通办的实践" and by_id["X.md"].format == "md"
    assert by_id["X.txt"].title == "数字政府建设探讨"
    assert by_id["reports/2024/X.txt"].path == str(tmp_path / "reports/2024/X.txt")
    assert result.skipped == () and result.duplicates == ()


def test_ids_are_stable_across_rebuilds(tmp_path: Path) -> None:
    write(tmp_path, "b/one.txt")
    write(tmp_path, "a.md", OTHER)
    first = [d.doc_id for d in load_documents(tmp_path).documents]
    write(tmp_path, "c.txt", "新增文章\n\n政务服务数据共享平台建设取得进展，部门之间的信息孤岛逐步打通。\n")
    second = [d.doc_id for d in load_documents(tmp_path).documents]
    assert first == ["a.md", "b/one.txt"] and second == ["a.md", "b/one.txt", "c.txt"]


def test_symlink_out_of_the_folder_is_never_followed(tmp_path: Path) -> None:
    library, outside = tmp_path / "library", tmp_path / "outside"
    write(library, "good.txt")
    secret = write(outside, "secret.txt", "机密\n\n这是库外的机密文件内容，不能被索引或显示出来。\n")
    (library / "passwd.txt").symlink_to("/etc/passwd")
    (library / "secret.txt").symlink_to(secret)
    (library / "escape").symlink_to(outside, target_is_directory=True)
    result = load_documents(library)
    assert [d.doc_id for d in result.documents] == ["good.txt"]
    assert all("机密" not in d.text for d in result.documents)
    found = reasons(result)
    assert set(found) == {"passwd.txt", "secret.txt", "escape"}
    assert all("outside the library folder, not followed" in r for r in found.values())


def test_symlink_inside_the_folder_is_read_at_its_target_and_reported_as_a_copy(tmp_path: Path) -> None:
    write(tmp_path, "a.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    result = load_documents(tmp_path)
    assert [d.doc_id for d in result.documents] == ["a.txt"]
    assert [str(d) for d in result.duplicates] == ["b.txt: byte-identical copy of a.txt, indexed once (as a.txt)"]
    assert reasons(result) == {"loop": "symlink to a folder, not followed"}


def test_dangling_symlink_fifo_dotfiles_and_subfolders(tmp_path: Path) -> None:
    write(tmp_path, "good.txt")
    write(tmp_path, "sub/inner.txt", OTHER)
    write(tmp_path, ".notes.txt")
    write(tmp_path, ".git/config.txt", OTHER)
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    result = load_documents(tmp_path)
    assert [d.doc_id for d in result.documents] == ["good.txt", "sub/inner.txt"]
    assert reasons(result) == {
        ".git": "hidden (dotfile), skipped",
        ".notes.txt": "hidden (dotfile), skipped",
        "gone.txt": "dangling symlink (→ missing.txt)",
        "pipe.txt": "skipped, a FIFO",
    }


def test_size_is_checked_with_stat_before_reading(tmp_path: Path) -> None:
    write(tmp_path, "good.txt")
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:  # sparse: 1 GiB by stat, no disk used
        handle.truncate(1 << 30)
    result = load_documents(tmp_path, max_file_bytes=200)
    assert [d.doc_id for d in result.documents] == ["good.txt"]
    assert reasons(result) == {"huge.txt": f"{1 << 30} bytes exceeds the 200-byte limit"}
    # The limit applies before a single byte is read: no read() call happens for it.
    calls = []
    real_fdopen = os.fdopen

    def watched(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        original = handle.read
        handle.read = lambda *a: calls.append(a) or original(*a)
        return handle

    os.fdopen = watched
    try:
        with pytest.raises(DocumentError, match="exceeds the 200-byte limit"):
            read_library_file(huge, 200)
    finally:
        os.fdopen = real_fdopen
    assert calls == []


def test_size_limit_is_a_parameter(tmp_path: Path) -> None:
    big = ("数字政府建设是推进国家治理现代化的重要举措。" * 10).encode("utf-8")
    (tmp_path / "big.txt").write_bytes(big)
    assert reasons(load_documents(tmp_path, max_file_bytes=len(big) - 1)) == {
        "big.txt": f"{len(big)} bytes exceeds the {len(big) - 1}-byte limit"
    }
    assert [d.doc_id for d in load_documents(tmp_path, max_file_bytes=len(big)).documents] == ["big.txt"]


def test_many_files_bad_ones_in_between(tmp_path: Path) -> None:
    write(tmp_path, "a.txt")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02")
    write(tmp_path, "c.md", OTHER)
    (tmp_path / "d.txt").write_bytes(b"")
    write(tmp_path, "e.TXT", "第三篇\n\n数据要素市场化配置改革持续深化，公共数据有序开放。\n")
    result = load_documents(tmp_path)
    assert [d.doc_id for d in result.documents] == ["a.txt", "c.md", "e.TXT"]
    assert [Path(e.split(": ")[0]).name for e in result.errors] == ["b.txt", "d.txt"]


def test_a_loader_crash_is_reported_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "good.txt")
    write(tmp_path, "page.html", "<html><body><p>正文</p></body></html>")

    def broken(data: bytes, name: str):
        raise RuntimeError("parser exploded")

    monkeypatch.setitem(load.loader_for.__globals__["LOADERS"], ".html", broken)
    result = load_documents(tmp_path)
    assert [d.doc_id for d in result.documents] == ["good.txt"]
    assert reasons(result) == {"page.html": "could not be read: RuntimeError: parser exploded"}


def test_document_fields(tmp_path: Path) -> None:
    raw = (
        "社会质量视角下数字政府发展的现实困境\r\n  发布时间:2022-05-12 11:01   来源:城市怎么办\r\n\r\n"
        "伴随着信息技术的升级和产业变革的发展,国家大力倡导将数字技术应用到政府治理中。\r\n\r\n审核:毛燕武\r\n"
    ).encode("utf-8")
    path = tmp_path / "001_article.txt"
    path.write_bytes(raw)
    (document,) = load_documents(tmp_path).documents
    assert document.doc_id == "001_article.txt"
    assert document.path == str(path)
    assert document.source_sha256 == hashlib.sha256(raw).hexdigest()
    assert document.title == "社会质量视角下数字政府发展的现实困境"
    assert document.text == "伴随着信息技术的升级和产业变革的发展,国家大力倡导将数字技术应用到政府治理中。"
    assert (document.date, document.source, document.reviewers) == ("2022-05-12 11:01", "城市怎么办", ("毛燕武",))
    assert document.removed == (("byline_lines", 2),)
    assert (document.script, document.format, document.encoding) == ("simplified", "txt", "utf-8")
    assert document.headings == () and document.pages == ()


def test_parse_document_names_the_doc_id_without_a_path() -> None:
    with pytest.raises(DocumentError, match=r"^doc-7: no text left after cleaning"):
        parse_document("doc-7", b"\n\n")


def test_missing_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="nope: not a folder of articles"):
        load_documents(tmp_path / "nope")


def test_file_instead_of_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="not a folder"):
        load_documents(write(tmp_path, "good.txt"))


def test_empty_folder_loads_nothing(tmp_path: Path) -> None:
    assert load_documents(tmp_path) == load.LoadResult(())
