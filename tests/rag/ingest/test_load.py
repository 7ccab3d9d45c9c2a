"""Loading a folder: bad files are reported by name and never stop the good ones."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from rag.ingest import load
from rag.ingest.load import DocumentError, decode_text, load_documents, parse_document

pytestmark = pytest.mark.unit

GOOD = "数字政府建设探讨\n\n数字政府建设是推进国家治理体系和治理能力现代化的重要举措。\n"


def write_good(folder: Path, name: str = "good.txt") -> Path:
    path = folder / name
    path.write_text(GOOD, encoding="utf-8")
    return path


def load_one_bad(folder: Path, name: str, data: bytes) -> tuple[load.LoadResult, Path]:
    write_good(folder)
    bad = folder / name
    bad.write_bytes(data)
    return load_documents(folder), bad


def assert_good_loaded(result: load.LoadResult) -> None:
    assert [d.doc_id for d in result.documents] == ["good"]
    assert result.documents[0].title == "数字政府建设探讨"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "looks binary"),
        ("gbk.txt", "数字政府建设是国家治理现代化的重要举措。".encode("gbk"), "not valid UTF-8"),
        ("empty.txt", b"", "no text left after cleaning"),
        ("blank.txt", " \n\t\n\u3000\u3000\n".encode("utf-8"), "no text left after cleaning"),
        ("controls.txt", ("数字" + "\x01\x02" * 20).encode("utf-8"), "control characters"),
        ("spam.md", "一級毛片在線觀看,久久精品免費看\n網站首頁 | 網站地圖\n".encode("utf-8"), "no text left"),
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "skipped, not one of"),
    ],
)
def test_bad_file_is_reported_by_name_and_good_file_still_loads(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    result, bad = load_one_bad(tmp_path, name, data)
    assert_good_loaded(result)
    assert len(result.errors) == 1
    (error,) = result.errors
    assert str(bad) in error
    assert reason in error


def test_too_large_file_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 200)
    big = ("数字政府建设是推进国家治理现代化的重要举措。" * 10).encode("utf-8")
    assert len(big) > 200 >= len(GOOD.encode("utf-8"))
    result, bad = load_one_bad(tmp_path, "big.txt", big)
    assert_good_loaded(result)
    (error,) = result.errors
    assert str(bad) in error and f"{len(big)} bytes exceeds the 200-byte limit" in error


def test_gbk_error_gives_the_byte_position(tmp_path: Path) -> None:
    data = "abc数字".encode("gbk")
    with pytest.raises(DocumentError, match=r"^gbk\.txt: not valid UTF-8 at byte 3"):
        decode_text(data, "gbk.txt")


def test_many_files_bad_ones_in_between(tmp_path: Path) -> None:
    write_good(tmp_path, "a.txt")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02")
    write_good(tmp_path, "c.md")
    (tmp_path / "d.txt").write_bytes("数字政府".encode("gbk"))
    write_good(tmp_path, "e.TXT")
    result = load_documents(tmp_path)
    assert [d.doc_id for d in result.documents] == ["a", "c", "e"]
    assert [Path(e.split(":")[0]).name for e in result.errors] == ["b.txt", "d.txt"]


def test_bom_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    result = load_documents(tmp_path)
    assert result.errors == ()
    (document,) = result.documents
    assert document.title == "数字政府建设探讨"
    assert "\ufeff" not in document.text
    assert decode_text(b"\xef\xbb\xbf" + "数字".encode("utf-8"), "x") == "数字"


def test_document_fields(tmp_path: Path) -> None:
    raw = (
        "社会质量视角下数字政府发展的现实困境\r\n  发布时间:2022-05-12 11:01   来源:城市怎么办\r\n\r\n"
        "伴随着信息技术的升级和产业变革的发展,国家大力倡导将数字技术应用到政府治理中。\r\n\r\n审核:毛燕武\r\n"
    ).encode("utf-8")
    path = tmp_path / "001_article.txt"
    path.write_bytes(raw)
    (document,) = load_documents(tmp_path).documents
    assert document.doc_id == "001_article"
    assert document.path == str(path)
    assert document.source_sha256 == hashlib.sha256(raw).hexdigest()
    assert document.title == "社会质量视角下数字政府发展的现实困境"
    assert document.text == "伴随着信息技术的升级和产业变革的发展,国家大力倡导将数字技术应用到政府治理中。"
    assert (document.date, document.source, document.reviewers) == ("2022-05-12 11:01", "城市怎么办", ("毛燕武",))
    assert document.removed == (("byline_lines", 2),)
    assert document.script == "simplified"


def test_parse_document_names_the_doc_id_without_a_path() -> None:
    with pytest.raises(DocumentError, match=r"^doc-7: no text left after cleaning"):
        parse_document("doc-7", b"\n\n")


def test_hidden_files_and_subfolders_are_ignored(tmp_path: Path) -> None:
    write_good(tmp_path)
    (tmp_path / ".notes.txt").write_bytes(b"\x00")
    (tmp_path / "sub").mkdir()
    write_good(tmp_path / "sub", "inner.txt")
    result = load_documents(tmp_path)
    assert_good_loaded(result)
    assert result.errors == ()


def test_missing_folder_raises(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(DocumentError, match="nope: not a folder of articles"):
        load_documents(missing)


def test_file_instead_of_folder_raises(tmp_path: Path) -> None:
    path = write_good(tmp_path)
    with pytest.raises(DocumentError, match="not a folder"):
        load_documents(path)


def test_empty_folder_loads_nothing(tmp_path: Path) -> None:
    assert load_documents(tmp_path) == load.LoadResult((), ())
