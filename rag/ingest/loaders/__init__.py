"""One loader per file format, chosen by suffix from one registry."""

from __future__ import annotations

from rag.ingest.loaders.base import DocumentError, Extracted, Loader
from rag.ingest.loaders.docx import load_docx
from rag.ingest.loaders.encoding import decode_text
from rag.ingest.loaders.html import load_html
from rag.ingest.loaders.markdown import load_markdown
from rag.ingest.loaders.pdf import load_pdf
from rag.ingest.loaders.text import load_text

LOADERS: dict[str, Loader] = {
    ".txt": load_text,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".docx": load_docx,
    ".pdf": load_pdf,
}
SUFFIXES = tuple(LOADERS)


def loader_for(name: str) -> Loader:
    """The loader for a file name's suffix (case-insensitive); the error lists the allowed ones."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
    try:
        return LOADERS[suffix]
    except KeyError:
        raise DocumentError(
            f"{name}: unknown suffix {suffix or '(none)'!r}; allowed: {list(SUFFIXES)}"
        ) from None


__all__ = ["LOADERS", "SUFFIXES", "DocumentError", "Extracted", "Loader", "decode_text", "loader_for"]
