"""`.txt`: plain text in any supported encoding; structure is left to the chunker."""

from __future__ import annotations

from rag.ingest.loaders.base import Extracted
from rag.ingest.loaders.encoding import decode_text


def load_text(data: bytes, name: str) -> Extracted:
    text, encoding = decode_text(data, name)
    return Extracted(text=text, format="txt", encoding=encoding)
