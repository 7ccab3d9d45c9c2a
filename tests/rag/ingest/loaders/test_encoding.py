"""Text encodings: UTF-8 ± BOM, UTF-16, GB18030/GBK and Big5 decoded and recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.ingest.load import load_documents
from rag.ingest.loaders import DocumentError, decode_text

pytestmark = pytest.mark.unit

SIMPLIFIED = (
    "数字政府建设探讨\n\n数字政府建设是推进国家治理体系和治理能力现代化的重要举措，"
    "各地积极推进政务服务一网通办，群众办事只进一扇门。\n"
)
TRADITIONAL = (
    "數位政府建設探討\n\n數位政府建設是推進國家治理體系和治理能力現代化的重要舉措，"
    "各地積極推進政務服務一網通辦，民眾辦事只進一扇門。\n"
)


@pytest.mark.parametrize(
    ("name", "data", "encoding", "expected"),
    [
        ("utf8.txt", SIMPLIFIED.encode("utf-8"), "utf-8", SIMPLIFIED),
        ("bom.txt", SIMPLIFIED.encode("utf-8-sig"), "utf-8-sig", SIMPLIFIED),
        ("utf16.txt", SIMPLIFIED.encode("utf-16"), "utf-16", SIMPLIFIED),
        ("utf16le.txt", SIMPLIFIED.encode("utf-16-le"), "utf-16-le", SIMPLIFIED),
        ("gbk.txt", SIMPLIFIED.encode("gbk"), "gb18030", SIMPLIFIED),
        ("gb18030.txt", SIMPLIFIED.encode("gb18030"), "gb18030", SIMPLIFIED),
        ("big5.txt", TRADITIONAL.encode("big5"), "big5", TRADITIONAL),
    ],
)
def test_each_encoding_is_decoded_and_recorded(
    tmp_path: Path, name: str, data: bytes, encoding: str, expected: str
) -> None:
    assert decode_text(data, name) == (expected, encoding)
    (tmp_path / name).write_bytes(data)
    result = load_documents(tmp_path)
    assert result.errors == ()
    (document,) = result.documents
    assert (document.doc_id, document.encoding, document.format) == (name, encoding, "txt")
    assert document.title == expected.split("\n")[0]
    assert "\ufeff" not in document.text and document.text.startswith(expected.split("\n")[2][:10])
    assert result.encodings() == {f"txt {encoding}": 1}


def test_big5_article_keeps_its_traditional_script(tmp_path: Path) -> None:
    (tmp_path / "big5.txt").write_bytes(TRADITIONAL.encode("big5"))
    (document,) = load_documents(tmp_path).documents
    assert document.script == "traditional"


def test_html_declared_charset_is_used(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="gbk"><title>测试</title></head><body><article>'
        + "".join(f"<p>{line}</p>" for line in SIMPLIFIED.split("\n") if line)
        + "</article></body></html>"
    )
    text, encoding = decode_text(page.encode("gbk"), "page.html", declared="gbk")
    assert (text, encoding) == (page, "gbk")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "looks binary"),
        (("数字" + "\x01\x02" * 20).encode("utf-8"), "control characters"),
        (b"\xff\xfe" + b"\x00\xd8", "not valid utf-16"),
    ],
)
def test_binary_and_broken_bytes_are_refused_by_name(data: bytes, message: str) -> None:
    with pytest.raises(DocumentError, match=rf"^bad\.txt: .*{message}"):
        decode_text(data, "bad.txt")
