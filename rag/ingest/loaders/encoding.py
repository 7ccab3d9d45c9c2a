"""Decode the bytes of a text file: UTF-8 (± BOM), UTF-16, GB18030/GBK, Big5, and others.

UTF-8 and BOMs are decided exactly; anything else is detected with charset-normalizer.
The encoding used is returned, so the manifest can record it.
"""

from __future__ import annotations

import codecs

from rag.ingest.loaders.base import DocumentError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# charset-normalizer names GBK and GB2312 text by their superset; decode with the superset.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}


def _check_controls(text: str, name: str) -> None:
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > max(8, len(text) // 100):
        raise DocumentError(f"{name}: {controls} control characters; expected plain text")


def decode_text(data: bytes, name: str, declared: str = "") -> tuple[str, str]:
    """Return `(text, encoding)`; `declared` is an encoding the file names (HTML meta charset)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data, encoding, name), encoding
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if "\x00" in text:
            return _detect(data, name)  # UTF-16 without a BOM, or binary
        _check_controls(text, name)
        return text, "utf-8"
    if declared:
        try:
            text = data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            _check_controls(text, name)
            return text, codecs.lookup(declared).name
    return _detect(data, name)


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise DocumentError(
            f"{name}: not valid {encoding} at byte {error.start} although it starts with "
            f"the {encoding} byte-order mark"
        ) from None
    _check_controls(text, name)
    return text


def _detect(data: bytes, name: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    # NUL bytes are text only in UTF-16/32; any other "fit" of such bytes is binary data.
    wide = best is not None and best.encoding.startswith(("utf_16", "utf_32"))
    if best is None or (b"\x00" in data and not wide):
        reason = "contains NUL bytes" if b"\x00" in data else "no text encoding fits"
        raise DocumentError(
            f"{name}: looks binary ({reason}); expected text in UTF-8, UTF-16, GB18030/GBK or Big5"
        )
    encoding = codecs.lookup(best.encoding).name
    try:
        text = data.decode(_SUPERSETS.get(encoding, encoding))
    except UnicodeDecodeError:
        text = str(best)
    if "\x00" in text:
        raise DocumentError(f"{name}: looks binary (contains NUL bytes after decoding as {encoding})")
    _check_controls(text, name)
    return text, encoding
